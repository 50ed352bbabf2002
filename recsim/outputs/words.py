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
#: JSON strings of the words seen (:func:`_encoded`).
_ENCODED: dict[str, str] = {}


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


def _encoded(texts: list[str]) -> list[str]:
    """The JSON strings of ``texts``, each distinct word encoded once per process."""
    cache = _ENCODED
    if len(cache) > 1 << 16:
        cache.clear()
    return [cache[t] if t in cache else cache.setdefault(t, json.dumps(t)) for t in texts]


def words_jsonl(rows: list[dict[str, Any]]) -> bytes:
    """The bytes of ``words.jsonl`` from word rows (:func:`word_rows`, in order): each
    line exactly ``json.dumps(row)``.

    Rows are encoded a run of one recording's channel at a time (a recording's rows come
    channel by channel): the run's constant head once, each distinct word once (a
    vocabulary of hundreds for tens of thousands of lines), times by ``repr`` (a finite
    float's JSON is its ``repr``).
    """
    out: list[str] = []
    for key, group in groupby(rows, _HEAD):
        run = list(group)
        head = json.dumps(dict(zip(_HEAD_KEYS, key, strict=True)))[:-1] + ', "word": '
        out.append(head)
        words = zip(_encoded(list(map(_WORD, run))), map(_START, run), map(_END, run), strict=True)
        out.append(("}\n" + head).join([f'{w}, "start": {a!r}, "end": {b!r}' for w, a, b in words]))
        out.append("}\n")
    return "".join(out).encode()
