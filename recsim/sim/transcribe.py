"""Transcriptions of ``<Record>`` recordings (001 ``transcribe``, ``transcribeCallback``).

Only ``<Record transcribe="true">`` recordings that complete with a duration greater
than 2 s and less than 120 s are transcribed; otherwise a debugger warning 13617 and no
transcription (001: "Twilio will write a warning to your debug log rather than
transcribe the recording"). Never for an absent recording. The text is ready
``transcription_delay_s`` after the recording completes; then the resource is completed
(or failed, if the engine raised) and, when a transcribeCallback was given, it receives an
asynchronous POST with the parameters of 001.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from recsim.audio import SAMPLE_RATE
from recsim.sim.callbacks import API_VERSION, rfc2822
from recsim.values import Source, Status

if TYPE_CHECKING:
    from recsim.sim.recording import Recording
    from recsim.sim.simulation import Simulation

__all__ = ["MAX_S", "MIN_S", "Transcription", "maybe_transcribe"]

MIN_S = 2.0
MAX_S = 120.0


@dataclass
class Transcription:
    """A Transcription resource (sid TR + 32 hex)."""

    sid: str
    recording: Recording
    created: float
    status: str = "in-progress"
    text: str = ""
    updated: float = 0.0

    def to_json(self, sim: Simulation) -> dict[str, Any]:
        """As the REST API returns it."""
        a = self.recording.assembly
        duration = a.untrimmed - a.trimmed if a is not None else 0
        return {
            "account_sid": sim.account_sid,
            "api_version": API_VERSION,
            "date_created": rfc2822(sim.epoch, self.created),
            "date_updated": rfc2822(sim.epoch, self.updated or self.created),
            "duration": str(duration // SAMPLE_RATE),
            "price": None,
            "price_unit": "USD",
            "recording_sid": self.recording.sid,
            "sid": self.sid,
            "status": self.status,
            "transcription_text": self.text,
            "type": "fast",
            "uri": f"/{API_VERSION}/Accounts/{sim.account_sid}/Transcriptions/{self.sid}.json",
        }


def maybe_transcribe(sim: Simulation, rec: Recording, samples: np.ndarray) -> None:
    """At completion of ``rec``: start its transcription, warn 13617, or do nothing."""
    if rec.options.source is not Source.RECORD_VERB or not rec.transcribe or rec.status != Status.COMPLETED:
        return
    seconds = samples.shape[0] / SAMPLE_RATE
    call = rec.call
    if not MIN_S < seconds < MAX_S:
        sim.emit("debugger-warning", None, None, {}, call=call, recording=rec, code=13617,
                 message=f"Record: Recording length {seconds:.3f} s is out of range for transcription "
                         f"(greater than {MIN_S:g} s and less than {MAX_S:g} s)")
        return
    tr = Transcription(call.sids.new("TR"), rec, float(sim.env.now))
    sim.transcriptions[tr.sid] = tr
    sim.env.process(_run(sim, tr, samples))


def _run(sim: Simulation, tr: Transcription, samples: np.ndarray) -> Generator[Any, Any, None]:
    yield sim.env.timeout(sim.account.transcription_delay_s)
    try:
        tr.text = sim.engine().transcribe(samples)
        tr.status = "completed"
    except Exception as exc:  # an engine's failure is the transcription's, not the run's
        tr.status = "failed"
        tr.text = ""
        sim.emit("debugger-warning", None, None, {}, recording=tr.recording, code=13617,
                 message=f"transcription failed: {exc}")
    tr.updated = float(sim.env.now)
    rec = tr.recording
    url = rec.transcribe_callback
    if url:
        params = {
            "TranscriptionSid": tr.sid,
            "TranscriptionText": tr.text,
            "TranscriptionStatus": tr.status,
            "TranscriptionUrl": f"https://api.twilio.com/{API_VERSION}/Accounts/{sim.account_sid}/"
                                f"Transcriptions/{tr.sid}",
            "RecordingSid": rec.sid,
            "RecordingUrl": sim.recording_url(rec.sid),
        }
        params |= sim.standard_params(rec.call)
        sim.emit("transcribe-callback", url, "POST", params, call=rec.call, recording=rec)
