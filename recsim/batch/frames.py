"""Framed shard streams: the bytes a shard encoded, merged without parsing them.

A shard stream (``.shards/{k:05d}.recordings.jsonl``, ``.events.jsonl``,
``.transcriptions.jsonl``) is a sequence of items, each a *head*, one line of JSON::

    {"key": [...], "n": [120, 80, 0], ...}

followed by its parts: ``n[0]`` bytes, then ``n[1]`` bytes, ... (the encoded run-file
bytes of :mod:`recsim.outputs.writer`, which may hold newlines). ``key`` is the item's
canonical sort key; other head fields are small values the merge counts (a recording's
source, status, ...). The merge reads heads only to order the shards' items, then
copies each item's parts into the run files as they are: the parent never parses a
row, an event or a word.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import IO, Any

__all__ = ["TALLIED", "frame", "heads", "read_frame"]

_decode = json.JSONDecoder().decode  # heads are UTF-8 (json.dumps writes ASCII)

#: The fields of a recording row that its head carries (what the merge counts).
TALLIED = ("source", "status", "channels", "error_code", "duration_s")


def frame(key: Sequence[float], parts: Sequence[bytes], **fields: Any) -> bytes:
    """One item of a framed stream: its head line, then ``parts``.

    Parameters
    ----------
    key : sequence of float
        The canonical sort key (:func:`recsim.outputs.rows.canonical_keys`).
    parts : sequence of bytes
        The item's encoded bytes, in order.
    **fields
        Small JSON values for the head (what the merge counts).
    """
    head = json.dumps({"key": list(key), "n": [len(p) for p in parts], **fields})
    return b"".join((head.encode(), b"\n", *parts))


def heads(f: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The heads of a framed stream, in order, skipping every item's parts (a seek).

    Raises
    ------
    ValueError
        A head that is not JSON (a corrupt stream).
    """
    while line := f.readline():
        head = _decode(line.decode())
        f.seek(sum(head["n"]), os.SEEK_CUR)
        yield head


def read_frame(f: IO[bytes], head: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[bytes]]:
    """The next item of a framed stream: its head and its parts.

    Parameters
    ----------
    f : file
        Positioned at an item's head line.
    head : dict, optional
        That head, already parsed (read by :func:`heads` on another handle): its line
        is skipped, not parsed again.

    Raises
    ------
    ValueError
        The stream ends inside the item, or its head is not JSON.
    """
    line = f.readline()
    if head is None:
        head = _decode(line.decode())
    parts = [f.read(n) for n in head["n"]]
    if any(len(p) != n for p, n in zip(parts, head["n"], strict=True)):
        raise ValueError("a shard stream ends inside an item")
    return head, parts
