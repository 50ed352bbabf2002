"""Recording media as a download returns it (002 "Fetch a Recording's media file").

``.wav`` (or no extension) is WAV, ``.mp3`` MP3. ``RequestedChannels=1`` downmixes,
``RequestedChannels=2`` gives the dual original - call recordings of track both are
stored in dual channel even when created mono - and is Not Found (16113) for recordings
stored in one channel (``<Record>``, mono conferences, one-track recordings). Without
it, the format set at creation. Media exists only for completed recordings.

Stored WAV files are served as stored (:func:`stored_media`): they are decoded only to
downmix or to encode MP3. Encoding is :func:`recsim.outputs.encode`, the one encoder of
runs, batches and the emulator.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable

import numpy as np

from recsim.api.params import MediaRequest
from recsim.audio import decode_wav, downmix
from recsim.errors import NotFoundError
from recsim.outputs import MEDIA_TYPES, encode
from recsim.sim.recording import Recording

__all__ = ["MEDIA_TYPES", "encode_media", "media_bytes", "stored_media"]


def media_bytes(rec: Recording, *, fmt: str = "wav", requested_channels: int | None = None) -> bytes:
    """The media file of a recording of a simulation (in memory).

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
    MediaRequest(fmt, requested_channels)  # checks both values first
    a = rec.assembly
    if rec.status != "completed" or a is None or a.dropped:
        raise NotFoundError(f"The media of Recording {rec.sid} is not available (status {rec.status})")
    return encode_media(a.samples, a.stored, sid=rec.sid, fmt=fmt, requested_channels=requested_channels)


def encode_media(samples: np.ndarray, dual: np.ndarray | None, *, sid: str, fmt: str = "wav",
                 requested_channels: int | None = None) -> bytes:
    """Encode media samples as requested (the rules of :func:`media_bytes`).

    Parameters
    ----------
    samples : numpy.ndarray
        The stored format, ``(n_samples,)`` or ``(n_samples, 2)`` int16 at 8000 Hz.
    dual : numpy.ndarray or None
        ``(n_samples, 2)`` int16, the dual original of a mono call recording, if any.
    sid : str
        The RecordingSid (named in errors).

    Raises
    ------
    NotFoundError, InvalidRequestError
        As :func:`media_bytes`.
    """
    request = MediaRequest(fmt, requested_channels)
    x = samples
    if request.channels == 1:
        x = downmix(x)
    elif request.channels == 2 and x.ndim == 1:
        if dual is None:
            raise _no_dual(sid)
        x = dual
    return encode(x, request.fmt)


def stored_media(stored: bytes, dual: Callable[[], bytes | None], *, sid: str, request: MediaRequest) -> bytes:
    """A download from the stored WAV file, its bytes as stored whenever they are what
    was asked (the same result as :func:`encode_media` on the decoded samples).

    Parameters
    ----------
    stored : bytes
        The stored WAV file (16-bit PCM, 8000 Hz, one or two channels).
    dual : callable
        Returns the stored dual original (a two-channel WAV file) of a mono call
        recording, or None when there is none; called only when needed.
    sid : str
        The RecordingSid (named in errors).
    request : MediaRequest
        Format and ``RequestedChannels``.

    Raises
    ------
    NotFoundError
        16113: two channels of a recording stored in one.
    """
    with wave.open(io.BytesIO(stored)) as w:
        channels = w.getnchannels()
    source = stored
    if request.channels == 1 and channels == 2:
        return encode(downmix(decode_wav(stored)), request.fmt)
    if request.channels == 2 and channels == 1:
        original = dual()
        if original is None:
            raise _no_dual(sid)
        source = original
    return source if request.fmt == "wav" else encode(decode_wav(source), request.fmt)


def _no_dual(sid: str) -> NotFoundError:
    return NotFoundError(f"Recording {sid} is stored in one channel; a dual-channel download is not available",
                         code=16113)
