"""A seeded word error model, and the word error rate (WER) that measures it.

:func:`apply_word_errors` turns the reference words into what a realistic transcriber
would write at a given WER: each reference word is, independently, substituted (half of
the errors: another word of :data:`~recsim.transcription.wordlist.ENGLISH_WORDS`),
deleted (three tenths) or kept, and after each word that is not deleted a random word is
inserted (one fifth). So the expected number of edits is ``rate * N`` for ``N`` reference
words, and because a substitute always differs from the word it replaces and nothing is
inserted next to a deletion, the Levenshtein distance (:func:`word_error_rate`) equals
the number of edits made: the measured WER is the setting, up to sampling noise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from recsim.transcription.wordlist import ENGLISH_WORDS

__all__ = ["DELETION_SHARE", "INSERTION_SHARE", "SUBSTITUTION_SHARE", "apply_word_errors", "normalize",
           "word_error_rate"]

SUBSTITUTION_SHARE = 0.5
DELETION_SHARE = 0.3
INSERTION_SHARE = 0.2


def normalize(text: str) -> list[str]:
    """The words WER compares: lower case, letters, digits and apostrophes only."""
    return [w for w in (re.sub(r"[^a-z0-9']", "", t.lower()) for t in text.split()) if w]


def apply_word_errors(words: Sequence[str], rate: float, rng: np.random.Generator) -> list[str]:
    """The words a transcriber with word error rate ``rate`` would write.

    Parameters
    ----------
    words : sequence of str
        The reference words, in order.
    rate : float
        Expected WER in [0, 1]: substitutions, deletions and insertions in the shares
        :data:`SUBSTITUTION_SHARE`, :data:`DELETION_SHARE`, :data:`INSERTION_SHARE`.
    rng : numpy.random.Generator
        The seeded generator (same generator state, same output).

    Returns
    -------
    list of str
        The hypothesis words; ``list(words)`` when ``rate == 0``.

    Raises
    ------
    ValueError
        ``rate`` outside [0, 1].
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"word_error_rate: {rate!r} is not allowed; allowed: 0 to 1")
    if rate == 0.0 or not words:
        return list(words)
    n = len(words)
    u = rng.random(n)
    ins = rng.random(n) < rate * INSERTION_SHARE
    picks = rng.integers(0, len(ENGLISH_WORDS) - 1, size=2 * n)
    p_sub, p_del = rate * SUBSTITUTION_SHARE, rate * (SUBSTITUTION_SHARE + DELETION_SHARE)
    out: list[str] = []
    for i, w in enumerate(words):
        if u[i] < p_del and u[i] >= p_sub:
            continue  # deleted; nothing inserted next to it
        if u[i] < p_sub:
            out.append(_other(w, int(picks[2 * i])))
        else:
            out.append(w)
        if ins[i]:
            out.append(ENGLISH_WORDS[int(picks[2 * i + 1])])
    return out


def _other(word: str, k: int) -> str:
    """A word of the list that differs from ``word`` (compared normalised)."""
    cand = ENGLISH_WORDS[k]
    key = normalize(word)
    return cand if normalize(cand) != key else ENGLISH_WORDS[-1] if k != len(ENGLISH_WORDS) - 1 \
        else ENGLISH_WORDS[0]


def word_error_rate(reference: str | Sequence[str], hypothesis: str | Sequence[str]) -> float:
    """WER = (substitutions + deletions + insertions) / reference words (Levenshtein
    distance over normalised words, :func:`normalize`).

    Parameters
    ----------
    reference, hypothesis : str or sequence of str
        Texts or word lists.

    Returns
    -------
    float
        0 for identical word lists; the hypothesis length when the reference is empty
        (as a count, 0.0 if both are empty).
    """
    ref = normalize(reference) if isinstance(reference, str) else normalize(" ".join(reference))
    hyp = normalize(hypothesis) if isinstance(hypothesis, str) else normalize(" ".join(hypothesis))
    if not ref:
        return float(len(hyp))
    ids: dict[str, int] = {}
    h = np.array([ids.setdefault(w, len(ids)) for w in hyp], dtype=np.int64)
    r = np.array([ids.setdefault(w, len(ids)) for w in ref], dtype=np.int64)
    idx = np.arange(len(hyp) + 1)
    prev = idx.copy()
    base = np.empty(len(hyp) + 1, dtype=np.int64)
    for i in range(1, len(r) + 1):
        base[0] = i
        base[1:] = np.minimum(prev[:-1] + (h != r[i - 1]), prev[1:] + 1)  # substitution or deletion
        prev = np.minimum.accumulate(base - idx) + idx  # then insertions along the row
    return float(prev[-1]) / len(ref)
