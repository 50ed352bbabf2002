"""The recording status lifecycle as an explicit transition table.

Source: 002_9f1cb9403e12b7f0.txt ("status ... processing, completed, absent or deleted";
update "Status: stopped, paused, in-progress"; "API responses for updates ... provide a
more detailed inflight 'status' including paused, in-progress, or stopped but a fetch
... will only show processing or completed"), 003_467244d4ac7d79fc.txt ("A stopped
recording can't be restarted").

    in-progress --pause--> paused --resume--> in-progress
    in-progress | paused --stop--> stopped --process--> processing
    processing --complete--> completed | --absent--> absent
    completed --delete--> deleted

Pausing a paused recording and resuming an in-progress one are accepted and change
nothing (the platform answers with the current state). Anything else is refused.
"""

from __future__ import annotations

from recsim.errors import InvalidRequestError
from recsim.values import Status

__all__ = ["ACTIVE", "STATUSES", "TRANSITIONS", "fetch_status", "transition"]

STATUSES: tuple[Status, ...] = tuple(Status)
ACTIVE = frozenset({Status.IN_PROGRESS, Status.PAUSED})

_S = Status
TRANSITIONS: dict[tuple[str, str], Status] = {
    (_S.IN_PROGRESS, "pause"): _S.PAUSED,
    (_S.PAUSED, "pause"): _S.PAUSED,
    (_S.PAUSED, "resume"): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, "resume"): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, "stop"): _S.STOPPED,
    (_S.PAUSED, "stop"): _S.STOPPED,
    (_S.STOPPED, "process"): _S.PROCESSING,
    (_S.PROCESSING, "complete"): _S.COMPLETED,
    (_S.PROCESSING, "absent"): _S.ABSENT,
    (_S.COMPLETED, "delete"): _S.DELETED,
}


def transition(status: Status | str, action: str) -> Status:
    """The status after ``action`` on a recording in ``status``.

    Raises
    ------
    InvalidRequestError
        16114 for pause / resume / stop on a recording that is no longer active
        (stopped, processing, completed, absent, deleted); 21220 for any other
        transition not in :data:`TRANSITIONS`.
    """
    new = TRANSITIONS.get((status, action))
    if new is not None:
        return new
    if action in ("pause", "resume", "stop"):
        raise InvalidRequestError(
            16114,
            f"Recording is {status} and cannot be {action}d; a stopped recording cannot be "
            "restarted, start a new recording instead",
        )
    raise InvalidRequestError(21220, f"Invalid recording state: cannot {action} a recording that is {status}")


def fetch_status(status: Status | str) -> Status:
    """The status a fetch shows: in-flight states read as processing (002 update notes).

    Raises
    ------
    InvalidRequestError
        20001: ``status`` is not a recording status.
    """
    s = Status.parse(status, "status")
    return Status.PROCESSING if s in (Status.IN_PROGRESS, Status.PAUSED, Status.STOPPED) else s
