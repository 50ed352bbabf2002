"""REST controls of live recordings (002): create, pause, resume, stop, with typed
requests (:class:`~recsim.scenario.RestCreate`, :class:`~recsim.scenario.RestUpdate`).

The simulator decides what happens and raises domain errors
(:class:`~recsim.errors.ApiError` subclasses with Twilio's codes); it builds no HTTP
path, status code or response body. A scenario's timed REST steps run at their time and
hand the request and its outcome to a :class:`RestResponder`, which the api layer
provides (:mod:`recsim.rest_steps`) to record the response as an event.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol

from recsim.errors import ApiError, InvalidRequestError, NotFoundError
from recsim.scenario import RestCreate, RestUpdate
from recsim.sids import is_sid
from recsim.sim.call import Call
from recsim.sim.conference import Conference
from recsim.sim.conferences import Conferences
from recsim.sim.kernel import Kernel
from recsim.sim.options import rest_create_options
from recsim.sim.recorder import Recorder
from recsim.sim.recording import Recording
from recsim.values import PauseBehavior, Source, UpdateStatus

__all__ = ["RestControls", "RestResponder", "find_recording"]


class RestResponder(Protocol):
    """Receives each timed REST step of a scenario with its outcome, at its time."""

    def __call__(self, kernel: Kernel, call: Call, request: RestCreate | RestUpdate,
                 outcome: Recording | ApiError | None, conference: Conference | None) -> None:
        """Take one outcome.

        Parameters
        ----------
        kernel : Kernel
            The kernel it ran in (clock, account, :meth:`~Kernel.emit`).
        call : Call
            The call of the scenario entry.
        request : RestCreate or RestUpdate
            The typed request.
        outcome : Recording, ApiError or None
            The recording created or updated, the domain error raised, or None when the
            simulated platform has no such action (a conference recording is started by
            ``<Conference record>``, never over the API, 003).
        conference : Conference or None
            The conference ``request.conference`` names, when it exists.
        """


def find_recording(recordings: list[Recording], ref: str | int, owner: str) -> Recording:
    """Resolve a RecordingSid, ``Twilio.CURRENT`` or a 1-based index among the
    recordings of ``owner`` (``Calls/CA...`` or ``Conferences/CF...``, named in errors).

    Raises
    ------
    NotFoundError
        20404: no such recording, or no active one for Twilio.CURRENT.
    InvalidRequestError
        16108: Twilio.CURRENT with more than one active recording.
    """
    if ref == "Twilio.CURRENT":
        active = [r for r in recordings if r.active and r.options.source is not Source.RECORD_VERB]
        if not active:
            raise NotFoundError(f"No active recording for {owner} (Twilio.CURRENT)")
        if len(active) > 1:
            raise InvalidRequestError(
                16108, f"Request failed due to concurrent recordings: {owner} has "
                       f"{len(active)} active recordings; use the RecordingSid")
        return active[0]
    if isinstance(ref, int) or ref.isdigit():
        i = int(ref)
        if 1 <= i <= len(recordings):
            return recordings[i - 1]
        raise NotFoundError(f"{owner} has no recording number {i} ({len(recordings)} so far)")
    if is_sid(ref, "RE"):
        for r in recordings:
            if r.sid == ref:
                return r
    raise NotFoundError(f"The requested resource /{owner}/Recordings/{ref} was not found")


def _update_values(req: RestUpdate) -> tuple[UpdateStatus, PauseBehavior]:
    """``Status`` and ``PauseBehavior`` (default silence) of a 002 update, parsed.

    Raises
    ------
    InvalidRequestError
        20001: either is not one of its wire values (case-sensitive).
    """
    status = UpdateStatus.parse(req.Status, "Status")
    behavior = PauseBehavior.parse(req.PauseBehavior or PauseBehavior.SILENCE, "PauseBehavior")
    return status, behavior


class RestControls:
    """Create and update recordings of live calls and conferences.

    Parameters
    ----------
    kernel, recorder, conferences
        The kernel and the services the controls act on.
    responder : RestResponder or None
        Receives the outcome of each timed REST step (:meth:`schedule`); None drops them.
    """

    def __init__(self, kernel: Kernel, recorder: Recorder, conferences: Conferences,
                 responder: RestResponder | None = None) -> None:
        self.kernel = kernel
        self.recorder = recorder
        self.conferences = conferences
        self.responder = responder

    def create(self, call: Call, req: RestCreate) -> Recording:
        """POST .../Calls/{CallSid}/Recordings.json (002): start recording a live call
        (StartCallRecordingAPI defaults: mono, track both, do-not-trim, completed event).

        Raises
        ------
        InvalidRequestError
            21220 when the call is not in progress.
        SimulationError
            RecordingConfigurationId names no configuration of the scenario.
        """
        leg = call.parent
        if leg.status() != "in-progress":
            raise InvalidRequestError(21220, f"Call {leg.sid} is not in-progress ({leg.status()}); "
                                             "recordings can only be started on a live call")
        opts = rest_create_options(req, self.kernel.configuration(req.RecordingConfigurationId))
        return self.recorder.start(call.sids, leg, opts, float(self.kernel.env.now), call=call)

    def update(self, call: Call, req: RestUpdate) -> Recording:
        """POST .../Calls/{CallSid}/Recordings/{Sid}.json (002): pause, resume or stop;
        with ``conference``, :meth:`update_conference`.

        Raises
        ------
        NotFoundError, InvalidRequestError
            As :func:`find_recording`; 16114 for a recording no longer active; 21220 for
            a ``<Record>`` verb recording (not controllable over REST); 20001 for a
            ``Status`` or ``PauseBehavior`` that is not one of its wire values.
        """
        status, behavior = _update_values(req)
        if req.conference is not None:
            return self.update_conference(req)
        rec = find_recording(call.recordings, req.recording, f"Calls/{call.parent.sid}")
        if rec.options.source is Source.RECORD_VERB:
            raise InvalidRequestError(21220, f"Recording {rec.sid} was made by <Record> and cannot be "
                                             "paused, resumed or stopped over REST")
        now = float(self.kernel.env.now)
        if status is UpdateStatus.PAUSED:
            rec.pause(now, behavior)
        elif status is UpdateStatus.IN_PROGRESS:
            rec.resume(now)
        else:
            self.recorder.stop(rec, now)
        self.recorder.updated(rec)
        return rec

    def update_conference(self, req: RestUpdate) -> Recording:
        """POST .../Conferences/{ConferenceSid}/Recordings/{Sid}.json: pause or resume
        (002: "stopped not supported for conference recordings"); ``req.conference`` is
        the room name.

        Raises
        ------
        NotFoundError
            20404: no such conference or recording.
        InvalidRequestError
            21220 for Status=stopped (conference recordings end with the conference);
            16114; 20001 for a ``Status`` or ``PauseBehavior`` that is not a wire value.
        """
        assert req.conference is not None
        status, behavior = _update_values(req)
        conf = self.conferences.conferences.get(req.conference)
        if conf is None:
            raise NotFoundError(f"Conference {req.conference!r} was not found")
        rec = find_recording(conf.recordings, req.recording, f"Conferences/{conf.sid}")
        now = float(self.kernel.env.now)
        if status is UpdateStatus.STOPPED:
            raise InvalidRequestError(21220, "A conference recording cannot be stopped through the API; it ends "
                                             "when the conference ends (pause it instead)")
        if status is UpdateStatus.PAUSED:
            rec.pause(now, behavior)
        else:
            rec.resume(now)
        self.recorder.updated(rec)
        return rec

    def schedule(self, call: Call, req: RestCreate | RestUpdate, at: float) -> None:
        """Run a scenario's REST step at simulated time ``at`` s and hand its outcome to
        the :attr:`responder`."""
        self.kernel.env.process(self._timed(call, req, at))

    def _timed(self, call: Call, req: RestCreate | RestUpdate, at: float) -> Generator[Any, Any, None]:
        env = self.kernel.env
        yield env.timeout(max(0.0, at - env.now))
        conference = self.conferences.conferences.get(req.conference) if req.conference is not None else None
        outcome: Recording | ApiError | None = None
        try:
            if isinstance(req, RestUpdate):
                outcome = self.update(call, req)
            elif req.conference is None:
                outcome = self.create(call, req)
        except ApiError as err:
            outcome = err
        if self.responder is not None:
            self.responder(self.kernel, call, req, outcome, conference)
