"""The JSON shape of each resource the emulator serves, one place per resource.

Recording (spec 002): :func:`recsim.outputs.recording_json`, the one shape runs,
batches and the emulator share. Call: :func:`call_json`. Transcriptions and Recording
Configurations render themselves (``to_json``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from recsim.sim.callbacks import API_VERSION, rfc2822

__all__ = ["call_json"]


def call_json(*, account_sid: str, sid: str, status: str, to: str, from_: str, epoch: dt.datetime,
              now: float) -> dict[str, Any]:
    """Render a call as the Call resource JSON (Calls create / fetch).

    Parameters
    ----------
    account_sid, sid : str
        AC sid of the account, CA sid of the call (its parent leg).
    status : str
        The call's status (``queued`` when just created).
    to, from_ : str
        The called and calling numbers.
    epoch : datetime
        Wall-clock time of simulated time 0.
    now : float
        Simulated seconds of ``date_created`` and ``date_updated``.
    """
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}.json"
    return {"sid": sid, "account_sid": account_sid, "to": to, "from": from_, "status": status,
            "direction": "outbound-api", "api_version": API_VERSION,
            "date_created": rfc2822(epoch, now), "date_updated": rfc2822(epoch, now), "uri": uri,
            "subresource_uris": {"recordings": uri.replace(".json", "/Recordings.json")}}
