"""Transcriptions of ``<Record>`` recordings (001 ``transcribe``, ``transcribeCallback``).

Only ``<Record transcribe="true">`` recordings that complete with a duration greater
than 2 s and less than 120 s are transcribed; otherwise a debugger warning 13617 and no
transcription (001: "Twilio will write a warning to your debug log rather than
transcribe the recording"). Never for an absent recording. The text is ready
``transcription_delay_s`` after the recording completes; then the resource is completed
(or failed, if the engine raised) and, when a transcribeCallback was given, it receives an
asynchronous POST with the parameters of 001.

A word engine (``transcribe_words``, the default ``reference``) reads the words the
recording captured (:func:`recsim.sim.words.recording_words`, all channels merged in
time order; an engine with ``transcribe_texts`` gets their texts only,
:func:`recsim.sim.words.recording_texts`); an acoustic engine (``transcribe``) reads the
samples.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from recsim.audio import SAMPLE_RATE
from recsim.sim.call import Call
from recsim.sim.callbacks import API_VERSION
from recsim.sim.kernel import Kernel
from recsim.sim.recording import Recording
from recsim.sim.words import recording_texts, recording_words
from recsim.values import Source, Status

if TYPE_CHECKING:
    from recsim.transcription import TranscriptionEngine

__all__ = ["MAX_S", "MIN_S", "Transcriber", "Transcription"]

MIN_S = 2.0
MAX_S = 120.0


@dataclass
class Transcription:
    """A transcription of a recording (sid TR + 32 hex): its state; the resource JSON is
    :func:`recsim.outputs.transcription_json`."""

    sid: str
    recording: Recording
    created: float
    status: str = "in-progress"
    text: str = ""
    updated: float = 0.0


class Transcriber:
    """Transcribes ``<Record transcribe="true">`` recordings when they complete.

    Parameters
    ----------
    kernel : Kernel
        Clock, events, account settings.
    engine : str, TranscriptionEngine or None
        The speech-to-text engine, or its name (default: the scenario's
        ``account.transcription_engine``), resolved on first use.

    Attributes
    ----------
    transcriptions : dict of str to Transcription
        By TranscriptionSid, in creation order.
    """

    def __init__(self, kernel: Kernel, engine: str | TranscriptionEngine | None = None) -> None:
        self.kernel = kernel
        self.engine: Any = engine
        self.transcriptions: dict[str, Transcription] = {}

    def resolved_engine(self) -> TranscriptionEngine:
        """The engine object (imported on first use: engines pull in scipy and
        pocketsphinx, which a run without transcriptions never loads).

        Raises
        ------
        ScenarioError
            The engine name cannot be resolved (:func:`recsim.transcription.get_engine`).
        """
        from recsim.transcription import get_engine  # deferred heavy dependency, not a cycle

        if self.engine is None or isinstance(self.engine, str):
            acc = self.kernel.account
            self.engine = get_engine(self.engine or acc.transcription_engine,
                                     word_error_rate=acc.word_error_rate, seed=self.kernel.scenario.seed)
        return self.engine

    def text(self, rec: Recording, samples: np.ndarray) -> str:
        """The engine's text of ``rec``: from its captured words (a word engine) or its
        ``samples`` (``(n,)`` int16 at 8 kHz, an acoustic engine).

        Raises
        ------
        Exception
            Whatever the engine raises (the transcription fails).
        """
        engine = self.resolved_engine()
        by_texts = getattr(engine, "transcribe_texts", None)
        if callable(by_texts):
            return str(by_texts(recording_texts(rec), rec.sid))
        by_words = getattr(engine, "transcribe_words", None)
        if callable(by_words):
            words = sorted((w for ch in recording_words(rec) for w in ch), key=lambda w: (w.start, w.end))
            return str(by_words(words, rec.sid))
        return engine.transcribe(samples)

    def on_complete(self, rec: Recording, call: Call | None) -> None:
        """At completion of ``rec`` (of ``call``): start its transcription, warn 13617,
        or do nothing."""
        if rec.options.source is not Source.RECORD_VERB or not rec.transcribe or rec.status != Status.COMPLETED:
            return
        if rec.assembly is None or call is None:  # pragma: no cover - a completed <Record> has both
            return
        samples = rec.assembly.samples
        seconds = samples.shape[0] / SAMPLE_RATE
        k = self.kernel
        if not MIN_S < seconds < MAX_S:
            k.emit("debugger-warning", None, None, {}, call=call, recording=rec, code=13617,
                   message=f"Record: Recording length {seconds:.3f} s is out of range for transcription "
                           f"(greater than {MIN_S:g} s and less than {MAX_S:g} s)")
            return
        tr = Transcription(call.sids.new("TR"), rec, float(k.env.now))
        self.transcriptions[tr.sid] = tr
        k.env.process(self._run(tr, call, samples))

    def _run(self, tr: Transcription, call: Call, samples: np.ndarray) -> Generator[Any, Any, None]:
        k = self.kernel
        yield k.env.timeout(k.account.transcription_delay_s)
        try:
            tr.text = self.text(tr.recording, samples)
            tr.status = "completed"
        except Exception as exc:  # an engine's failure is the transcription's, not the run's
            tr.status = "failed"
            tr.text = ""
            k.emit("debugger-warning", None, None, {}, recording=tr.recording, code=13617,
                   message=f"transcription failed: {exc}")
        tr.updated = float(k.env.now)
        rec = tr.recording
        if rec.transcribe_callback:
            params = {
                "TranscriptionSid": tr.sid,
                "TranscriptionText": tr.text,
                "TranscriptionStatus": tr.status,
                "TranscriptionUrl": f"https://api.twilio.com/{API_VERSION}/Accounts/{k.account_sid}/"
                                    f"Transcriptions/{tr.sid}",
                "RecordingSid": rec.sid,
                "RecordingUrl": k.recording_url(rec.sid),
            }
            params |= k.standard_params(call)
            k.emit("transcribe-callback", rec.transcribe_callback, "POST", params, call=call, recording=rec)
