"""Words with times: what an audio source says and when, and its sidecar transcripts.

A :class:`Word` is one whitespace-separated token of the spoken text, as written
(punctuation kept: ``"Dana."``), with its start and end in seconds from the start of its
audio source. A user's audio file may carry its words in a *sidecar* beside it, found by
its stem (:func:`sidecar_of`), in one of three formats (:func:`load_transcript`):

- ``NAME.words.json``: ``{"words": [{"word": "Hello,", "start": 0.51, "end": 0.80}, ...]}``
  (seconds from the file's start, in time order; recsim's own format, word-exact);
- ``NAME.vtt`` (WebVTT) or ``NAME.srt`` (SubRip): cues of text with start and end times;
  a cue's words share its span in proportion to their letters (cue-level timing).

Parsing is strict: any malformed line is refused with its file and line number
(:class:`recsim.errors.ScenarioError`), never skipped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np

from recsim.errors import ScenarioError

__all__ = ["SIDECAR_SUFFIXES", "ClipWords", "Word", "load_transcript", "sidecar_of", "spread_words"]

#: Sidecar file endings, in the order they are looked for beside ``NAME.wav``.
SIDECAR_SUFFIXES = (".words.json", ".vtt", ".srt")

_TIME = re.compile(r"^(?:(\d+):)?([0-5]\d):([0-5]\d)[.,](\d{3})$")


@dataclass(frozen=True, slots=True)
class Word:
    """One spoken word.

    Attributes
    ----------
    text : str
        The token as written (punctuation kept), never empty nor containing whitespace.
    start, end : float
        Seconds from the start of the audio source (or, in a recording, of the
        recording); ``0 <= start <= end``.
    """

    text: str
    start: float
    end: float

    @property
    def mid(self) -> float:
        """The midpoint (s): the instant the capture rule tests (docs/semantics.md)."""
        return 0.5 * (self.start + self.end)

    def shifted(self, dt: float) -> Word:
        """The same word ``dt`` seconds later."""
        return Word(self.text, self.start + dt, self.end + dt)


def _object_array(texts: Sequence[str]) -> np.ndarray:
    """``(n,)`` object array of the strings ``texts`` (never a 2-D array of characters)."""
    out = np.empty(len(texts), dtype=object)
    out[:] = list(texts)
    return out


class ClipWords(Sequence[Word]):
    """A clip's words as parallel arrays: a sequence of :class:`Word` that makes no
    object per word until one is asked for (a run places tens of thousands of talker
    slices; the capture reads the arrays, :mod:`recsim.sim.words`).

    Parameters
    ----------
    texts : sequence of str or numpy.ndarray
        ``(n,)`` the tokens as written, in time order (kept as an object array).
    starts, ends : numpy.ndarray
        ``(n,)`` float64 seconds from the start of the clip, ``0 <= start <= end``;
        not copied (the caller does not change them afterwards).

    Raises
    ------
    ValueError
        The three lengths differ.
    """

    __slots__ = ("ends", "starts", "texts")

    def __init__(self, texts: Sequence[str] | np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        if not len(texts) == starts.shape[0] == ends.shape[0]:
            raise ValueError(f"ClipWords: texts, starts and ends differ in length "
                             f"({len(texts)}, {starts.shape[0]}, {ends.shape[0]})")
        #: ``(n,)`` object array of str (sliced and gathered without a Python loop).
        self.texts: np.ndarray = texts if isinstance(texts, np.ndarray) else _object_array(texts)
        self.starts = starts
        self.ends = ends

    @classmethod
    def of(cls, words: Iterable[Word]) -> ClipWords:
        """The arrays of ``words`` (Word objects, in time order)."""
        ws = list(words)
        return cls([w.text for w in ws], np.array([w.start for w in ws], dtype=np.float64),
                   np.array([w.end for w in ws], dtype=np.float64))

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, i: int) -> Word: ...

    @overload
    def __getitem__(self, i: slice) -> ClipWords: ...

    def __getitem__(self, i: int | slice) -> Word | ClipWords:
        if isinstance(i, slice):
            return ClipWords(self.texts[i], self.starts[i], self.ends[i])
        return Word(str(self.texts[i]), float(self.starts[i]), float(self.ends[i]))

    def __iter__(self) -> Iterator[Word]:
        return map(Word, self.texts.tolist(), self.starts.tolist(), self.ends.tolist())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking like a list: unhashable

    def __repr__(self) -> str:
        return f"ClipWords({list(self)!r})"


def spread_words(text: str, start: float, end: float) -> list[Word]:
    """The words of ``text`` over ``[start, end]`` s, each a share proportional to its
    letters (at least one): a cue's or a ``<Say>``'s words when only the span is known.

    Returns
    -------
    list of Word
        In order; contiguous; empty for a text without words.
    """
    tokens = text.split()
    if not tokens:
        return []
    weights = [max(1, sum(c.isalnum() for c in t)) for t in tokens]
    total = float(sum(weights))
    out: list[Word] = []
    acc = 0.0
    for tok, w in zip(tokens, weights, strict=True):
        a = start + (end - start) * acc / total
        acc += w
        out.append(Word(tok, round(a, 6), round(start + (end - start) * acc / total, 6)))
    return out


def sidecar_of(audio: Path) -> Path | None:
    """The sidecar transcript beside ``audio`` (``NAME.words.json``, ``NAME.vtt`` or
    ``NAME.srt`` for ``NAME.wav``), the first that exists, or None."""
    for suffix in SIDECAR_SUFFIXES:
        p = audio.with_name(audio.stem + suffix)
        if p.is_file():
            return p
    return None


def _fail(path: Path, line: int | None, what: str) -> ScenarioError:
    where = f"{path}:{line}" if line is not None else str(path)
    return ScenarioError(f"{where}: transcript: {what}")


def _json_words(path: Path, text: str) -> list[Word]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(path, exc.lineno, f"not JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("words"), list) or set(doc) - {"words", "text"}:
        raise _fail(path, None, 'expected {"words": [{"word", "start", "end"}, ...]} (optional "text")')
    out: list[Word] = []
    for i, w in enumerate(doc["words"]):
        if not isinstance(w, dict) or set(w) != {"word", "start", "end"}:
            raise _fail(path, None, f"words[{i}]: expected exactly the keys word, start, end; got {w!r:.80}")
        tok, a, b = w["word"], w["start"], w["end"]
        if not isinstance(tok, str) or not tok or any(c.isspace() for c in tok):
            raise _fail(path, None, f"words[{i}].word: {tok!r:.80} is not one non-empty word")
        if not all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in (a, b)):
            raise _fail(path, None, f"words[{i}]: start and end must be finite seconds; got {a!r}, {b!r}")
        if not 0 <= a <= b or (out and a < out[-1].start):
            raise _fail(path, None, f"words[{i}]: need 0 <= start <= end, in time order; got {a}, {b}")
        out.append(Word(tok, float(a), float(b)))
    return out


def _seconds(path: Path, line: int, stamp: str) -> float:
    m = _TIME.match(stamp)
    if m is None:
        raise _fail(path, line, f"bad timestamp {stamp!r:.40}; expected [HH:]MM:SS.mmm (SRT: HH:MM:SS,mmm)")
    h, mi, s, ms = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(ms) / 1000


def _cue_words(path: Path, text: str, vtt: bool) -> list[Word]:
    """Cues of a WebVTT or SRT file: ``start --> end`` lines followed by text lines."""
    lines = text.replace("\r\n", "\n").split("\n")
    if vtt:
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise _fail(path, 1, "a WebVTT file starts with 'WEBVTT'")
        lines = lines[1:]
        first = 2
    else:
        first = 1
    out: list[Word] = []
    cue: tuple[float, float] | None = None
    words: list[str] = []
    for i, raw in enumerate([*lines, ""], start=first):
        line = raw.strip()
        if not line:
            if cue is not None:
                out.extend(spread_words(" ".join(words), *cue))
            cue, words = None, []
        elif "-->" in line:
            if cue is not None:
                raise _fail(path, i, "a timing line inside a cue (missing blank line?)")
            a, _, rest = line.partition("-->")
            b = rest.split()[0] if rest.split() else ""
            cue = (_seconds(path, i, a.strip()), _seconds(path, i, b))
            if cue[1] < cue[0] or (out and cue[0] < out[-1].start):
                raise _fail(path, i, f"cue {a.strip()} --> {b}: end before start, or cues out of order")
        elif cue is not None:
            words.append(re.sub(r"<[^>]*>", "", line))
        elif not (line.isdigit() or vtt):  # SRT: cue numbers; WebVTT: identifiers, NOTE, STYLE
            raise _fail(path, i, f"unexpected line {line!r:.60} outside a cue")
    return out


def load_transcript(path: str | Path) -> list[Word]:
    """The words of a transcript file (``.words.json``, ``.vtt`` or ``.srt``).

    Parameters
    ----------
    path : str or Path
        The transcript; its ending chooses the format (module docstring).

    Returns
    -------
    list of Word
        In time order; times in seconds from the start of the audio file.

    Raises
    ------
    ScenarioError
        The file cannot be read, its ending is not one of :data:`SIDECAR_SUFFIXES`, or a
        line or entry is malformed (the message names the file and line or entry).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(p, None, f"cannot read ({exc})") from None
    name = p.name.lower()
    if name.endswith(".words.json"):
        return _json_words(p, text)
    if name.endswith((".vtt", ".srt")):
        return _cue_words(p, text, vtt=name.endswith(".vtt"))
    raise _fail(p, None, f"unknown format; allowed endings: {', '.join(SIDECAR_SUFFIXES)}")
