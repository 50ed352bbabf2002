"""The platform's request log: every API request of the user's code and every webhook
the platform made, in order (:attr:`recsim.testing.TwilioPlatform.requests`)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PlatformRequest"]


@dataclass
class PlatformRequest:
    """One request in the platform's log.

    Attributes
    ----------
    time : float
        Simulated seconds since the platform's epoch when it was made.
    direction : {"api", "webhook"}
        ``api``: the user's code called the platform; ``webhook``: the platform called
        the user's app (TwiML request or callback).
    method, url : str
    params : dict of str to str
        Form or query parameters (the last value of a repeated name).
    status : int or None
        HTTP status of the answer (None: not delivered, see ``unrouted``).
    kind : str
        ``twiml-request``, ``recording-status-callback``, ``transcribe-callback`` or
        ``api``.
    body : str
        The answer's body (TwiML for a TwiML request, JSON for the API).
    """

    time: float
    direction: str
    method: str
    url: str
    params: dict[str, str]
    status: int | None
    kind: str
    body: str = field(default="", repr=False)
