"""The recordings service: start, stop, complete or absent, and status callbacks.

Every status write happens inside :class:`~recsim.sim.recording.Recording` through the
transition table of :mod:`recsim.sim.lifecycle`; this service decides *when*: a stop
assembles the samples at once (so a ``<Record>`` knows whether it is absent) and
completes the recording ``processing_delay_s`` later, then runs the completion hooks
(transcription) and :attr:`Recorder.on_complete` (the output writer).

Status callback parameters follow each source's spec, in the spec's order:

- ``<Record>`` (001): AccountSid, CallSid, RecordingSid, RecordingUrl, RecordingStatus,
  RecordingDuration, RecordingChannels, RecordingSource.
- every other source (000, 002, Dial, OutboundAPI, Conference with ConferenceSid after
  CallSid): ... RecordingChannels, RecordingStartTime, RecordingSource, RecordingTrack.

``RecordingDuration`` is sent only with ``completed``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from recsim.sids import SidFactory
from recsim.sim.assembly import assemble
from recsim.sim.call import Call
from recsim.sim.callbacks import rfc2822
from recsim.sim.kernel import Kernel
from recsim.sim.leg import Leg
from recsim.sim.options import RecordingOptions
from recsim.sim.recording import Recording
from recsim.values import Source, Status

__all__ = ["CompletionHook", "Recorder", "RecordingHook"]

#: Called with a recording (on update, on completion).
RecordingHook = Callable[[Recording], None]
#: Called with a completed or absent recording and its call (None for a conference's).
CompletionHook = Callable[[Recording, "Call | None"], None]


class Recorder:
    """The recordings of one kernel.

    Parameters
    ----------
    kernel : Kernel
        Clock, events and account settings; the recorder stops a leg's recordings when
        the leg ends (it registers in ``kernel.leg_end_hooks``).

    Attributes
    ----------
    recordings : dict of str to Recording
        Every recording by RecordingSid, in creation order.
    on_update : callable or None
        Called when a recording starts, is paused, resumed or stopped.
    completion_hooks : list of CompletionHook
        Called in order with the recording and its call when it completes or is
        absent, after its status callback (the transcriber hooks in here).
    on_complete : callable or None
        Called last on completion (the output writer stores media there).
    """

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.recordings: dict[str, Recording] = {}
        self.on_update: RecordingHook | None = None
        self.on_complete: RecordingHook | None = None
        self.completion_hooks: list[CompletionHook] = []
        self._calls: dict[str, Call] = {}
        kernel.leg_end_hooks.append(self.stop_all)

    def start(self, sids: SidFactory, leg: Leg, options: RecordingOptions, t: float, *,
              call: Call | None = None, conference_sid: str | None = None) -> Recording:
        """Create a recording of ``leg`` capturing from ``t`` s (in-progress callback now).

        Parameters
        ----------
        sids : SidFactory
            Issues the RecordingSid (the call's, or the conference's).
        leg : Leg
            The recorded leg (a conference's recording leg renders its mix).
        options : RecordingOptions
            Built once per source (:mod:`recsim.sim.options`).
        t : float
            Simulated seconds.
        call, conference_sid
            The call it belongs to (added to ``call.recordings``), or the conference.
        """
        rec = Recording(sids.new("RE"), leg, options, t)
        rec.conference_sid = conference_sid
        if call is not None:
            call.recordings.append(rec)
            self._calls[rec.sid] = call
        self.recordings[rec.sid] = rec
        self._status_callback(rec, Status.IN_PROGRESS)
        self.updated(rec)
        return rec

    def updated(self, rec: Recording) -> None:
        """Tell :attr:`on_update` that ``rec`` changed."""
        if self.on_update is not None:
            self.on_update(rec)

    def stop(self, rec: Recording, t: float) -> None:
        """Stop ``rec`` at ``t`` s: measure it now (its samples are rendered when first
        read, :func:`~recsim.sim.assembly.assemble`) and complete it after the account's
        processing delay.

        Raises
        ------
        InvalidRequestError
            16114 if it is no longer active.
        """
        rec.stop(t)
        acc = self.kernel.account
        rec.assembled(assemble(rec, no_media=rec.leg.no_media, threshold_dbfs=acc.trim_threshold_dbfs,
                               frame_s=acc.trim_frame_s),
                      rounding=acc.duration_rounding, min_duration_s=acc.min_duration_s,
                      delete_silent=acc.delete_silent_recordings)
        self.updated(rec)
        self.kernel.env.process(self._complete(rec))

    def stop_all(self, call: Call, leg: Leg, t: float, sources: tuple[Source, ...] | None = None) -> None:
        """Stop every active recording of ``leg`` (optionally only of ``sources``)."""
        for rec in call.recordings:
            if rec.leg is leg and rec.active and (sources is None or rec.options.source in sources):
                self.stop(rec, t)

    def _complete(self, rec: Recording) -> Generator[Any, Any, None]:
        env = self.kernel.env
        yield env.timeout(self.kernel.account.processing_delay_s)
        rec.complete(float(env.now))
        self._status_callback(rec, rec.status)
        for hook in self.completion_hooks:
            hook(rec, self._calls.get(rec.sid))
        if self.on_complete is not None:
            self.on_complete(rec)

    def status_params(self, rec: Recording, status: Status | str) -> dict[str, str]:
        """recordingStatusCallback parameters of ``rec`` in ``status``, per source."""
        k = self.kernel
        p = {"AccountSid": k.account_sid, "CallSid": rec.leg.sid}
        if rec.conference_sid is not None:
            p["ConferenceSid"] = rec.conference_sid
        p |= {"RecordingSid": rec.sid, "RecordingUrl": k.recording_url(rec.sid), "RecordingStatus": str(status)}
        if status == Status.COMPLETED:
            p["RecordingDuration"] = str(rec.duration)
        p["RecordingChannels"] = str(rec.options.n_channels)
        if rec.options.source is not Source.RECORD_VERB:
            p["RecordingStartTime"] = rfc2822(k.epoch, rec.start)
        p["RecordingSource"] = str(rec.options.source)
        if rec.options.source is not Source.RECORD_VERB:
            p["RecordingTrack"] = str(rec.options.track)
        return p

    def _status_callback(self, rec: Recording, status: Status) -> None:
        cb = rec.options.callback
        if cb.url and status in cb.events:
            self.kernel.emit("recording-status-callback", cb.url, cb.method, self.status_params(rec, status),
                             recording=rec)
