"""Recording media codecs: WAV (RIFF PCM 16-bit) and MP3 (Layer III, 32 kbps CBR).

Source: 002_9f1cb9403e12b7f0.txt, "Fetch a Recording's media file": "WAV files have a
bitrate of 128kbps" (8000 Hz x 16 bit per channel) and "MP3 files have a bitrate of
32kbps".

MP3 is encoded with LAME (PyPI ``lameenc``, which ships the encoder: no ffmpeg) and
prefixed with a LAME "Info" frame that records the frame count and the encoder delay and
padding, so gapless decoders (mpg123, used by libsndfile / soundfile) and tag readers
(mutagen) give back the exact number of samples. MP3 decoding uses ``soundfile``.
"""

from __future__ import annotations

import io
import struct

import lameenc
import numpy as np
import soundfile as sf

from recsim.audio._validate import SAMPLE_RATE, valid_audio, valid_rate
from recsim.errors import AudioFileError, InvalidAudioError

__all__ = [
    "MP3_BITRATE_KBPS",
    "MP3_FRAME_SAMPLES",
    "decode_mp3",
    "decode_wav",
    "encode_mp3",
    "encode_wav",
    "wav_parts",
]

#: The MP3 bitrate of recordings (spec 002), kbps.
MP3_BITRATE_KBPS = 32
#: Samples per MP3 frame at 8 kHz (MPEG-2.5 Layer III).
MP3_FRAME_SAMPLES = 576
_LAME_ENC_DELAY = 576
_LAME_QUALITY = 7  # LAME's "fast" psychoacoustics: measured fastest at 32 kbps / 8 kHz


def _channels(x: np.ndarray) -> int:
    return 1 if x.ndim == 1 else int(x.shape[1])


def wav_parts(x: np.ndarray, *, sample_rate: int = SAMPLE_RATE) -> tuple[bytes, memoryview]:
    """A RIFF WAVE file (PCM 16-bit little endian, 8000 Hz) as its two parts, without a
    copy of the samples: the 44-byte header and a view of ``x``'s bytes.

    Written one after the other (``Target.write`` takes both), they are
    :func:`encode_wav`'s bytes; a 10,000-call batch so skips one copy of its 13 GB.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` (1 channel) or ``(n_samples, 2)`` (2 channels, interleaved in
        the file) int16 PCM, C-contiguous (else it is copied once). The view shares its
        memory: do not change ``x`` before the parts are written.
    sample_rate : int
        Must be 8000 Hz: 128 kbps per channel (spec 002).

    Returns
    -------
    header : bytes
        44 bytes.
    data : memoryview
        ``2 * n_samples * channels`` bytes (format ``"B"``).

    Raises
    ------
    InvalidAudioError
        Bad array or rate.
    """
    x = valid_audio(x, name="x")
    rate = valid_rate(sample_rate)
    nch = _channels(x)
    data = np.ascontiguousarray(x.astype("<i2", copy=False)).reshape(-1).data.cast("B")
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        nch,
        rate,
        rate * nch * 2,
        nch * 2,
        16,
        b"data",
        len(data),
    )
    return header, data


