"""Packet fate on an RTP path: which 20 ms packets are lost (random or bursty
Gilbert-Elliott loss) or arrive too late for the jitter buffer.

Sources: RFC 3550 (RTP; one packet per 20 ms of G.711, 160 samples at 8 kHz, as RFC 3551
section 4.5.14 recommends); the two-state Gilbert-Elliott channel as parametrised by
RFC 3611 section 4.7.2 and ITU-T G.1050 (mean loss rate and mean burst length); a
jitter buffer of fixed depth discards a packet whose delay exceeds the depth (RFC 3611
section 4.7.6, "discarded" packets), so a late packet counts as lost.

Every draw comes from the :class:`numpy.random.SeedSequence` given, never from another
stream: the same seed gives the same packets lost. Draws are made in fixed blocks, so
the fate of packet ``k`` does not depend on how far or in which steps the fate was
asked for (:class:`PacketFate` extends itself on demand).
"""

from __future__ import annotations

import numpy as np

from recsim.errors import InvalidAudioError

__all__ = ["PACKET_SAMPLES", "PacketFate", "gilbert_elliott", "loss_runs"]

#: Samples per RTP packet: 20 ms at 8000 Hz (RFC 3551 G.711 default packetisation).
PACKET_SAMPLES = 160
_RUN_BLOCK = 256
_JITTER_BLOCK = 4096


def _check(rate: float, mean_burst: float, jitter_ms: float, buffer_ms: float) -> None:
    if not 0.0 <= rate < 1.0:
        raise InvalidAudioError(f"loss_rate: {rate!r} is not allowed; expected 0 <= loss_rate < 1")
    if not mean_burst >= 1.0:
        raise InvalidAudioError(f"mean_burst: {mean_burst!r} is not allowed; expected >= 1 packet")
    if not jitter_ms >= 0.0:
        raise InvalidAudioError(f"jitter_ms: {jitter_ms!r} is not allowed; expected >= 0 ms")
    if not buffer_ms > 0.0:
        raise InvalidAudioError(f"buffer_ms: {buffer_ms!r} is not allowed; expected > 0 ms")


def _run_lengths(rng: np.random.Generator, p: float) -> np.ndarray:
    """``_RUN_BLOCK`` run lengths (packets) of a state left with probability ``p`` per
    packet: geometric, capped at 2**40. A ``p`` that underflowed to 0 (a loss rate such
    as 5e-324, or an infinite mean burst) never leaves: every run is the cap, and
    nothing is drawn (numpy refuses p = 0)."""
    if p <= 0.0:
        return np.full(_RUN_BLOCK, 1 << 40, dtype=np.int64)
    return np.minimum(rng.geometric(p, _RUN_BLOCK), 1 << 40)


def gilbert_elliott(rate: float, mean_burst: float) -> tuple[float, float]:
    """Transition probabilities of the Gilbert channel with loss ``rate`` and mean burst
    length ``mean_burst`` packets (every packet lost in the bad state, none in the good).

    Parameters
    ----------
    rate : float
        Stationary loss probability, in [0, 1).
    mean_burst : float
        Mean length of a run of lost packets (>= 1; 1 with ``p = rate`` is close to
        random loss).

    Returns
    -------
    (float, float)
        ``p`` = P(good -> bad) and ``r`` = P(bad -> good) per packet; ``rate = p / (p + r)``.

    Raises
    ------
    InvalidAudioError
        Out-of-range rate or burst length.
    """
    _check(rate, mean_burst, 0.0, 1.0)
    r = 1.0 / mean_burst
    p = rate * r / (1.0 - rate)
    if p > 1.0:
        raise InvalidAudioError(f"loss_rate: {rate!r} with mean_burst {mean_burst!r} needs P(good->bad) > 1; "
                                "raise mean_burst or lower loss_rate")
    return p, r


def loss_runs(lost: np.ndarray) -> np.ndarray:
    """The runs of lost packets: ``(k, 2)`` int64 ``[start, stop)`` packet indices.

    Parameters
    ----------
    lost : numpy.ndarray
        ``(n,)`` bool, one per packet.

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` int64, in order.
    """
    edges = np.flatnonzero(np.diff(np.concatenate(([0], lost.astype(np.int8), [0]))))
    return edges.reshape(-1, 2).astype(np.int64)


