"""recsim's pytest plugin (entry point ``pytest11``): the ``twilio_platform`` fixture.

Importing this module costs nothing: recsim is imported when a test asks for the
fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def twilio_platform_options() -> dict[str, Any]:
    """Arguments of the ``twilio_platform`` fixture's platform (override in a conftest:
    ``scenario``, ``account_sid``, ``auth_token``, ``unrouted``, ``media_auth``)."""
    return {}


@pytest.fixture
def twilio_platform(twilio_platform_options: dict[str, Any]) -> Iterator[Any]:
    """An in-process Twilio platform for one test (:func:`recsim.mock_twilio`): every
    twilio client of the process talks to it until the test ends.

    Override ``twilio_platform_options`` (a fixture returning a dict of
    :class:`recsim.testing.TwilioPlatform` arguments, for example a ``scenario``) to
    configure it.
    """
    from recsim.testing import mock_twilio

    with mock_twilio(**twilio_platform_options) as platform:
        yield platform
