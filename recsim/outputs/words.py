"""The rows of ``words.jsonl``: every word each recording captured, channel by channel.

One JSON object a line, one line a word, in recording order (recordings as in
``recordings.json``, then channel, then time)::

    {"recording_sid": "RE...", "call_sid": "CA...", "channel": 1, "track": "inbound",
     "word": "Hello,", "start": 0.51, "end": 1.0}

``start`` and ``end`` are seconds from the start of the recording's media (after pause
skip and trim: where an analytics tool reading the file hears the word); ``channel`` is
1 or 2 as stored (dual: 1 the parent call's inbound, 2 its outbound); ``track`` is the
stream the word came from: ``inbound``, ``outbound`` or ``both`` (a mono downmix of both).
Absent recordings have no words. The capture rule is :mod:`recsim.sim.words`.
"""

from __future__ import annotations

import json
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from recsim.sim.words import recording_arrays

if TYPE_CHECKING:
    from recsim.sim.recording import Recording

__all__ = ["word_rows", "words_jsonl"]

_HEAD_KEYS = ("recording_sid", "call_sid", "channel", "track")
_HEAD = itemgetter(*_HEAD_KEYS)
_WORD, _START, _END = itemgetter("word"), itemgetter("start"), itemgetter("end")


def word_rows(rec: Recording) -> list[dict[str, Any]]:
    """The ``words.jsonl`` rows of one finished recording (module docstring).

    Parameters
    ----------
    rec : Recording
        Completed or absent, assembled.

    Returns
    -------
    list of dict
        One per captured word; empty for an absent recording or one without words.
    """
    if rec.status != "completed" or rec.assembly is None:
        return []
    channels = recording_arrays(rec)
    names = ["inbound", "outbound"] if len(channels) == 2 else [str(rec.options.track)]
    sid, call = rec.sid, rec.leg.sid
    return [{"recording_sid": sid, "call_sid": call, "channel": i + 1, "track": names[i], "word": t, "start": a,
             "end": b}
            for i, (texts, starts, ends) in enumerate(channels)
            for t, a, b in zip(texts, starts, ends, strict=True)]


def words_jsonl(rows: list[dict[str, Any]]) -> bytes:
    """The bytes of ``words.jsonl`` from word rows (:func:`word_rows`, in order): each
    line exactly ``json.dumps(row)``.

    Rows are encoded a run of one recording's channel at a time (the rows of a
    recording come channel by channel): its constant head once, its words in one
    ``json.dumps`` of their list (a word has no whitespace, so ``", "`` separates them;
    checked), its times by ``%r`` (a finite float's JSON is its ``repr``), all lines of
    the run in one ``%`` formatting. Tens of thousands of lines per thousand calls.
    """
    out: list[str] = []
    for key, group in groupby(rows, _HEAD):
        run = list(group)
        n = len(run)
        head = json.dumps(dict(zip(_HEAD_KEYS, key, strict=True)))[:-1].replace("%", "%%")
        texts = list(map(_WORD, run))
        words = json.dumps(texts)[1:-1].split(", ")
        if len(words) != n:  # pragma: no cover - a word with whitespace (never made by recsim)
            words = [json.dumps(t) for t in texts]
        values: list[Any] = [None] * (3 * n)
        values[0::3] = words
        values[1::3] = map(_START, run)
        values[2::3] = map(_END, run)
        out.append(((head + ', "word": %s, "start": %r, "end": %r}\n') * n) % tuple(values))
    return "".join(out).encode()
