"""Silence-timeout detection for ``<Record timeout>``.

Source: 001_0ae55e6d7422f5b4.txt ``timeout``: "end the recording after a number of
seconds of silence has passed ... The timeout value applies for a period in which audio
is received, but it is silent. For a period in which no RTP audio data are received at
all, the recording is essentially unaware of silent periods".

recsim's rule (docs/semantics.md): the timeout fires at the end of the frame that
completes ``ceil(timeout_s * rate / frame)`` consecutive silent frames. Frames that
touch a *no media* span neither count nor break the run (the recording does not contain
them, so the silence on both sides of a gap is one silence in the recording).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recsim.audio import _kernels
from recsim.audio._validate import (
    SAMPLE_RATE,
    frame_length,
    sumsq_threshold,
    valid_audio,
    valid_dbfs,
    valid_seconds,
)
from recsim.audio.silence import DEFAULT_FRAME_S, DEFAULT_THRESHOLD_DBFS
from recsim.errors import InvalidAudioError

__all__ = ["SilenceTimeoutScanner", "find_silence_timeout"]

_EMPTY_MASK = np.zeros(0, dtype=np.uint8)


def _valid_spans(no_media: Sequence[tuple[int, int]] | np.ndarray | None) -> np.ndarray:
    if no_media is None:
        return np.zeros((0, 2), dtype=np.int64)
    spans = np.asarray(no_media, dtype=np.float64)
    if spans.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if spans.ndim != 2 or spans.shape[1] != 2 or not np.all(np.isfinite(spans)):
        raise InvalidAudioError(
            f"no_media: expected (start, stop) sample index pairs, got shape {spans.shape}"
        )
    if np.any(spans[:, 1] < spans[:, 0]) or np.any(spans < 0):
        raise InvalidAudioError("no_media: every span needs 0 <= start <= stop (sample indices)")
    return spans.astype(np.int64)


class SilenceTimeoutScanner:
    """Find a silence timeout in audio fed chunk by chunk (carried state).

    Parameters
    ----------
    timeout_s : float
        Seconds of continuous silence that end the recording; > 0 (``timeout="0"``
        disables the timeout in ``<Record>``: do not scan at all then).
    threshold_dbfs : float
        Silence level (RMS strictly below it in every channel), default -50 dBFS.
    frame_s : float
        Frame length in seconds, default 0.01.
    sample_rate : int
        Hz, default 8000.
    no_media : sequence of (int, int), optional
        Sample spans ``[start, stop)`` of the whole stream (absolute, from the first
        sample ever fed) in which no RTP arrives.

    Attributes
    ----------
    hit : int or None
        Absolute sample index at which the timeout fired, once it has.
    consumed : int
        Samples fed so far.

    Raises
    ------
    InvalidAudioError
        ``timeout_s`` <= 0 or NaN, bad threshold, frame or spans.
    """

    def __init__(
        self,
        *,
        timeout_s: float,
        threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
        frame_s: float = DEFAULT_FRAME_S,
        sample_rate: int = SAMPLE_RATE,
        no_media: Sequence[tuple[int, int]] | np.ndarray | None = None,
    ) -> None:
        t = valid_seconds(timeout_s, name="timeout_s", minimum=0.0, allow_minimum=False)
        self.frame = frame_length(frame_s, sample_rate)
        self.need = max(1, -(-round(t * sample_rate) // self.frame))
        self.amp2 = sumsq_threshold(valid_dbfs(threshold_dbfs), 1)
        self.spans = _valid_spans(no_media)
        self.run = 0
        self.consumed = 0
        self.hit: int | None = None
        self._pending: np.ndarray | None = None  # < one frame of samples
        self._nch = 0

    def _mask(self, first_frame: int, n_frames: int) -> np.ndarray:
        if self.spans.shape[0] == 0 or n_frames == 0:
            return _EMPTY_MASK
        starts = (first_frame + np.arange(n_frames, dtype=np.int64)) * self.frame
        ends = starts + self.frame
        mask = np.zeros(n_frames, dtype=np.uint8)
        for a, b in self.spans:
            if b > a:
                mask |= (starts < b) & (ends > a)
        return mask

    def _scan(self, flat: np.ndarray, first_frame: int) -> int | None:
        n_frames = (flat.shape[0] // self._nch) // self.frame
        mask = self._mask(first_frame, n_frames)
        idx, self.run = _kernels.silence_run(
            flat, self._nch, self.frame, self.amp2, self.need, self.run, mask
        )
        if idx >= 0:
            return (first_frame + int(idx) + 1) * self.frame
        return None

    def feed(self, chunk: np.ndarray) -> int | None:
        """Scan the next ``chunk`` of the stream.

        Parameters
        ----------
        chunk : numpy.ndarray
            ``(n,)`` or ``(n, 2)`` int16, the samples that follow the previous chunk
            (same channel count every time).

        Returns
        -------
        int or None
            Absolute sample index (from the first sample ever fed) where the timeout
            fired, or None if it has not yet. Once fired, every later call returns the
            same index without reading.

        Raises
        ------
        InvalidAudioError
            Bad array, or a channel count different from earlier chunks.
        """
        if self.hit is not None:
            return self.hit
        chunk = valid_audio(chunk, name="chunk")
        nch = 1 if chunk.ndim == 1 else 2
        if self._nch == 0:
            self._nch = nch
        elif nch != self._nch:
            raise InvalidAudioError(
                f"chunk: {nch} channel(s) after earlier chunks of {self._nch}; "
                "feed one channel layout"
            )
        frame = self.frame
        pos = self.consumed  # absolute index of chunk[0]
        self.consumed += chunk.shape[0]
        data = chunk
        if self._pending is not None:
            fill = frame - self._pending.shape[0]
            head = np.concatenate([self._pending, data[:fill]])
            data = data[fill:]
            pos += min(fill, chunk.shape[0])
            if head.shape[0] < frame:
                self._pending = head
                return None
            self._pending = None
            self.hit = self._scan(head.reshape(-1), (pos - frame) // frame)
            if self.hit is not None:
                return self.hit
        whole = (data.shape[0] // frame) * frame
        if whole:
            self.hit = self._scan(data[:whole].reshape(-1), pos // frame)
            if self.hit is not None:
                return self.hit
        rest = data[whole:]
        self._pending = rest.copy() if rest.shape[0] else None
        return None


def find_silence_timeout(
    x: np.ndarray,
    *,
    timeout_s: float,
    threshold_dbfs: float = DEFAULT_THRESHOLD_DBFS,
    frame_s: float = DEFAULT_FRAME_S,
    sample_rate: int = SAMPLE_RATE,
    no_media: Sequence[tuple[int, int]] | np.ndarray | None = None,
) -> int | None:
    """First sample at which ``timeout_s`` seconds of continuous silent frames elapsed.

    Reads frames only up to the hit. Same answer as feeding ``x`` in any chunks to a
    :class:`SilenceTimeoutScanner` (this function is one feed of one).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n_samples,)`` or ``(n_samples, 2)`` int16 PCM, the audio after capture start.
    timeout_s : float
        Seconds of silence, > 0.
    threshold_dbfs, frame_s, sample_rate
        Silence rule, as :func:`recsim.audio.silent_frames`.
    no_media : sequence of (int, int), optional
        Sample spans ``[start, stop)`` without RTP; frames touching them do not count.

    Returns
    -------
    int or None
        Sample index (a frame end, <= n_samples) or None when the timeout never fires.

    Raises
    ------
    InvalidAudioError
        Bad array, negative / zero / NaN ``timeout_s``, bad threshold, frame or spans.

    Examples
    --------
    >>> import numpy as np
    >>> find_silence_timeout(np.zeros(80_000, np.int16), timeout_s=5.0)
    40000
    """
    scanner = SilenceTimeoutScanner(
        timeout_s=timeout_s,
        threshold_dbfs=threshold_dbfs,
        frame_s=frame_s,
        sample_rate=sample_rate,
        no_media=no_media,
    )
    return scanner.feed(x)
