"""Hypothesis strategies for the audio core (one module for all of them)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

FRAME = 80  # 10 ms at 8 kHz

int16_samples = st.integers(min_value=-32768, max_value=32767)


def pcm(max_len: int = 4000, channels: int | None = None) -> st.SearchStrategy[np.ndarray]:
    """Arbitrary int16 audio, (n,) or (n, 2)."""

    @st.composite
    def build(draw: st.DrawFn) -> np.ndarray:
        n = draw(st.integers(0, max_len))
        ch = channels if channels is not None else draw(st.sampled_from([1, 2]))
        shape = (n,) if ch == 1 else (n, 2)
        return draw(arrays(np.int16, shape, elements=int16_samples))

    return build()


@st.composite
def on_off_audio(draw: st.DrawFn, channels: int = 1, max_frames: int = 400) -> tuple[np.ndarray, list[bool]]:
    """Audio made of whole 10 ms frames, each either loud or digital silence (or quiet
    noise below -50 dBFS). Returns (audio, loud flags per frame)."""
    n_frames = draw(st.integers(0, max_frames))
    runs = draw(st.lists(st.tuples(st.booleans(), st.integers(1, 120)), max_size=12))
    flags: list[bool] = []
    for loud, length in runs:
        flags.extend([loud] * length)
    flags = (flags + [False] * n_frames)[: max(n_frames, 0)] if flags else [False] * n_frames
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = len(flags) * FRAME
    shape = (n,) if channels == 1 else (n, 2)
    x = np.zeros(shape, dtype=np.int16)
    for i, loud in enumerate(flags):
        sl = slice(i * FRAME, (i + 1) * FRAME)
        if loud:
            amp = draw(st.sampled_from([500, 3000, 20000]))
            if channels == 1:
                x[sl] = rng.integers(-amp, amp, FRAME)
            else:
                ch = draw(st.sampled_from([0, 1, 2]))  # which channel(s) carry the sound
                block = rng.integers(-amp, amp, (FRAME, 2))
                if ch < 2:
                    block[:, 1 - ch] = 0
                x[sl] = block
        else:
            x[sl] = rng.integers(-20, 21, x[sl].shape)  # about -66 dBFS: silent
    return x, flags
