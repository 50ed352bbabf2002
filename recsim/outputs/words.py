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
from typing import TYPE_CHECKING, Any

from recsim.sim.words import recording_arrays

if TYPE_CHECKING:
    from recsim.sim.recording import Recording

__all__ = ["word_rows", "words_jsonl"]


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
    line exactly ``json.dumps(row)`` (times are finite floats, whose JSON is their
    ``repr``), the constant head of a recording's channel and each distinct word encoded
    once (tens of thousands of words per thousand calls)."""
    out: list[str] = []
    key: tuple[Any, ...] = ()
    head = ""
    encoded: dict[str, str] = {}
    for r in rows:
        k = (r["recording_sid"], r["call_sid"], r["channel"], r["track"])
        if k != key:
            key = k
            head = json.dumps(dict(zip(("recording_sid", "call_sid", "channel", "track"), k, strict=True)))[:-1]
        word = r["word"]
        text = encoded.get(word)
        if text is None:
            text = encoded[word] = json.dumps(word)
        out.append(f'{head}, "word": {text}, "start": {r["start"]!r}, "end": {r["end"]!r}}}\n')
    return "".join(out).encode()
