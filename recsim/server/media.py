"""Media downloads over HTTP: HEAD, byte ranges and validators, as players and download
managers use them (RFC 9110: ``Range``, ``206 Partial Content``, ``Content-Range``,
``Accept-Ranges``, ``ETag``, ``Last-Modified``, ``If-None-Match``; RFC 9110 section
14.2: a server may ignore a Range it does not support, here several ranges).

The bytes are those of :meth:`recsim.api.Backend.media` (002 "Fetch a Recording's media
file"); this module only cuts and labels them.
"""

from __future__ import annotations

import email.utils
import hashlib
import re

from fastapi import Request, Response

__all__ = ["media_response", "parse_range"]

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """The one byte range of a ``Range`` header, inclusive ``(first, last)``.

    Parameters
    ----------
    header : str or None
        ``bytes=first-last``, ``bytes=first-`` or ``bytes=-suffix``.
    size : int
        Bytes in the file.

    Returns
    -------
    tuple of int, None or str
        ``(first, last)``; None for no header, a malformed one or several ranges (the
        whole file is sent); ``"unsatisfiable"`` when the range starts past the end.
    """
    if not header:
        return None
    m = _RANGE.fullmatch(header.strip())
    if m is None or (not m.group(1) and not m.group(2)):
        return None
    if not m.group(1):
        n = int(m.group(2))
        return (max(size - n, 0), size - 1) if n > 0 and size > 0 else "unsatisfiable"
    first = int(m.group(1))
    if first >= size:
        return "unsatisfiable"
    last = int(m.group(2)) if m.group(2) else size - 1
    if last < first:
        return None
    return first, min(last, size - 1)


def media_response(request: Request, data: bytes, media_type: str, updated: str | None) -> Response:
    """The answer to a GET or HEAD of a media file.

    Parameters
    ----------
    request : Request
        Its method, ``Range`` and ``If-None-Match`` headers.
    data : bytes
        The whole file.
    media_type : str
        ``audio/x-wav`` or ``audio/mpeg``.
    updated : str or None
        The recording's ``date_updated`` (RFC 2822), sent as ``Last-Modified``.

    Returns
    -------
    Response
        200 with the file, 206 with one range (``Content-Range``), 304 when the ETag
        matches ``If-None-Match``, 416 for a range past the end; HEAD the same headers
        without a body. Always ``Accept-Ranges: bytes``, ``ETag``, ``Content-Length``.
    """
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {"Accept-Ranges": "bytes", "ETag": etag}
    if updated:
        headers["Last-Modified"] = email.utils.format_datetime(email.utils.parsedate_to_datetime(updated),
                                                               usegmt=True)
    if request.headers.get("if-none-match") in (etag, "*"):
        return Response(status_code=304, headers=headers)
    status, body = 200, data
    wanted = parse_range(request.headers.get("range"), len(data))
    if wanted == "unsatisfiable":
        headers["Content-Range"] = f"bytes */{len(data)}"
        return Response(status_code=416, headers=headers)
    if isinstance(wanted, tuple):
        first, last = wanted
        status, body = 206, data[first:last + 1]
        headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    headers["Content-Length"] = str(len(body))
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media_type)
    return Response(body, status_code=status, headers=headers, media_type=media_type)
