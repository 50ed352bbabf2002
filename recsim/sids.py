"""Twilio SIDs: a two-letter prefix and 32 lowercase hex digits (34 characters).

Prefixes (002_9f1cb9403e12b7f0.txt): AC account, CA call, RE recording, CF conference;
TR transcription. recsim draws SIDs from a seeded generator so the same scenario gives
the same SIDs.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

__all__ = ["SID_RE", "SidFactory", "is_sid", "sid_from_text"]

SID_RE = re.compile(r"^(AC|CA|RE|CF|TR)[0-9a-f]{32}$")


def is_sid(value: str, prefix: str) -> bool:
    """True when ``value`` is a 34-character SID with ``prefix``."""
    return bool(SID_RE.match(value)) and value.startswith(prefix)


def sid_from_text(prefix: str, text: str) -> str:
    """A SID derived from text (stable across runs): ``prefix`` + md5 hex of ``text``."""
    return prefix + hashlib.md5(text.encode("utf-8")).hexdigest()


class SidFactory:
    """Draws SIDs from a seeded generator.

    Parameters
    ----------
    seed_sequence : numpy.random.SeedSequence
        The owner's (for example one call's) seed; the n-th SID drawn is always the same.
    """

    def __init__(self, seed_sequence: np.random.SeedSequence) -> None:
        self._rng = np.random.default_rng(seed_sequence)

    def new(self, prefix: str) -> str:
        """The next SID with ``prefix`` (two uppercase letters)."""
        return prefix + self._rng.bytes(16).hex()
