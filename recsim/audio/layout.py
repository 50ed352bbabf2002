"""Track selection, channel layout and downmix.

Sources: 000_3572b13370ab4ff8.txt (``track``, ``channels``: "In a dual-channel recording,
the first channel contains the parent call and the second channel contains the child
call"), 002_9f1cb9403e12b7f0.txt (``recording_track``, ``recording_channels``,
``RequestedChannels``).
"""

from __future__ import annotations

import sys

import numpy as np

from recsim.audio import _kernels
from recsim.audio._validate import valid_audio
from recsim.audio.convert import to_int16
from recsim.errors import InvalidAudioError

TRACKS: tuple[str, ...] = ("inbound", "outbound", "both")
CHANNEL_LAYOUTS: tuple[str, ...] = ("mono", "dual")

__all__ = ["CHANNEL_LAYOUTS", "TRACKS", "compose", "downmix", "interleave", "mix"]


def downmix(x: np.ndarray) -> np.ndarray:
    """Downmix a dual-channel recording to one channel: the saturated sum.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples, 2)`` int16 PCM.

    Returns
    -------
    numpy.ndarray
        ``(n_samples,)`` int16: ``clip(x[:, 0] + x[:, 1], -32768, 32767)``. Never wraps
        around, never averages (one silent party leaves the other's level unchanged).
        A ``(n_samples,)`` input is returned unchanged (already one channel).

    Raises
    ------
    InvalidAudioError
        Not int16, or not ``(n,)`` / ``(n, 2)``.

    Notes
    -----
    Used for mono recordings of track ``both`` and for ``RequestedChannels=1``
    (002_9f1cb9403e12b7f0.txt, "Download dual-channel media file").
    """
    x = valid_audio(x, name="x")
    if x.ndim == 1:
        return x
    out = np.empty(x.shape[0], dtype=np.int16)
    _kernels.downmix_interleaved(x.reshape(-1), out)
    return out


def interleave(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two one-channel streams as one dual-channel array (``first`` on channel 1).

    Parameters
    ----------
    first, second : numpy.ndarray
        ``(n_samples,)`` int16 each, the same length (trusted: not validated; any
        strides, fastest contiguous).

    Returns
    -------
    numpy.ndarray
        A new C-contiguous ``(n_samples, 2)`` int16: ``out[:, 0] == first`` and
        ``out[:, 1] == second``; one pass over the samples (numpy's copy into each
        strided column is ~5x slower).
    """
    n = first.shape[0]
    out = np.empty((n, 2), dtype=np.int16)
    low, high = (first, second) if sys.byteorder == "little" else (second, first)
    _kernels.interleave_pairs(low, high, out.reshape(-1).view(np.uint32))
    return out


def mix(streams: list[np.ndarray] | tuple[np.ndarray, ...]) -> np.ndarray:
    """Sum several one-channel streams of equal length, saturated once to int16.

    Parameters
    ----------
    streams : sequence of numpy.ndarray
        One or more ``(n_samples,)`` int16 arrays, all the same length.

    Returns
    -------
    numpy.ndarray
        ``(n_samples,)`` int16, ``clip(sum(streams), -32768, 32767)``.

    Raises
    ------
    InvalidAudioError
        No stream, a stream that is not ``(n,)`` int16, or lengths that differ.
    """
    if len(streams) == 0:
        raise InvalidAudioError("streams: expected at least one (n_samples,) int16 stream, got none")
    arrays = [valid_audio(s, name=f"streams[{i}]", channels=(1,)) for i, s in enumerate(streams)]
    n = arrays[0].shape[0]
    for i, a in enumerate(arrays):
        if a.shape[0] != n:
            raise InvalidAudioError(
                f"streams[{i}]: length {a.shape[0]} differs from streams[0] length {n}; "
                "every stream must have the same number of samples"
            )
    if len(arrays) == 1:
        return arrays[0].copy()
    if len(arrays) == 2:
        out = np.empty(n, dtype=np.int16)
        _kernels.saturating_add(arrays[0], arrays[1], out)
        return out
    acc = np.zeros(n, dtype=np.int32)
    for a in arrays:
        acc += a
    return to_int16(acc)


def compose(
    inbound: np.ndarray, outbound: np.ndarray, *, track: str = "both", channels: str = "dual"
) -> np.ndarray:
    """Compose a recording from a call leg's inbound and outbound streams.

    Parameters
    ----------
    inbound : numpy.ndarray
        ``(n_samples,)`` int16, the audio the platform receives from the leg (parent).
    outbound : numpy.ndarray
        ``(n_samples,)`` int16, the audio the platform sends to the leg (the child's
        voice in a ``<Dial>``, prompts, beeps). Same length as ``inbound``.
    track : {"inbound", "outbound", "both"}
        Which streams to record (000 ``track``, 002 ``recording_track``).
    channels : {"mono", "dual"}
        Layout of a ``both`` recording: ``dual`` puts inbound on channel 1 and outbound
        on channel 2; ``mono`` is their :func:`downmix`. A one-track recording always
        has one channel.

    Returns
    -------
    numpy.ndarray
        ``(n_samples, 2)`` int16 for ``both`` + ``dual``; ``(n_samples,)`` int16 otherwise.
        Always a new array.

    Raises
    ------
    InvalidAudioError
        Bad arrays, different lengths, or a ``track`` / ``channels`` value not allowed.
    """
    inbound = valid_audio(inbound, name="inbound", channels=(1,))
    outbound = valid_audio(outbound, name="outbound", channels=(1,))
    if inbound.shape[0] != outbound.shape[0]:
        raise InvalidAudioError(
            f"outbound: length {outbound.shape[0]} differs from inbound length "
            f"{inbound.shape[0]}; both streams must cover the same span"
        )
    if track not in TRACKS:
        raise InvalidAudioError(f"track: {track!r} is not allowed; expected one of {TRACKS}")
    if channels not in CHANNEL_LAYOUTS:
        raise InvalidAudioError(
            f"channels: {channels!r} is not allowed; expected one of {CHANNEL_LAYOUTS}"
        )
    if track == "inbound":
        return inbound.copy()
    if track == "outbound":
        return outbound.copy()
    if channels == "dual":
        return interleave(inbound, outbound)
    out1 = np.empty(inbound.shape[0], dtype=np.int16)
    _kernels.saturating_add(inbound, outbound, out1)
    return out1
