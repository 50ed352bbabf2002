"""The JSON shape of each resource the emulator serves, one place per resource.

Recording (spec 002 "Recording properties"), as ``GET .../Recordings/{Sid}.json``
returns it: snake_case, RFC 2822 dates, ``duration`` a string of whole seconds, ``uri``
relative to https://api.twilio.com, ``subresource_uris``, ``media_url``. recsim adds
``recsim_duration_s`` (exact seconds, float) and ``recsim_untrimmed_duration_s``,
clearly outside Twilio's names. Call: :func:`call_json`. Transcriptions and Recording
Configurations render themselves (``to_json``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from recsim.audio import SAMPLE_RATE
from recsim.sim.callbacks import API_VERSION, rfc2822
from recsim.sim.lifecycle import fetch_status
from recsim.sim.recording import Recording

__all__ = ["call_json", "recording_json"]


def recording_json(rec: Recording, *, account_sid: str, epoch: dt.datetime) -> dict[str, Any]:
    """Render ``rec`` as the Recording resource JSON (002).

    Parameters
    ----------
    rec : Recording
        Any status; in-flight statuses read as ``processing`` (a fetch "will only show
        processing or completed").
    account_sid : str
        AC sid of the account.
    epoch : datetime
        Wall-clock time of simulated time 0.

    Returns
    -------
    dict
        JSON-ready mapping with every property of spec 002. ``error_code`` is null
        unless the recording is absent (16101 too short, 16102 silent): a recording that
        will turn out absent shows no error while stopped or processing.
    """
    base = f"/{API_VERSION}/Accounts/{account_sid}/Recordings/{rec.sid}"
    status = fetch_status(rec.status)
    done = status in ("completed", "absent", "deleted")
    exact = rec.assembly.samples.shape[0] / SAMPLE_RATE if rec.assembly is not None and status == "completed" else None
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "call_sid": rec.leg.sid,
        "conference_sid": rec.conference_sid,
        "date_created": rfc2822(epoch, rec.start),
        "date_updated": rfc2822(epoch, rec.updated_at),
        "start_time": rfc2822(epoch, rec.start),
        "duration": str(rec.duration) if done and rec.duration is not None else "-1",
        "sid": rec.sid,
        "price": None,
        "price_unit": "USD",
        "status": status,
        "channels": rec.options.n_channels,
        "source": rec.options.source,
        "error_code": rec.error_code if status == "absent" else None,
        "uri": f"{base}.json",
        "encryption_details": None,
        "subresource_uris": {
            "add_on_results": f"{base}/AddOnResults.json",
            "transcriptions": f"{base}/Transcriptions.json",
        },
        "media_url": f"https://api.twilio.com{base}",
        "recsim_duration_s": exact,
        "recsim_untrimmed_duration_s": (rec.assembly.untrimmed / SAMPLE_RATE
                                        if rec.assembly is not None else None),
        "recsim_track": rec.options.track,
    }


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