def encode_wav(x: np.ndarray, *, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Encode int16 PCM as a RIFF WAVE file (PCM 16-bit little endian, 8000 Hz).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` (1 channel) or ``(n_samples, 2)`` (2 channels, interleaved in
        the file) int16 PCM.
    sample_rate : int
        Must be 8000 Hz: 128 kbps per channel (spec 002).

    Returns
    -------
    bytes
        ``44 + 2 * n_samples * channels`` bytes: :func:`wav_parts` joined.

    Raises
    ------
    InvalidAudioError
        Bad array or rate.
    """
    return b"".join(wav_parts(x, sample_rate=sample_rate))  # one copy of the samples


def decode_wav(data: bytes) -> np.ndarray:
    """Decode a 16-bit PCM 8000 Hz WAV file to int16 samples.

    Parameters
    ----------
    data : bytes
        The file's bytes.

    Returns
    -------
    numpy.ndarray
        ``(n_samples,)`` for mono or ``(n_samples, 2)`` for stereo, int16.

    Raises
    ------
    AudioFileError
        Not a readable WAV file.
    InvalidAudioError
        A WAV that is not 8000 Hz 16-bit PCM with 1 or 2 channels.
    """
    try:
        info = sf.info(io.BytesIO(data))
        y, rate = sf.read(io.BytesIO(data), dtype="int16", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioFileError(f"data: not a readable WAV file ({exc})") from exc
    if info.format != "WAV" or info.subtype != "PCM_16":
        raise InvalidAudioError(
            f"data: {info.format}/{info.subtype} is not allowed; expected WAV/PCM_16"
        )
    valid_rate(rate, name="data sample rate")
    return _unpack_channels(y)


def _unpack_channels(y: np.ndarray) -> np.ndarray:
    if y.shape[1] == 1:
        return np.ascontiguousarray(y[:, 0])
    if y.shape[1] == 2:
        return np.ascontiguousarray(y)
    raise InvalidAudioError(f"data: {y.shape[1]} channels is not allowed; expected 1 or 2")


def _crc16(data: bytes) -> int:
    """CRC-16/ARC (poly 0x8005 reflected), as the LAME tag uses."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _info_frame(first_header: bytes, nch: int, n_frames: int, n_bytes: int,
                delay: int, padding: int) -> bytes:
    """A LAME "Info" (CBR Xing) frame with encoder delay and padding."""
    h = bytearray(first_header)
    h[2] &= 0b11111101  # no padding slot
    frame_bytes = 72 * MP3_BITRATE_KBPS * 1000 // SAMPLE_RATE  # MPEG-2/2.5 layer III
    side_info = 9 if nch == 1 else 17
    frame = bytearray(frame_bytes)
    frame[0:4] = h
    pos = 4 + side_info
    total_frames = n_frames  # audio frames, the Info frame not counted
    total_bytes = n_bytes + frame_bytes
    toc = bytes(min(255, (i * 256) // 100) for i in range(100))
    xing = b"Info" + struct.pack(">III", 0x0F, total_frames, total_bytes) + toc + struct.pack(">I", 0)
    frame[pos : pos + len(xing)] = xing
    pos += len(xing)
    lame = bytearray(36)
    lame[0:9] = b"LAME3.100"
    lame[9] = 0x01  # tag revision 0, CBR
    lame[10] = 40  # lowpass 4 kHz / 100
    lame[20] = MP3_BITRATE_KBPS
    lame[21:24] = bytes([(delay >> 4) & 0xFF, ((delay & 0x0F) << 4) | ((padding >> 8) & 0x0F),
                         padding & 0xFF])
    lame[28:32] = struct.pack(">I", total_bytes)
    frame[pos : pos + 36] = lame
    crc = _crc16(bytes(frame[: pos + 34]))
    frame[pos + 34 : pos + 36] = struct.pack(">H", crc)
    return bytes(frame)


def encode_mp3(x: np.ndarray, *, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Encode int16 PCM as MP3: MPEG-2.5 Layer III, 8000 Hz, exactly 32 kbps CBR.

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 PCM.
    sample_rate : int
        Must be 8000 Hz.

    Returns
    -------
    bytes
        An Info frame followed by ``ceil((n_samples + 576 + 529) / 576)``-ish audio
        frames of 288 bytes each (32 kbps x 72 ms).

    Raises
    ------
    InvalidAudioError
        Bad array or rate.
    """
    x = valid_audio(x, name="x")
    valid_rate(sample_rate)
    nch = _channels(x)
    enc = lameenc.Encoder()
    enc.set_bit_rate(MP3_BITRATE_KBPS)
    enc.set_in_sample_rate(SAMPLE_RATE)
    enc.set_out_sample_rate(SAMPLE_RATE)
    enc.set_channels(nch)
    enc.set_quality(_LAME_QUALITY)
    audio = bytes(enc.encode(x.astype("<i2", copy=False).tobytes())) + bytes(enc.flush())
    if not audio:
        return audio
    frame_bytes = 72 * MP3_BITRATE_KBPS * 1000 // SAMPLE_RATE
    n_frames = len(audio) // frame_bytes
    padding = n_frames * MP3_FRAME_SAMPLES - _LAME_ENC_DELAY - x.shape[0]
    return _info_frame(audio[:4], nch, n_frames, len(audio), _LAME_ENC_DELAY, max(0, padding)) + audio


def decode_mp3(data: bytes) -> np.ndarray:
    """Decode an MP3 file to int16 samples (gapless: encoder delay and padding removed
    when the file carries a LAME tag, as :func:`encode_mp3` writes).

    Parameters
    ----------
    data : bytes
        The file's bytes.

    Returns
    -------
    numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 at the file's rate.

    Raises
    ------
    AudioFileError
        Not a readable MP3 file.
    """
    try:
        y, _rate = sf.read(io.BytesIO(data), dtype="int16", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioFileError(f"data: not a readable MP3 file ({exc})") from exc
    return _unpack_channels(y)
