"""recsim.server: the local REST emulator (``recsim serve``), shaped like moto.

HTTP only, no state of its own: :mod:`~recsim.server.urls` is the route table,
:mod:`~recsim.server.deps` the authentication dependency, :mod:`~recsim.server.forms`
and :mod:`~recsim.server.render` the request parsing and response rendering,
:mod:`~recsim.server.responses` and :mod:`~recsim.server.control` the handlers, each
calling one :class:`recsim.api.Backend` method; :mod:`~recsim.server.app` assembles
the app; webhooks are signed and sent by :mod:`~recsim.server.webhooks`.
"""

from __future__ import annotations

from pathlib import Path

from recsim.api import Backend
from recsim.scenario import Scenario
from recsim.server.app import create_app, wait_until
from recsim.server.webhooks import WebhookSender, sign
from recsim.store import Store

__all__ = ["Backend", "WebhookSender", "build", "create_app", "sign", "wait_until"]


def build(
    *,
    accounts: dict[str, str],
    scenario: Scenario | None = None,
    db: str | Path = ":memory:",
    media_dir: str | Path = "recsim-media",
    clock: str = "manual",
    speed: float = 1.0,
    media_auth: bool = True,
    webhook_timeout_s: float = 5.0,
    webhook_retries: int = 2,
) -> tuple[object, Backend, WebhookSender]:
    """Assemble store, webhook sender, backend and ASGI app.

    Returns
    -------
    (app, backend, sender)
    """
    store = Store(db, media_dir)
    sender = WebhookSender(accounts, timeout_s=webhook_timeout_s, retries=webhook_retries)
    backend = Backend(store, accounts, scenario=scenario, clock=clock, speed=speed, on_event=sender.send,
                      twiml_fetcher=sender.fetch)
    return create_app(backend, media_auth=media_auth), backend, sender
