"""Twilio SIDs: a two-letter prefix and 32 lowercase hex digits (34 characters).

Prefixes (002_9f1cb9403e12b7f0.txt): AC account, CA call, RE recording, CF conference;
TR transcription. A simulation run draws SIDs from a seeded generator so the same
scenario gives the same SIDs (:class:`SidFactory`); the REST emulator draws them from its
store (:class:`IssuedSidFactory`), which never issues a SID twice (DESIGN.md, "Identity
and outputs").
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

__all__ = ["SID_RE", "IssuedSidFactory", "SidFactory", "is_sid", "sid_from_text"]

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
        self._bits = np.random.PCG64(seed_sequence)

    def new(self, prefix: str) -> str:
        """The next SID with ``prefix`` (two uppercase letters): the hex of the next two
        64-bit outputs of the PCG64 generator, little-endian, which is what
        ``numpy.random.default_rng(seed_sequence).bytes(16)`` draws (four 32-bit halves,
        low first) at a fifth of the cost."""
        return prefix + self._bits.random_raw(2).astype("<u8", copy=False).tobytes().hex()


class IssuedSidFactory(SidFactory):
    """Draws SIDs for one owner (a call or a conference) issued by a store.

    The n-th SID is ``prefix`` + the first 32 hex digits of the SHA-256 of
    ``(store_id, account_sid, serial, n)``. A store hands out every serial once (it is a
    counter kept in its database), so two factories of one store never share their
    input, and SIDs do not repeat across accounts, restarts or resets.

    Parameters
    ----------
    store_id : str
        Random id of the store, created once with its database.
    account_sid : str
        AC sid of the account the SIDs belong to.
    serial : int
        The store's counter value for this factory (unique within the store).
    """

    def __init__(self, store_id: str, account_sid: str, serial: int) -> None:
        self.store_id = store_id
        self.account_sid = account_sid
        self.serial = int(serial)
        self._drawn = 0

    def new(self, prefix: str) -> str:
        """The next SID with ``prefix`` (two uppercase letters)."""
        text = f"{self.store_id}/{self.account_sid}/{self.serial}/{self._drawn}"
        self._drawn += 1
        return prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
