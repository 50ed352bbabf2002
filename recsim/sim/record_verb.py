"""``<Record>`` (001_0ae55e6d7422f5b4.txt): beep, capture, and the race that ends it.

When capture starts, the numpy core is asked once, chunk by chunk over the inbound
audio (which the scenario fixes in advance), when the silence timeout would fire and
when a finishOnKey tone would be heard (tones only up to the timeout and the first
finishOnKey press: the scan stops where the answer is known); with the keys pressed out of band and maxLength
that gives one instant, scheduled as one SimPy timeout. A hangup interrupts it.

Then: stop (the tone is not recorded; ``finish_on_key_tail_loss_s`` more is lost),
assemble, and either continue with the next verb (absent recording, no action request)
or request ``action`` (default: the current document) with RecordingUrl,
RecordingDuration (before trimming) and Digits (the key, or ``hangup``).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import simpy

from recsim.audio import SAMPLE_RATE, SilenceTimeoutScanner, beep, detect_dtmf
from recsim.scenario import Account
from recsim.sim.call import Call
from recsim.sim.context import HANGUP, Context, Step
from recsim.sim.leg import Leg
from recsim.sim.media import to_sample
from recsim.sim.options import record_verb_options
from recsim.sim.recording import Recording, whole_seconds
from recsim.twiml import Document, Record

__all__ = ["RecordEnd", "execute_record", "find_record_end", "max_length_end"]

CHUNK_S = 10.0
_DTMF_OVERLAP = 410  # two Goertzel blocks: a tone across a chunk edge is still seen
_KEYPAD = "0123456789*#ABCD"  # the keys the receiver knows (recsim.audio.detect_dtmf)


class RecordEnd:
    """Why and when a capture ends: ``reason`` timeout / key / max-length, ``time`` (s),
    ``digit`` (the key for reason key)."""

    def __init__(self, reason: str, time: float, digit: str | None = None) -> None:
        self.reason, self.time, self.digit = reason, time, digit

    def __repr__(self) -> str:
        return f"RecordEnd({self.reason!r}, {self.time!r}, {self.digit!r})"


@cache
def _beep() -> np.ndarray:
    """The ``<Record>`` beep, made once (read-only: every capture plays this array)."""
    tone = beep()
    tone.setflags(write=False)
    return tone


def max_length_end(t0: float, max_length: float, no_media: list[tuple[float, float]]) -> float:
    """The time at which ``max_length`` seconds have been captured from ``t0``
    (no-media time does not count as captured)."""
    t = t0 + max_length
    for a, b in sorted(no_media):
        if b <= t0 or a >= t:
            continue
        t += b - max(a, t0)
    return t


def find_record_end(
    account: Account, leg: Leg, *, t0: float, timeout: int, finish_on_key: str, max_length: float
) -> RecordEnd:
    """The first of: ``timeout`` s of silence on the inbound stream, a finishOnKey
    press (out of band or a tone in the audio), ``max_length`` s captured (``account``:
    the silence rule, trim_threshold_dbfs and trim_frame_s)."""
    acc = account
    end = RecordEnd("max-length", max_length_end(t0, max_length, leg.no_media))
    for t, key in leg.dtmf:
        if t >= t0 and key in finish_on_key:
            if t < end.time:
                end = RecordEnd("key", t, key)
            break
    if timeout <= 0 and not finish_on_key:
        return end
    s0 = to_sample(t0)
    spans = [(to_sample(a) - s0, to_sample(b) - s0) for a, b in leg.no_media if to_sample(b) > s0]
    spans = [(max(0, a), b) for a, b in spans]
    scanner = (SilenceTimeoutScanner(timeout_s=float(timeout), threshold_dbfs=acc.trim_threshold_dbfs,
                                     frame_s=acc.trim_frame_s, no_media=spans or None)
               if timeout > 0 else None)
    chunk = int(CHUNK_S * SAMPLE_RATE)
    stop = to_sample(end.time)
    pos = s0
    stop_keys = "".join(k for k in finish_on_key if k in _KEYPAD)  # others are never heard
    while pos < stop:
        b = min(pos + chunk, stop)
        # The receiver hears the window from two blocks before the chunk (a tone across
        # the edge is still seen; none before s0); one render gives both, as any cut of
        # a stream renders the same samples.
        first = pos - _DTMF_OVERLAP if finish_on_key and pos > s0 else pos  # sample of both[0]
        both = leg.inbound.render(first, b)
        hit = scanner.feed(both[pos - first :]) if scanner is not None else None
        if finish_on_key:
            # A press after the timeout cannot win: look only up to it, and only until
            # the first finishOnKey press (every press is at or after s0).
            limit = None if hit is None else max(0, s0 + hit - first)
            for at, key in detect_dtmf(both, stop_keys=stop_keys, max_start=limit):
                abs_sample = first + at
                if key in finish_on_key and abs_sample >= s0:
                    t_key = abs_sample / SAMPLE_RATE
                    if t_key < end.time:
                        end = RecordEnd("key", t_key, key)
                        stop = min(stop, abs_sample)
                    break
        if hit is not None:
            t_hit = (s0 + hit) / SAMPLE_RATE
            if t_hit < end.time:
                end = RecordEnd("timeout", t_hit)
            break
        pos = b
    return end


def execute_record(cx: Context, call: Call, verb: Record, doc: Document) -> Step:
    """Run ``<Record>``; returns None (absent: next verb), a Document (the action's
    TwiML) or HANGUP.

    Raises
    ------
    SimulationError
        recordingConfigurationId names no configuration of the scenario.
    """
    k = cx.kernel
    env = k.env
    leg = call.parent
    max_length = verb.max_length if verb.max_length is not None else (120 if verb.transcribe else 3600)
    rec = None
    try:
        if verb.play_beep:
            tone = _beep()
            k.platform_audio(leg, float(env.now), tone)
            yield env.timeout(tone.shape[0] / SAMPLE_RATE)
        t0 = float(env.now)
        cfg = k.configuration(verb.recording_configuration_id, f"{k.where(call, doc.url)}: <Record>")
        rec = cx.recorder.start(call.sids, leg, record_verb_options(verb, cfg), t0, call=call)
        rec.beep = verb.play_beep
        rec.transcribe = verb.transcribe
        rec.transcribe_callback = verb.transcribe_callback if verb.transcribe else None
        end = find_record_end(k.account, leg, t0=t0, timeout=verb.timeout, finish_on_key=verb.finish_on_key,
                              max_length=max_length)
        yield env.timeout(max(0.0, end.time - env.now))
    except simpy.Interrupt as interrupt:
        if isinstance(interrupt.cause, Document):  # a live call modification: the new TwiML
            if rec is not None:                      # runs now; the recording ends here, no action
                rec.end_reason = "redirect"
                cx.recorder.stop(rec, float(env.now))
            return interrupt.cause
        if rec is None:
            return HANGUP
        return _finish(cx, call, verb, doc, rec, RecordEnd("hangup", float(env.now), "hangup"), hung=True)
    return _finish(cx, call, verb, doc, rec, end, hung=False)


def _finish(cx: Context, call: Call, verb: Record, doc: Document, rec: Recording, end: RecordEnd,
            hung: bool) -> Document | str | None:
    """Stop (losing the finishOnKey tail), then the action request, unless absent."""
    k = cx.kernel
    stop_at = end.time
    if end.reason == "key":
        stop_at = max(rec.start, end.time - k.account.finish_on_key_tail_loss_s)
    rec.end_reason = end.reason
    cx.recorder.stop(rec, stop_at)
    if hung:
        k.end_leg(call, call.parent, float(k.env.now))
    if rec.error_code is not None:
        return HANGUP if hung else None
    assert rec.assembly is not None
    params = k.standard_params(call)
    params["RecordingUrl"] = k.recording_url(rec.sid)
    params["RecordingDuration"] = str(whole_seconds(rec.assembly.untrimmed, k.account.duration_rounding))
    if end.digit is not None:
        params["Digits"] = end.digit
    next_doc = k.fetch(call, verb.action or doc.url, verb.method, params, reason="record-action")
    return HANGUP if hung else next_doc
