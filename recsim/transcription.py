"""Speech-to-text for ``<Record transcribe="true">`` (spec 001), offline, pluggable.

An engine is any object with ``name`` and ``transcribe(samples) -> str`` taking
``(n,)`` int16 audio at 8000 Hz; it must be deterministic (same audio, same text). The
default is PocketSphinx (PyPI ``pocketsphinx``, the ``transcribe`` extra, which ships its
US English model: no download at run time); its 16 kHz model hears the 8 kHz recording upsampled with
``scipy.signal.resample_poly``. Another engine is chosen by name in the scenario
(``account.transcription_engine: "package.module:Factory"``) or passed as an object to
:func:`recsim.run`.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

from recsim._extras import require
from recsim.audio import to_int16, valid_audio
from recsim.audio._signal import resample_poly
from recsim.errors import ScenarioError

__all__ = ["PocketSphinxEngine", "TranscriptionEngine", "get_engine"]


@runtime_checkable
class TranscriptionEngine(Protocol):
    """What recsim asks of a speech-to-text engine."""

    name: str

    def transcribe(self, samples: np.ndarray) -> str:
        """Text of ``samples``: ``(n,)`` int16 PCM at 8000 Hz."""
        ...


class PocketSphinxEngine:
    """PocketSphinx with its bundled US English acoustic and language models.

    Raises
    ------
    MissingExtraError
        pocketsphinx is not installed (``pip install 'recsim[transcribe]'``).
    """

    name = "pocketsphinx"

    def __init__(self) -> None:
        pocketsphinx = require("pocketsphinx", extra="transcribe", feature="transcription (<Record transcribe>)")
        self._decoder = pocketsphinx.Decoder(samprate=16000, loglevel="FATAL")

    def transcribe(self, samples: np.ndarray) -> str:
        """Decode one utterance; ``(n,)`` int16 at 8 kHz, upsampled to 16 kHz."""
        x = valid_audio(samples, name="samples", channels=(1,))
        y = resample_poly(x.astype(np.float64), 2, 1)
        pcm = to_int16(y, scale=1.0)
        d = self._decoder
        d.start_utt()
        d.process_raw(pcm.tobytes(), full_utt=True)
        d.end_utt()
        hyp = d.hyp()
        return hyp.hypstr if hyp is not None else ""


@lru_cache(maxsize=4)
def _by_name(name: str) -> Any:
    if name == "pocketsphinx":
        return PocketSphinxEngine()
    module, sep, attr = name.partition(":")
    if not sep:
        raise ScenarioError(f"transcription_engine: {name!r} is not allowed; use 'pocketsphinx' or "
                            "'package.module:Factory'")
    try:
        factory = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ScenarioError(f"transcription_engine: cannot import {name!r} ({exc})") from None
    return factory() if isinstance(factory, type) or (callable(factory) and not hasattr(factory, "transcribe")) \
        else factory


def get_engine(engine: str | TranscriptionEngine) -> TranscriptionEngine:
    """An engine object from a name (cached per process) or the object itself.

    Raises
    ------
    ScenarioError
        Unknown name, an import that fails, or an object without ``transcribe``.
    """
    obj = _by_name(engine) if isinstance(engine, str) else engine
    if not callable(getattr(obj, "transcribe", None)):
        raise ScenarioError(f"transcription_engine: {obj!r} has no transcribe(samples) method")
    return obj
