"""recsim.testing: test a Twilio voice app in-process, the way moto tests AWS code.

>>> with mock_twilio() as platform:                       # doctest: +SKIP
...     platform.route("https://myapp.example", app)      # webhooks into a WSGI/ASGI app
...     client = Client(platform.account_sid, platform.auth_token)
...     call = client.calls.create(to="+15550001111", from_="+15559990000",
...                                url="https://myapp.example/voice")
...     platform.advance(30)

While a mock is active, every ``twilio.rest.Client`` of the process (synchronous and
asynchronous), and media downloads with ``requests`` or ``httpx`` to the platform's
URLs, talk to an in-process :class:`TwilioPlatform`; other hosts pass through. Leaving
the context restores everything. A pytest fixture, ``twilio_platform``, is registered by
recsim's pytest plugin (:mod:`recsim.testing.plugin`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from recsim.scenario import Scenario
from recsim.testing.intercept import Interceptor
from recsim.testing.platform import PlatformRequest, TwilioPlatform, UnroutedWebhookError

__all__ = ["PlatformRequest", "TwilioPlatform", "UnroutedWebhookError", "mock_twilio"]

F = TypeVar("F", bound=Callable[..., Any])
_active = False  # one platform per process at a time (the patched libraries are global)


class mock_twilio:
    """Activate an in-process Twilio platform: a context manager and a decorator.

    Parameters
    ----------
    scenario : Scenario, optional
        Parties, TwiML apps, account settings and configurations (see
        :class:`TwilioPlatform`).
    **options
        ``account_sid``, ``auth_token``, ``unrouted``, ``media_auth``, ``seed`` of
        :class:`TwilioPlatform`.

    As a decorator, the test function gets the platform as its ``twilio_platform``
    argument when it has a parameter of that name.
    """

    def __init__(self, scenario: Scenario | None = None, **options: Any) -> None:
        self.scenario = scenario
        self.options = options
        self.platform: TwilioPlatform | None = None
        self._interceptor: Interceptor | None = None

    def __enter__(self) -> TwilioPlatform:
        global _active
        if _active:
            raise RuntimeError("mock_twilio is already active in this process: leave it first (one "
                               "platform at a time; a test gets one from the fixture or the decorator, not both)")
        self.platform = TwilioPlatform(self.scenario, **self.options)
        self._interceptor = Interceptor(self.platform.handle)
        try:
            self._interceptor.start()
        except BaseException:
            self._interceptor.stop()
            self.platform.close()
            raise
        _active = True
        return self.platform

    def __exit__(self, *exc: Any) -> None:
        global _active
        assert self._interceptor is not None and self.platform is not None
        _active = False
        self._interceptor.stop()
        self.platform.close()
        self._interceptor = self.platform = None

    def __call__(self, func: F) -> F:
        """Decorate a test function (plain or ``async def``): it runs with a fresh
        platform active, given as ``twilio_platform`` when it takes that argument (which
        is then hidden from pytest, so the fixture of that name is not also used)."""
        sig = inspect.signature(func)
        wants = "twilio_platform" in sig.parameters
        shown = sig.replace(parameters=[p for n, p in sig.parameters.items() if n != "twilio_platform"])

        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with mock_twilio(self.scenario, **self.options) as platform:
                    if wants:
                        kwargs["twilio_platform"] = platform
                    return await func(*args, **kwargs)
            async_wrapper.__signature__ = shown  # type: ignore[attr-defined]
            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with mock_twilio(self.scenario, **self.options) as platform:
                if wants:
                    kwargs["twilio_platform"] = platform
                return func(*args, **kwargs)
        wrapper.__signature__ = shown  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]
