"""Recording media as a download returns it (002 "Fetch a Recording's media file").

``.wav`` (or no extension) is WAV, ``.mp3`` MP3. ``RequestedChannels=1`` downmixes,
``RequestedChannels=2`` gives the dual original - call recordings of track both are
stored in dual channel even when created mono - and is Not Found (16113) for recordings
stored in one channel (``<Record>``, mono conferences, one-track recordings). Without
it, the format set at creation. Media exists only for completed recordings.
"""

from __future__ import annotations

import numpy as np

from recsim.audio import downmix, encode_mp3, encode_wav
from recsim.errors import InvalidRequestError, NotFoundError
from recsim.sim.recording import Recording

__all__ = ["MEDIA_TYPES", "encode_media", "media_bytes"]

MEDIA_TYPES = {"wav": "audio/x-wav", "mp3": "audio/mpeg"}


def media_bytes(rec: Recording, *, fmt: str = "wav", requested_channels: int | None = None) -> bytes:
    """The media file of ``rec``.

    Parameters
    ----------
    rec : Recording
        A recording of the simulation.
    fmt : {"wav", "mp3"}
        WAV 128 kbps per channel or MP3 32 kbps.
    requested_channels : {1, 2} or None
        The ``RequestedChannels`` query parameter.

    Returns
    -------
    bytes
        The encoded file (media type in :data:`MEDIA_TYPES`).

    Raises
    ------
    NotFoundError
        20404 when the recording is not completed (or its media is gone); 16113 when two
        channels are requested of a recording stored in one.
    InvalidRequestError
        20001 for a format or RequestedChannels value not allowed.
    """
    a = rec.assembly
    if rec.status != "completed" or a is None or a.dropped:
        _check(fmt, requested_channels)
        raise NotFoundError(f"The media of Recording {rec.sid} is not available (status {rec.status})")
    return encode_media(a.samples, a.stored, sid=rec.sid, fmt=fmt, requested_channels=requested_channels)


def _check(fmt: str, requested_channels: int | None) -> None:
    if fmt not in MEDIA_TYPES:
        raise InvalidRequestError(20001, f"format {fmt!r} is not allowed; allowed: wav, mp3")
    if requested_channels not in (None, 1, 2):
        raise InvalidRequestError(20001, f"RequestedChannels={requested_channels!r} is not allowed; allowed: 1, 2")


def encode_media(samples: np.ndarray, dual: np.ndarray | None, *, sid: str, fmt: str = "wav",
                 requested_channels: int | None = None) -> bytes:
    """Encode stored media as requested (the rules of :func:`media_bytes`).

    Parameters
    ----------
    samples : numpy.ndarray
        The stored format, ``(n,)`` or ``(n, 2)`` int16.
    dual : numpy.ndarray or None
        ``(n, 2)`` int16, the dual original of a mono call recording, if any.

    Raises
    ------
    NotFoundError, InvalidRequestError
        As :func:`media_bytes`.
    """
    _check(fmt, requested_channels)
    x = samples
    if requested_channels == 1:
        x = downmix(x)
    elif requested_channels == 2 and x.ndim == 1:
        if dual is None:
            raise NotFoundError(f"Recording {sid} is stored in one channel; a dual-channel download is not "
                                "available", code=16113)
        x = dual
    return encode_wav(x) if fmt == "wav" else encode_mp3(x)