class PacketFate:
    """The fate of the packets of one RTP stream from its first packet on: lost (channel
    loss, or later than the jitter buffer allows), extended on demand.

    Parameters
    ----------
    seed : numpy.random.SeedSequence
        The stream's own seed; loss and jitter draw from two children of it.
    loss_rate : float
        Channel loss probability per packet, in [0, 1).
    mean_burst : float
        Mean lost-run length in packets (>= 1). 1 gives independent (random) loss;
        larger values Gilbert-Elliott bursts.
    jitter_ms : float
        Mean of the exponential delay variation of a packet, ms (0: none).
    buffer_ms : float
        Jitter buffer depth, ms: a packet delayed more than this is discarded.

    Raises
    ------
    InvalidAudioError
        A parameter out of range.
    """

    def __init__(self, seed: np.random.SeedSequence, *, loss_rate: float = 0.0, mean_burst: float = 1.0,
                 jitter_ms: float = 0.0, buffer_ms: float = 60.0) -> None:
        _check(loss_rate, mean_burst, jitter_ms, buffer_ms)
        loss_seed, jitter_seed = seed.spawn(2)
        self.loss_rate, self.mean_burst = loss_rate, mean_burst
        self.jitter_ms, self.buffer_ms = jitter_ms, buffer_ms
        self._loss_rng = np.random.Generator(np.random.PCG64(loss_seed))
        self._jitter_rng = np.random.Generator(np.random.PCG64(jitter_seed))
        self._random = mean_burst == 1.0
        self._p, self._r = gilbert_elliott(loss_rate, mean_burst) if loss_rate else (0.0, 1.0)
        self._bad = bool(self._loss_rng.random() < loss_rate) if loss_rate and not self._random else False
        self._lost = np.zeros(0, dtype=bool)
        self._runs = np.zeros(0, dtype=np.int64)
        self._states = np.zeros(0, dtype=bool)
        self._used = 0  # packets of the first queued run already given out

    @property
    def active(self) -> bool:
        """Whether any packet can be lost."""
        return self.loss_rate > 0.0 or self.jitter_ms > 0.0

    def lost(self, p0: int, p1: int) -> np.ndarray:
        """Fate of packets ``[p0, p1)``: ``(p1 - p0,)`` bool, True = lost or late."""
        p0, p1 = max(p0, 0), max(p1, 0)
        while self._lost.shape[0] < p1:
            self._extend()
        return self._lost[p0:p1]

    def _extend(self) -> None:
        n0 = self._lost.shape[0]
        if self.loss_rate == 0.0:
            block = np.zeros(_JITTER_BLOCK, dtype=bool)
        elif self._random:
            block = self._loss_rng.random(_JITTER_BLOCK) < self.loss_rate
        else:
            block = self._gilbert_block()
        if self.jitter_ms > 0.0:
            late = self._jitter_rng.exponential(self.jitter_ms, block.shape[0]) > self.buffer_ms
            block = block | late
        self._lost = np.concatenate((self._lost, block)) if n0 else block

    def _gilbert_block(self) -> np.ndarray:
        """The next jitter block of packets of the Gilbert chain. Runs are drawn 256
        good/bad pairs at a time (alternating from the first state) and kept as run
        lengths (capped at 2**40), so a very long run costs nothing until it is read."""
        n = _JITTER_BLOCK
        while int(self._runs.sum()) - self._used < n:
            good = _run_lengths(self._loss_rng, self._p)
            bad = _run_lengths(self._loss_rng, self._r)
            first, second = (bad, good) if self._bad else (good, bad)
            self._runs = np.concatenate((self._runs, np.column_stack((first, second)).ravel()))
            self._states = np.concatenate((self._states, np.tile(np.array([self._bad, not self._bad]), _RUN_BLOCK)))
        ends = np.cumsum(self._runs) - self._used  # end of each run, from the block's start
        block = self._states[np.searchsorted(ends, np.arange(n), side="right")]
        k = int(np.searchsorted(ends, n, side="right"))  # runs [0, k) are used up
        start_k = int(ends[k - 1]) if k else -self._used
        self._used = n - start_k
        self._runs, self._states = self._runs[k:], self._states[k:]
        return block
