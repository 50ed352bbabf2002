"""The words of every audio source recsim places in a call, with their times.

- a file: its sidecar transcript (:func:`recsim.scenario.words.sidecar_of`), none without;
  read once per scenario object (edit a sidecar, then load the scenario again);
- ``<Say>``: the text's words over the audio span, each a share proportional to its
  letters (:func:`say_words`);
- a synthetic talker (``synthetic``): seeded words of
  :data:`~recsim.transcription.wordlist.ENGLISH_WORDS` filling its talk bursts (the
  runs of non-silent 10 ms frames, :func:`burst_words`);
- a talker slice of the shared bank (``talker``): a slice of the voice's word track,
  made once per seed and voice like the voice itself (:func:`talker_words`).

Words of synthetic speech come from their own ``numpy.random.SeedSequence`` children
(spawn key ``WORDS_KEY``), never from the generators of the audio, so audio and every
other output are unchanged by them. Times are seconds from the start of the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import overload

import numpy as np

from recsim.audio import SAMPLE_RATE, say_duration_s
from recsim.scenario import AudioClip, Scenario, Synthetic
from recsim.scenario.traffic import BANK_SECONDS
from recsim.scenario.words import ClipWords, Word, load_transcript, sidecar_of, spread_words
from recsim.transcription.wordlist import ENGLISH_WORDS

__all__ = ["WORDS_KEY", "TalkerSlice", "burst_words", "clip_words", "file_words", "media_words", "say_words",
           "talker_slice", "talker_words", "word_track"]

#: The spawn key of the word generators (``SeedSequence(seed, spawn_key=(WORDS_KEY, ...))``).
WORDS_KEY = 15
#: A synthetic word lasts 0.18-0.55 s and is followed by a 0.04-0.16 s gap.
WORD_S = (0.18, 0.55)
GAP_S = (0.04, 0.16)
#: Non-silent 10 ms frames closer than this (s) make one talk burst.
BURST_GAP_S = 0.25


def word_track(seq: np.random.SeedSequence, start: float, end: float) -> list[Word]:
    """Seeded words filling ``[start, end]`` s: each 0.18-0.55 s long, 0.04-0.16 s apart,
    drawn from the word list; the last word ends by ``end``.

    Returns
    -------
    list of Word
        In order; empty when not even one word fits.
    """
    rng = np.random.default_rng(seq)
    span = end - start
    k = int(span / (WORD_S[0] + GAP_S[0])) + 2
    lens = rng.uniform(*WORD_S, size=k)
    gaps = rng.uniform(*GAP_S, size=k)
    picks = rng.integers(0, len(ENGLISH_WORDS), size=k)
    ends = np.cumsum(lens + gaps) - gaps
    starts = ends - lens
    n = int(np.searchsorted(ends, span, side="right"))
    return [Word(ENGLISH_WORDS[int(picks[i])], round(start + float(starts[i]), 6), round(start + float(ends[i]), 6))
            for i in range(n)]


@lru_cache(maxsize=512)
def say_words(text: str) -> tuple[Word, ...]:
    """The words of ``<Say>text</Say>`` over its audio (:func:`recsim.audio.say_duration_s`
    seconds; one loop), each a share of the span proportional to its letters."""
    return tuple(spread_words(text, 0.0, say_duration_s(text)))


def _bursts(samples: np.ndarray) -> list[tuple[float, float]]:
    """Talk bursts of ``(n,)`` int16 audio: runs of 10 ms frames with any non-zero sample,
    gaps shorter than :data:`BURST_GAP_S` bridged; (start, end) in seconds."""
    f = SAMPLE_RATE // 100
    n = samples.shape[0] // f
    if n == 0:
        return []
    loud = np.any(samples[: n * f].reshape(n, f) != 0, axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], loud.astype(np.int8), [0]))))
    runs = [[a / 100, b / 100] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    merged: list[list[float]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < BURST_GAP_S:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def burst_words(samples: np.ndarray, seed: int) -> list[Word]:
    """Seeded words in the talk bursts of a synthetic talker's audio.

    Parameters
    ----------
    samples : numpy.ndarray
        ``(n,)`` int16 at 8000 Hz (``recsim.audio.speech_like``: pauses are digital zero).
    seed : int
        The talker's seed; burst ``i`` draws from ``SeedSequence(seed, spawn_key=(WORDS_KEY, i))``.

    Returns
    -------
    list of Word
        In order, each inside one burst.
    """
    out: list[Word] = []
    for i, (a, b) in enumerate(_bursts(samples)):
        out.extend(word_track(np.random.SeedSequence(seed, spawn_key=(WORDS_KEY, i)), a, b))
    return out


@lru_cache(maxsize=32)
def _voice_track(seed: int, voice: int) -> tuple[ClipWords, np.ndarray]:
    words = ClipWords.of(word_track(np.random.SeedSequence(seed, spawn_key=(WORDS_KEY, 1 << 20, voice)), 0.0,
                                    BANK_SECONDS))
    return words, 0.5 * (words.starts + words.ends)


def talker_slice(seed: int, voice: int, first: int, n: int) -> ClipWords:
    """:func:`talker_words` as arrays (no object per word): what a placed talker clip
    carries.

    Returns
    -------
    ClipWords
        The voice's words whose midpoint lies in the slice, times from the slice start.
    """
    words, mids = _voice_track(seed, voice)
    a, b = first / SAMPLE_RATE, (first + n) / SAMPLE_RATE
    i, j = mids.searchsorted((a, b), side="left").tolist()
    return ClipWords(words.texts[i:j], words.starts[i:j] - a, words.ends[i:j] - a)


class TalkerSlice(Sequence[Word]):
    """The words of a placed talker clip, found when first read (:func:`talker_slice`):
    a run places tens of thousands of talker slices and reads the words of few of them
    (transcriptions; every recording only with ``--metadata words``).

    Parameters
    ----------
    seed, voice : int
        The talker bank's seed and the voice.
    first, n : int
        The slice: samples ``[first, first + n)`` of the voice (8000 Hz).

    Notes
    -----
    Its truth value is ``n > 0`` (the stream keeps it, :meth:`recsim.sim.media.Stream.add`,
    without finding its words); ``len``, indexing and :meth:`arrays` find them.
    """

    __slots__ = ("_words", "first", "n", "seed", "voice")

    def __init__(self, seed: int, voice: int, first: int, n: int) -> None:
        self.seed, self.voice, self.first, self.n = seed, voice, first, n
        self._words: ClipWords | None = None

    def arrays(self) -> ClipWords:
        """:func:`talker_slice` of this slice (found once)."""
        if self._words is None:
            self._words = talker_slice(self.seed, self.voice, self.first, self.n)
        return self._words

    def __bool__(self) -> bool:
        return self.n > 0

    def __eq__(self, other: object) -> bool:
        return self.arrays() == (other.arrays() if isinstance(other, TalkerSlice) else other)

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.arrays())

    @overload
    def __getitem__(self, i: int) -> Word: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Word]: ...

    def __getitem__(self, i: int | slice) -> Word | Sequence[Word]:
        return self.arrays()[i]


def talker_words(seed: int, voice: int, first: int, n: int) -> list[Word]:
    """The words of a talker slice: voice ``voice`` of the bank of ``seed``, samples
    ``[first, first + n)``, as :meth:`recsim.sim.inputs.Inputs.clip_audio` cuts it.

    Returns
    -------
    list of Word
        The voice's words whose midpoint lies in the slice, times from the slice start.
    """
    return list(talker_slice(seed, voice, first, n))


def file_words(path: Path) -> tuple[Word, ...]:
    """The words of an audio file from its sidecar transcript, or ``()`` when it has
    none (cached per sidecar path, modification time and size).

    Raises
    ------
    ScenarioError
        The sidecar is malformed (:func:`recsim.scenario.words.load_transcript`).
    """
    side = sidecar_of(path)
    if side is None:
        return ()
    st = side.stat()
    return _sidecar_words(str(side), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _sidecar_words(path: str, mtime_ns: int, size: int) -> tuple[Word, ...]:
    return tuple(load_transcript(path))


_SYNTHETIC: dict[Synthetic, tuple[Word, ...]] = {}


def _synthetic_words(spec: Synthetic, samples: np.ndarray) -> tuple[Word, ...]:
    """A synthetic voice's words (its audio is a function of ``spec``: cached by it)."""
    if spec not in _SYNTHETIC:
        if len(_SYNTHETIC) >= 64:
            _SYNTHETIC.clear()
        _SYNTHETIC[spec] = tuple(burst_words(samples, spec.seed))
    return _SYNTHETIC[spec]


