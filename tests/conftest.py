"""Shared fixtures: the repository paths and a seeded generator."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return ROOT / "fixtures" / "audio"


# numba compiles a kernel on its first call (about 2 s on a fresh clone): no per-example
# deadline, so a first example that pays for it is not reported as flaky.
from hypothesis import settings  # noqa: E402

settings.register_profile("recsim", deadline=None)
settings.load_profile("recsim")
