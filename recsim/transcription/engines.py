"""Speech-to-text for ``<Record transcribe="true">`` (spec 001), offline, pluggable.

Two kinds of engine:

- a *word* engine has ``transcribe_words(words, key) -> str``: it reads the words the
  recording captured (recsim knows what was said and when). The default,
  :class:`ReferenceEngine` (``reference``), writes exactly those words, or, with a
  ``word_error_rate``, a seeded imperfect version of them
  (:mod:`recsim.transcription.error_model`);
- an *acoustic* engine is any object with ``name`` and ``transcribe(samples) -> str``
  taking ``(n,)`` int16 audio at 8000 Hz; it must be deterministic (same audio, same
  text). ``pocketsphinx`` (PyPI ``pocketsphinx``, the ``transcribe`` extra, which ships
  its US English model: no download at run time) hears the 8 kHz recording upsampled to
  its 16 kHz model with ``scipy.signal.resample_poly``.

An engine is chosen by name in the scenario (``account.transcription_engine``:
``reference``, ``pocketsphinx`` or ``"package.module:Factory"``) or passed as an object to
:func:`recsim.run`.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

import numpy as np

from recsim._extras import require
from recsim.audio import to_int16, valid_audio
from recsim.audio._signal import resample_poly
from recsim.errors import ScenarioError
from recsim.scenario.words import Word
from recsim.transcription.error_model import apply_word_errors

__all__ = ["ENGINE_NAMES", "PocketSphinxEngine", "ReferenceEngine", "TranscriptionEngine", "get_engine"]

#: The engines known by a plain name (others: ``"package.module:Factory"``).
ENGINE_NAMES = ("reference", "pocketsphinx")


@runtime_checkable
class TranscriptionEngine(Protocol):
    """What recsim asks of a speech-to-text engine."""

    name: str

    def transcribe(self, samples: np.ndarray) -> str:
        """Text of ``samples``: ``(n,)`` int16 PCM at 8000 Hz."""
        ...


class ReferenceEngine:
    """The words a recording captured, exactly or with a seeded word error rate.

    Parameters
    ----------
    word_error_rate : float
        Expected WER in [0, 1] (default 0: the captured words exactly); errors are
        substitutions, deletions and insertions (:func:`~recsim.transcription.error_model.apply_word_errors`).
    seed : int
        Mixed with each recording's key into the error model's generator.

    Raises
    ------
    ScenarioError
        ``word_error_rate`` outside [0, 1].
    """

    name = "reference"

    def __init__(self, word_error_rate: float = 0.0, seed: int = 0) -> None:
        if not 0.0 <= float(word_error_rate) <= 1.0:
            raise ScenarioError(f"word_error_rate: {word_error_rate!r} is not allowed; allowed: 0 to 1")
        self.word_error_rate = float(word_error_rate)
        self.seed = int(seed)

    def transcribe_words(self, words: Sequence[Word], key: str = "") -> str:
        """The transcription text of the captured ``words`` (in recording order), the
        words joined by single spaces as written (punctuation kept).

        Parameters
        ----------
        words : sequence of Word
            What the recording captured, in order.
        key : str
            Names the recording (its RecordingSid): with :attr:`seed`, it seeds the
            error model, so the same recording always gets the same errors.
        """
        return self.transcribe_texts([w.text for w in words], key)

    def transcribe_texts(self, texts: Sequence[str], key: str = "") -> str:
        """:meth:`transcribe_words` of the words' texts only (recsim's transcriber passes
        them without making a :class:`Word` per word).

        Parameters
        ----------
        texts : sequence of str
            The captured words as written, in recording order.
        key : str
            The RecordingSid: with :attr:`seed`, it seeds the error model.
        """
        tokens = list(texts)
        if self.word_error_rate > 0:
            digest = hashlib.sha256(f"{self.seed}:{key}".encode()).digest()
            rng = np.random.default_rng(np.random.SeedSequence(int.from_bytes(digest[:16], "big")))
            tokens = apply_word_errors(tokens, self.word_error_rate, rng)
        return " ".join(tokens)

    def transcribe(self, samples: np.ndarray) -> str:
        """A word engine reads no audio: always raises.

        Raises
        ------
        ScenarioError
            Always: the reference engine needs the captured words (``transcribe_words``).
        """
        raise ScenarioError("transcription_engine: 'reference' transcribes captured words, not samples")


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
        raise ScenarioError(f"transcription_engine: {name!r} is not allowed; use 'reference', 'pocketsphinx' "
                            "or 'package.module:Factory'")
    try:
        factory = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise ScenarioError(f"transcription_engine: cannot import {name!r} ({exc})") from None
    return factory() if isinstance(factory, type) or (callable(factory) and not hasattr(factory, "transcribe")) \
        else factory


def get_engine(engine: str | TranscriptionEngine, *, word_error_rate: float = 0.0,
               seed: int = 0) -> TranscriptionEngine:
    """An engine object from a name (cached per process) or the object itself.

    Parameters
    ----------
    engine : str or TranscriptionEngine
        ``reference``, ``pocketsphinx``, ``"package.module:Factory"`` or an object.
    word_error_rate, seed : float, int
        The :class:`ReferenceEngine` made for the name ``reference``.

    Raises
    ------
    ScenarioError
        Unknown name, an import that fails, or an object without ``transcribe`` or
        ``transcribe_words``; a ``word_error_rate`` outside [0, 1].
    """
    if engine == "reference":
        return ReferenceEngine(word_error_rate, seed)
    obj = _by_name(engine) if isinstance(engine, str) else engine
    if not callable(getattr(obj, "transcribe", None)) and not callable(getattr(obj, "transcribe_words", None)):
        raise ScenarioError(f"transcription_engine: {obj!r} has no transcribe(samples) method")
    return obj
