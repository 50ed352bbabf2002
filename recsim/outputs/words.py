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

import numpy as np

from recsim.outputs._jsonl import encode_lines
from recsim.sim.words import recording_arrays

if TYPE_CHECKING:
    from recsim.sim.recording import Recording

__all__ = ["word_rows", "words_jsonl"]

_HEAD_KEYS = ("recording_sid", "call_sid", "channel", "track")
_HEAD = itemgetter(*_HEAD_KEYS)
_WORD, _START, _END = itemgetter("word"), itemgetter("start"), itemgetter("end")
#: JSON strings of the words seen, as bytes (:func:`_encoded`).
_ENCODED: dict[str, bytes] = {}


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
    channels = recording_arrays(rec, share=True)
    names = ["inbound", "outbound"] if len(channels) == 2 else [str(rec.options.track)]
    sid, call = rec.sid, rec.leg.sid
    return [{"recording_sid": sid, "call_sid": call, "channel": i + 1, "track": names[i], "word": t, "start": a,
             "end": b}
            for i, (texts, starts, ends) in enumerate(channels)
            for t, a, b in zip(texts, starts, ends, strict=True)]


def _encoded(texts: list[str]) -> list[bytes]:
    """The JSON strings of ``texts`` as bytes, each distinct word encoded once per process."""
    cache = _ENCODED
    if len(cache) > 1 << 16:
        cache.clear()
    return [cache[t] if t in cache else cache.setdefault(t, json.dumps(t).encode()) for t in texts]


def _repr_lines(rows: list[dict[str, Any]]) -> bytes:
    """:func:`words_jsonl` line by line, times by ``repr`` (any finite float)."""
    out: list[str] = []
    for key, group in groupby(rows, _HEAD):
        run = list(group)
        head = json.dumps(dict(zip(_HEAD_KEYS, key, strict=True)))[:-1] + ', "word": '
        words = zip(map(json.dumps, map(_WORD, run)), map(_START, run), map(_END, run), strict=True)
        out.append("".join([f'{head}{w}, "start": {a!r}, "end": {b!r}}}\n' for w, a, b in words]))
    return "".join(out).encode()


def words_jsonl(rows: list[dict[str, Any]]) -> bytes:
    """The bytes of ``words.jsonl`` from word rows (:func:`word_rows`, in order): each
    line exactly ``json.dumps(row)``.

    The rows of a recording's channel come together: each such run's head is encoded
    once, each distinct word once per process, and the lines written by one compiled
    pass (:func:`recsim.outputs._jsonl.encode_lines`; times of at most six decimals
    as ``repr`` writes them). Rows it declines (a time that is not such a float) are
    encoded with ``repr``, the JSON of a finite float.
    """
    if not rows:
        return b""
    heads: list[bytes] = []
    runs: list[int] = []
    for key, group in groupby(rows, _HEAD):
        heads.append(json.dumps(dict(zip(_HEAD_KEYS, key, strict=True)))[:-1].encode())
        runs.append(len(list(group)))
    starts, ends = list(map(_START, rows)), list(map(_END, rows))
    if set(map(type, starts)) | set(map(type, ends)) == {float}:
        out = encode_lines(np.frombuffer(b"\n".join(heads) + b"\n", dtype=np.uint8), np.array(runs, dtype=np.int64),
                           np.frombuffer(b"".join(_encoded(list(map(_WORD, rows)))), dtype=np.uint8),
                           np.array(starts, dtype=np.float64), np.array(ends, dtype=np.float64))
        if out.size:
            return out.tobytes()
    return _repr_lines(rows)
