"""The frame kernels of trim-silence and the ``<Record timeout>`` scan
(recsim.audio._kernels: first_loud_frame, silent_frame_mask, silence_run) classify every
frame exactly as a plain numpy int64 sum of squares does, on arbitrary int16 audio whose
frames sit at, just under and just over the silence threshold (mono and dual, partial
last frames, any frame length)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.audio import _kernels


def _loud_reference(x: np.ndarray, frame: int, amp2: float, whole_only: bool) -> np.ndarray:
    """Per frame: True when a channel's int64 sum of squares is >= len * amp2."""
    x2 = (x if x.ndim == 2 else x[:, None]).astype(np.int64)
    n = x2.shape[0]
    n_frames = n // frame if whole_only else -(-n // frame)
    out = np.zeros(n_frames, dtype=bool)
    for i in range(n_frames):
        part = x2[i * frame : min((i + 1) * frame, n)]
        out[i] = bool(((part * part).sum(axis=0) >= part.shape[0] * amp2).any())
    return out


@st.composite
def near_threshold(draw: st.DrawFn) -> tuple[np.ndarray, int, float]:
    """(audio, frame, amp2): frames of constant-magnitude samples whose mean square is
    amp2 or one step either side, plus random and full-scale frames."""
    frame = draw(st.sampled_from([1, 7, 80, 160]))
    amp = draw(st.integers(1, 3000))
    amp2 = float(amp * amp)
    channels = draw(st.sampled_from([1, 2]))
    n_frames = draw(st.integers(0, 30))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(n_frames * channels):
        kind = draw(st.sampled_from(["at", "under", "over", "random", "full"]))
        if kind == "random":
            parts.append(rng.integers(-32768, 32768, frame))
        elif kind == "full":
            parts.append(np.full(frame, -32768))
        else:
            mag = amp + {"at": 0, "under": -1, "over": 1}[kind]
            parts.append(rng.choice([-1, 1], frame) * mag)
    flat = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    x = flat.reshape(n_frames, channels, frame).transpose(0, 2, 1).reshape(-1, channels)
    x = x[: x.shape[0] - draw(st.integers(0, max(0, frame - 1)))] if x.shape[0] else x
    x = x.astype(np.int16)
    return (x[:, 0] if channels == 1 else np.ascontiguousarray(x)), frame, amp2


@settings(max_examples=200)
@given(near_threshold(), st.integers(1, 12), st.integers(0, 5))
def test_frame_kernels_equal_plain_sums(case: tuple[np.ndarray, int, float], need: int, run: int) -> None:
    x, frame, amp2 = case
    nch = 1 if x.ndim == 1 else 2
    flat = x.reshape(-1)
    loud = _loud_reference(x, frame, amp2, whole_only=False)
    np.testing.assert_array_equal(_kernels.silent_frame_mask(flat, nch, frame, amp2), ~loud)
    last = loud.shape[0] - 1
    forward = int(np.argmax(loud)) if loud.any() else -1
    assert _kernels.first_loud_frame(flat, nch, frame, amp2, 0, last, 1) == forward
    backward = last - int(np.argmax(loud[::-1])) if loud.any() else -1
    assert _kernels.first_loud_frame(flat, nch, frame, amp2, last, 0, -1) == backward
    whole = _loud_reference(x, frame, amp2, whole_only=True)
    hit, count = -1, run
    for i, is_loud in enumerate(whole):
        count = 0 if is_loud else count + 1
        if count >= need:
            hit = i
            break
    got = _kernels.silence_run(flat, nch, frame, amp2, need, run, np.zeros(0, np.uint8))
    assert got == (hit, count)