def clip_words(scenario: Scenario, clip: AudioClip, samples: np.ndarray) -> Sequence[Word]:
    """The words of one party clip, seconds from the clip's start: a tuple of Word (a
    file's, a synthetic voice's: shared by every clip of it) or a talker slice's
    :class:`TalkerSlice` (found when read).

    Parameters
    ----------
    scenario : Scenario
        Its ``seed`` (talker bank) and base folder (file paths).
    clip : AudioClip
        A file (its sidecar, if any), a synthetic voice or a talker slice.
    samples : numpy.ndarray
        The clip's audio as placed, ``(n,)`` int16 at 8000 Hz.

    Raises
    ------
    ScenarioError
        A file's sidecar is malformed.
    """
    t = clip.talker
    if t is not None:
        return TalkerSlice(scenario.seed, t.voice, round(t.offset_s * SAMPLE_RATE) % _BANK_N, samples.shape[0])
    if clip.synthetic is not None:
        return _synthetic_words(clip.synthetic, samples)
    assert clip.file is not None
    return _scenario_file_words(scenario, clip.file)


#: Samples of a talker bank voice (a talker clip's offset wraps around it).
_BANK_N = round(BANK_SECONDS * SAMPLE_RATE)

#: A scenario's file words, read once per scenario object: ``(id, path) -> (scenario, words)``.
_PER_SCENARIO: dict[tuple[int, str], tuple[Scenario, tuple[Word, ...]]] = {}


def _scenario_file_words(scenario: Scenario, path: str) -> tuple[Word, ...]:
    """:func:`file_words` of a scenario's file, looked up once per scenario object (a run
    places the same files thousands of times)."""
    key = (id(scenario), path)
    hit = _PER_SCENARIO.get(key)
    if hit is None or hit[0] is not scenario:
        if len(_PER_SCENARIO) >= 256:
            _PER_SCENARIO.clear()
        hit = _PER_SCENARIO[key] = (scenario, file_words(scenario.resolve_path(path)))
    return hit[1]


def media_words(scenario: Scenario, url: str) -> tuple[Word, ...]:
    """The words of a ``<Play>`` URL's file (the scenario's ``media`` map): its sidecar's,
    or ``()``.

    Raises
    ------
    ScenarioError
        The sidecar is malformed.
    """
    path = scenario.media.get(url)
    return _scenario_file_words(scenario, path) if path is not None else ()
