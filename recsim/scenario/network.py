"""The telephone network of a scenario: codecs, call progress (ringback), and network
impairments and line conditions, per scenario, per call or per party, with presets.

::

    network:                    # scenario: every leg of every call
      codecs: true              # PCMU on phone numbers, linear on client: (party codec overrides)
      ringback: true            # ringback on the caller's outbound stream while a <Dial> rings
      preset: mobile            # clean | mobile | congested; the fields below override it
      loss_rate: 0.03
    calls:
      - {from: ..., network: {preset: congested}}    # this call's legs
    parties:
      "+15550100001": {codec: PCMA, network: {loss_rate: 0.01, mean_burst_packets: 2}}

The most specific level wins field by field: party, then call, then scenario, then the
preset named at that level, then :data:`PRESETS` ``clean`` (no impairment).
Sources of each setting: see :mod:`recsim.audio.loss`, :mod:`recsim.audio.conceal`,
:mod:`recsim.audio.line`, :mod:`recsim.audio.g711` and docs/semantics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Literal

from pydantic import Field

from recsim.scenario.fields import WireModel

__all__ = ["DEFAULT_NETWORK", "PRESETS", "Impairments", "NetworkSpec", "ScenarioNetwork", "resolve_impairments",
           "unset"]


def unset(value: object) -> bool:
    """Whether a network field of the scenario is unset (None): such fields are left out
    of the scenario's dump, so a scenario without them keeps its run identity."""
    return value is None


@dataclass(frozen=True)
class Impairments:
    """The resolved impairments of one leg's inbound stream (what the platform receives).

    Attributes
    ----------
    loss_rate : float
        Channel packet loss probability, [0, 0.5].
    mean_burst_packets : float
        Mean lost-run length (1: random loss; > 1: Gilbert-Elliott bursts).
    jitter_ms, jitter_buffer_ms : float
        Mean exponential delay variation and the jitter buffer depth, ms.
    concealment : str
        ``g711-plc`` or ``silence``.
    outage_s : float
        Runs of lost packets at least this long are no-media spans (no RTP).
    band_filter : bool
        The 300-3400 Hz G.712-like filter on the party's audio.
    snr_db : float or None
        Background noise this many dB below -26 dBov (ITU-T P.56), or none.
    comfort_noise_dbov : float or None
        RFC 3389 comfort noise level where the party is silent, or none.
    """

    loss_rate: float = 0.0
    mean_burst_packets: float = 1.0
    jitter_ms: float = 0.0
    jitter_buffer_ms: float = 60.0
    concealment: str = "g711-plc"
    outage_s: float = 1.0
    band_filter: bool = False
    snr_db: float | None = None
    comfort_noise_dbov: float | None = None

    @property
    def lossy(self) -> bool:
        """Whether any packet can be lost or late."""
        return self.loss_rate > 0.0 or self.jitter_ms > 0.0

    @property
    def active(self) -> bool:
        """Whether anything changes the audio."""
        return self != PRESETS["clean"]


#: Realistic presets. clean: none. mobile: a cellular access leg (2 % loss in bursts of
#: 2.5 packets, 15 ms jitter with a 60 ms buffer, band filter, 35 dB SNR). congested: a
#: loaded IP path (5 % loss in bursts of 4, 30 ms jitter with a 100 ms buffer).
PRESETS: dict[str, Impairments] = {
    "clean": Impairments(),
    "mobile": Impairments(loss_rate=0.02, mean_burst_packets=2.5, jitter_ms=15.0, jitter_buffer_ms=60.0,
                          outage_s=0.5, band_filter=True, snr_db=35.0),
    "congested": Impairments(loss_rate=0.05, mean_burst_packets=4.0, jitter_ms=30.0, jitter_buffer_ms=100.0,
                             outage_s=0.5, band_filter=True, snr_db=40.0),
}


class NetworkSpec(WireModel):
    """Impairments as written in a scenario (every field optional: unset fields come
    from the preset, then from the less specific level)."""

    preset: Literal["clean", "mobile", "congested"] | None = None
    loss_rate: float | None = Field(default=None, ge=0, le=0.5, allow_inf_nan=False)
    mean_burst_packets: float | None = Field(default=None, ge=1, le=1000, allow_inf_nan=False)
    jitter_ms: float | None = Field(default=None, ge=0, le=10_000, allow_inf_nan=False)
    jitter_buffer_ms: float | None = Field(default=None, gt=0, le=10_000, allow_inf_nan=False)
    concealment: Literal["g711-plc", "silence"] | None = None
    outage_s: float | None = Field(default=None, ge=0.02, le=86_400, allow_inf_nan=False)
    band_filter: bool | None = None
    snr_db: float | None = Field(default=None, ge=0, le=120, allow_inf_nan=False)
    comfort_noise_dbov: float | None = Field(default=None, ge=-127, le=0, allow_inf_nan=False)


class ScenarioNetwork(NetworkSpec):
    """The scenario's network: the impairments of every leg, and the switches of the
    codec path and call progress.

    Attributes
    ----------
    codecs : bool
        (default true) Each leg has a codec (PCMU for phone numbers, L16 for ``client:``, or the
        party's ``codec``), applied to every track before the recording sees it.
    ringback : bool
        (default true) The caller hears ringback (``<Dial ringTone>``) while a ``<Dial>`` rings.
    """

    codecs: bool = True
    ringback: bool = True


#: The network of a scenario that sets none.
DEFAULT_NETWORK = ScenarioNetwork()


@lru_cache(maxsize=256)
def resolve_impairments(*levels: NetworkSpec | None) -> Impairments:
    """Merge network settings, most specific first (party, call, scenario). Remembered
    for the last 256 distinct ``levels`` (frozen, so equal levels merge equally; a
    batch shard asks once per leg, nearly always with the same levels).

    Parameters
    ----------
    *levels : NetworkSpec or None
        Most specific first; None levels are skipped.

    Returns
    -------
    Impairments
        Each field from the first level that sets it directly or names a preset
        (which sets every field), else the ``clean`` preset's.
    """
    values = {}
    for f in fields(Impairments):
        for spec in levels:
            if spec is None:
                continue
            v = getattr(spec, f.name)
            if v is not None:
                values[f.name] = v
                break
            if spec.preset is not None:  # a preset sets every field (None included)
                values[f.name] = getattr(PRESETS[spec.preset], f.name)
                break
    return Impairments(**values)
