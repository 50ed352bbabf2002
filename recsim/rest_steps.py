"""A scenario's timed REST steps as HTTP exchanges, and the fully wired simulation.

The simulator runs each timed REST step of a scenario (``events: - rest: ...``) at its
time and reports the typed request and its outcome
(:class:`~recsim.sim.controls.RestResponder`); this module gives it the shape the
platform's answer would have: the request path
(``/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings[/{Sid}].json``, or
``.../Conferences/{ConferenceSid}/...``), the HTTP status (201 created, 200 updated,
the error's status) and the body, recorded as one ``api-response`` event. It sits
between runner/batch and the simulator (no HTTP framework; ``sim/`` builds no HTTP
paths or status codes, DESIGN.md).
"""

from __future__ import annotations

from typing import Any

from recsim.errors import ApiError
from recsim.scenario import RestCreate, RestUpdate, Scenario
from recsim.sim.call import Call
from recsim.sim.conference import Conference
from recsim.sim.kernel import Kernel
from recsim.sim.recording import Recording
from recsim.sim.simulation import Simulation
from recsim.values import Status, UpdateStatus

__all__ = ["respond", "simulation"]


def _not_allowed() -> ApiError:
    """003: conference recordings are started by ``<Conference record>``, not the API."""
    return ApiError(20004, "Method not allowed: a conference recording is started by <Conference "
                           "record=\"record-from-start\">, not by the API (003)", status=405)


def respond(kernel: Kernel, call: Call, request: RestCreate | RestUpdate,
            outcome: Recording | ApiError | None, conference: Conference | None) -> None:
    """Record the answer to one timed REST step as an ``api-response`` event (a
    :class:`~recsim.sim.controls.RestResponder`).

    Parameters
    ----------
    kernel : Kernel
        Where the event goes (:meth:`~recsim.sim.kernel.Kernel.emit`, at the current time).
    call : Call
        The call of the scenario entry.
    request : RestCreate or RestUpdate
        Its wire-case parameters become the event's ``parameters``.
    outcome : Recording, ApiError or None
        The recording created or updated (201 or 200, ``{sid, status, call_sid}``), the
        error (its status and Twilio body), or None for a create on a conference (405,
        code 20004).
    conference : Conference or None
        The conference ``request.conference`` names, when it exists (its SID is in the
        path; the room name otherwise).
    """
    owner = f"Calls/{call.parent.sid}"
    if request.conference is not None:
        owner = f"Conferences/{conference.sid if conference else request.conference}"
    base = f"/2010-04-01/Accounts/{kernel.account_sid}/{owner}/Recordings"
    params = {k: (" ".join(v) if isinstance(v, list) else str(v))
              for k, v in request.model_dump(exclude_none=True).items() if k[0].isupper()}
    error = _not_allowed() if outcome is None else outcome if isinstance(outcome, ApiError) else None
    if error is not None:
        ref = getattr(request, "recording", "")
        path = f"{base}/{ref}.json" if ref else f"{base}.json"
        kernel.emit("api-response", path, "POST", params, call=call, status=error.status, body=error.to_dict())
        return
    assert isinstance(outcome, Recording)
    if isinstance(request, RestCreate):
        path, status, shown = f"{base}.json", 201, str(Status.IN_PROGRESS)
    else:
        path, status = f"{base}/{request.recording}.json", 200
        shown = str(Status.STOPPED if request.Status == UpdateStatus.STOPPED else outcome.status)
    kernel.emit("api-response", path, "POST", params, call=call, recording=outcome, status=status,
                body={"sid": outcome.sid, "status": shown, "call_sid": call.parent.sid})


def simulation(scenario: Scenario, **kwargs: Any) -> Simulation:
    """A :class:`~recsim.sim.simulation.Simulation` of ``scenario`` whose timed REST
    steps answer as the REST API would (:func:`respond`).

    Parameters
    ----------
    scenario : Scenario
        Validated input.
    **kwargs
        As :class:`~recsim.sim.simulation.Simulation`: ``sink``, ``on_complete``,
        ``validate_calls`` (``responder`` is this module's).

    Raises
    ------
    ScenarioError
        As :class:`~recsim.sim.simulation.Simulation`.
    """
    return Simulation(scenario, responder=respond, **kwargs)
