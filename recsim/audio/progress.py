"""Call progress tones: the ringback (ringing tone) a caller hears while a ``<Dial>``
rings, per country.

Sources: ITU-T E.180 Supplement 2 ("Various tones used in national networks"), the
ringing tone of each country: frequencies in Hz (``f*m``: ``f`` amplitude-modulated by
``m`` Hz) and the cadence (on, off, ... in seconds, repeating). The country codes are the
``<Dial ringTone>`` values of the platform (lower-case ISO 3166 codes, ``uk`` for the
United Kingdom, ``us-old`` the older US tone). Levels are in dBov (ITU-T G.100.1:
0 dBov is the RMS of a full-scale sine, -3.01 dBFS): the default -16 dBov is -13 dBm0
for G.711 mu-law (0 dBm0 = -3.17 dBov), inside E.180's -10 to -20 dBm0 range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from recsim.audio._validate import SAMPLE_RATE, valid_seconds
from recsim.errors import InvalidAudioError

__all__ = ["COUNTRY_CODES", "DEFAULT_RINGBACK_DBOV", "RINGBACK", "Ringback", "country_of_number",
           "dbov_to_amplitude", "ringback"]

#: Level of the ringback in dBov.
DEFAULT_RINGBACK_DBOV = -16.0

_DOUBLE = (0.4, 0.2, 0.4, 2.0)


@dataclass(frozen=True)
class Ringback:
    """One country's ringing tone (ITU-T E.180 Supplement 2).

    Attributes
    ----------
    freqs_hz : tuple of float
        Frequencies summed (equal levels), Hz.
    mod_hz : float
        Amplitude modulation (100 %) of the sum, Hz; 0 for none.
    cadence_s : tuple of float
        On, off, on, off, ... seconds; the pattern repeats and starts with a tone.
    """

    freqs_hz: tuple[float, ...]
    mod_hz: float
    cadence_s: tuple[float, ...]

    @property
    def period_s(self) -> float:
        """Length of one cadence cycle, s."""
        return float(sum(self.cadence_s))


#: Ringing tones by ``<Dial ringTone>`` country code.
RINGBACK: dict[str, Ringback] = {
    "at": Ringback((420.0,), 0.0, (1.0, 5.0)),
    "au": Ringback((400.0, 450.0), 0.0, _DOUBLE),
    "be": Ringback((425.0,), 0.0, (1.0, 3.0)),
    "br": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "ch": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "cn": Ringback((450.0,), 0.0, (1.0, 4.0)),
    "de": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "dk": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "es": Ringback((425.0,), 0.0, (1.5, 3.0)),
    "fi": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "fr": Ringback((440.0,), 0.0, (1.5, 3.5)),
    "il": Ringback((400.0,), 0.0, (1.0, 3.0)),
    "in": Ringback((400.0,), 25.0, _DOUBLE),
    "it": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "jp": Ringback((400.0,), 16.0, (1.0, 2.0)),
    "mx": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "nl": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "no": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "nz": Ringback((400.0, 450.0), 0.0, _DOUBLE),
    "pl": Ringback((425.0,), 0.0, (1.0, 4.0)),
    "pt": Ringback((425.0,), 0.0, (1.0, 5.0)),
    "ru": Ringback((425.0,), 0.0, (0.8, 3.2)),
    "se": Ringback((425.0,), 0.0, (1.0, 5.0)),
    "sg": Ringback((425.0,), 24.0, _DOUBLE),
    "uk": Ringback((400.0, 450.0), 0.0, _DOUBLE),
    "us": Ringback((440.0, 480.0), 0.0, (2.0, 4.0)),
    "us-old": Ringback((420.0,), 40.0, (2.0, 4.0)),
    "za": Ringback((400.0,), 33.0, _DOUBLE),
}

#: The accepted ``<Dial ringTone>`` values.
COUNTRY_CODES = tuple(sorted(RINGBACK))

# E.164 country calling codes -> ringTone country (longest prefix wins).
_CALLING_CODES = {
    "1": "us", "7": "ru", "27": "za", "31": "nl", "32": "be", "33": "fr", "34": "es", "39": "it",
    "41": "ch", "43": "at", "44": "uk", "45": "dk", "46": "se", "47": "no", "48": "pl", "49": "de",
    "52": "mx", "55": "br", "61": "au", "64": "nz", "65": "sg", "81": "jp", "86": "cn", "91": "in",
    "351": "pt", "358": "fi", "972": "il",
}


def country_of_number(address: str, default: str = "us") -> str:
    """The ringTone country of an E.164 number by its country calling code (ITU-T
    E.164), or ``default`` for other addresses (``client:`` identities, SIP URIs,
    unknown codes).

    Parameters
    ----------
    address : str
        ``+<digits>`` or anything else.
    default : str
        Returned when no code matches.

    Returns
    -------
    str
        A key of :data:`RINGBACK` (or ``default``).
    """
    if not address.startswith("+"):
        return default
    digits = address[1:]
    for n in (3, 2, 1):
        code = _CALLING_CODES.get(digits[:n])
        if code is not None:
            return code
    return default


def dbov_to_amplitude(level_dbov: float) -> float:
    """Peak amplitude (int16 units) of a sine at ``level_dbov`` (ITU-T G.100.1: 0 dBov is a
    sine whose peak is full scale, 32767).

    Parameters
    ----------
    level_dbov : float
        dBov, at most 0.

    Returns
    -------
    float
        Peak amplitude in int16 units.
    """
    return 32767.0 * 10.0 ** (level_dbov / 20.0)


@lru_cache(maxsize=64)
def _period(country: str, level_dbov: float) -> np.ndarray:
    """One cadence cycle of ``country``'s tone: ``(round(period * 8000),)`` int16."""
    rb = RINGBACK[country]
    n = round(rb.period_s * SAMPLE_RATE)
    t = np.arange(n, dtype=np.float64) / SAMPLE_RATE
    amp = dbov_to_amplitude(level_dbov) / math.sqrt(len(rb.freqs_hz))
    y = np.zeros(n)
    for f in rb.freqs_hz:
        y += np.sin(2.0 * math.pi * f * t)
    if rb.mod_hz:
        y *= 0.5 * (1.0 - np.cos(2.0 * math.pi * rb.mod_hz * t))
    gate = np.zeros(n, dtype=bool)
    edge = 0.0
    for i, d in enumerate(rb.cadence_s):
        if i % 2 == 0:
            gate[round(edge * SAMPLE_RATE) : round((edge + d) * SAMPLE_RATE)] = True
        edge += d
    out = np.where(gate, np.rint(amp * y), 0.0).astype(np.int16)
    out.flags.writeable = False
    return out


