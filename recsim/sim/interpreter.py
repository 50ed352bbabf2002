"""The TwiML interpreter: executes a call's documents verb by verb as a SimPy process.

Each verb is a generator that yields SimPy events and returns what comes next:
``None`` (the next verb), a :class:`~recsim.twiml.Document` (continue there) or
:data:`~recsim.sim.context.HANGUP` (the call is over). A hangup of the caller arrives as
``simpy.Interrupt`` in whichever verb is running. The interpreter imports the kernel and
its services (:class:`~recsim.sim.context.Context`); they never import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import simpy

from recsim.audio import SAMPLE_RATE, say_audio
from recsim.scenario.words import Word
from recsim.sim.call import Call
from recsim.sim.context import HANGUP, Context, Step
from recsim.sim.dial import dial
from recsim.sim.options import start_recording_options
from recsim.sim.record_verb import execute_record
from recsim.transcription.sources import media_words, say_words
from recsim.twiml import (
    Dial,
    Document,
    Hangup,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    StartRecording,
    StopRecording,
    Verb,
)
from recsim.values import Source

__all__ = ["HANGUP", "execute", "run_document"]


def _play_outbound(cx: Context, call: Call, samples: np.ndarray, words: tuple[Word, ...] = ()) -> Step:
    cx.kernel.platform_audio(call.parent, float(cx.kernel.env.now), samples, words)
    yield cx.kernel.env.timeout(samples.shape[0] / SAMPLE_RATE)
    return None


def _say(cx: Context, call: Call, verb: Say, doc: Document) -> Step:
    audio, words = say_audio(verb.text), say_words(verb.text)
    for _ in range(verb.loop):
        yield from _play_outbound(cx, call, audio, words)
    return None


def _play(cx: Context, call: Call, verb: Play, doc: Document) -> Step:
    audio = cx.kernel.inputs.media_audio(verb.url, where=cx.kernel.where(call, doc.url))
    words = media_words(cx.kernel.scenario, verb.url)
    for _ in range(verb.loop):
        yield from _play_outbound(cx, call, audio, words)
    return None


def _pause(cx: Context, call: Call, verb: Pause, doc: Document) -> Step:
    yield cx.kernel.env.timeout(verb.length)
    return None


def _hangup(cx: Context, call: Call, verb: Hangup, doc: Document) -> Step:
    return HANGUP
    yield  # pragma: no cover


def _redirect(cx: Context, call: Call, verb: Redirect, doc: Document) -> Step:
    k = cx.kernel
    return k.fetch(call, verb.url, verb.method, k.standard_params(call), reason="redirect")
    yield  # pragma: no cover


def _start_recording(cx: Context, call: Call, verb: StartRecording, doc: Document) -> Step:
    """``<Start><Recording>`` (000): defaults dual, both, trim-silence."""
    k = cx.kernel
    where = f"{k.where(call, doc.url)}: <Start><Recording>"
    opts = start_recording_options(verb, k.configuration(verb.recording_configuration_id, where))
    cx.recorder.start(call.sids, call.parent, opts, float(k.env.now), call=call)
    return None
    yield  # pragma: no cover


def _stop_recording(cx: Context, call: Call, verb: StopRecording, doc: Document) -> Step:
    cx.recorder.stop_all(call, call.parent, float(cx.kernel.env.now), sources=(Source.START_CALL_RECORDING_TWIML,))
    return None
    yield  # pragma: no cover


_VERBS: dict[type, Callable[[Context, Call, Any, Document], Step]] = {
    Say: _say,
    Play: _play,
    Pause: _pause,
    Hangup: _hangup,
    Redirect: _redirect,
    StartRecording: _start_recording,
    StopRecording: _stop_recording,
    Dial: dial,
    Record: execute_record,
}


def execute(cx: Context, call: Call, verb: Verb, doc: Document) -> Step:
    """Run one verb; returns None, a Document to continue with, or HANGUP."""
    return (yield from _VERBS[type(verb)](cx, call, verb, doc))


def run_document(cx: Context, call: Call) -> Step:
    """The call's TwiML process: documents one after the other until the TwiML ends
    (the call ends, 000: "If there are no instructions, the call will end"), a
    ``<Hangup>``, or the caller hangs up.

    An interrupt whose cause is a :class:`~recsim.twiml.Document` is a live call
    modification (Calls update ``Url`` / ``Twiml``): the current verb stops and that
    document runs from that simulated moment. Any other interrupt (a hangup) ends the
    TwiML. ``<Record>`` and ``<Dial>`` take an interrupt as a hangup of their own."""
    doc: Document | None = cx.kernel.first_document(call)
    while doc is not None:
        try:
            while doc is not None:
                current, doc = doc, None
                for verb in current.verbs:
                    result = yield from execute(cx, call, verb, current)
                    if result == HANGUP:
                        return
                    if isinstance(result, Document):
                        doc = result
                        break
        except simpy.Interrupt as interrupt:
            if not isinstance(interrupt.cause, Document):
                return
            doc = interrupt.cause