def ringback(country: str, duration_s: float, *, level_dbov: float = DEFAULT_RINGBACK_DBOV) -> np.ndarray:
    """The ringing tone a caller hears for ``duration_s`` seconds from the start of
    ringing (the cadence starts with a tone).

    Parameters
    ----------
    country : str
        A key of :data:`RINGBACK` (``<Dial ringTone>``).
    duration_s : float
        Seconds, >= 0.
    level_dbov : float
        Power of the tone in dBov (its frequencies together, before modulation), <= 0.

    Returns
    -------
    numpy.ndarray
        ``(round(duration_s * 8000),)`` int16 at 8000 Hz.

    Raises
    ------
    InvalidAudioError
        Unknown country, negative duration or a level above 0 dBov.
    """
    if country not in RINGBACK:
        raise InvalidAudioError(f"country: {country!r} is not allowed; allowed: {', '.join(COUNTRY_CODES)}")
    valid_seconds(duration_s, name="duration_s")
    if not level_dbov <= 0.0:
        raise InvalidAudioError(f"level_dbov: {level_dbov!r} is not allowed; expected <= 0 dBov")
    n = round(duration_s * SAMPLE_RATE)
    period = _period(country, float(level_dbov))
    reps = -(-n // period.shape[0])
    return np.tile(period, max(reps, 1))[:n]
