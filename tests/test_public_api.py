"""The public API: sorted, complete ``__all__`` and documented public functions."""

from __future__ import annotations

import inspect

import pytest

import recsim
import recsim.audio
import recsim.sim
import recsim.twiml


@pytest.mark.parametrize("module", [recsim, recsim.audio, recsim.twiml, recsim.sim])
def test_all_is_sorted_and_complete(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert len(set(names)) == len(names)  # the order itself is ruff's RUF022 (isort-style sort)
    public = {n for n, v in vars(module).items()
              if not n.startswith("_") and not inspect.ismodule(v) and n not in ("annotations",)}
    assert public - {"__version__"} <= set(names) | {"__version__"}


@pytest.mark.parametrize("module", [recsim, recsim.audio, recsim.twiml, recsim.sim])
def test_every_public_function_and_class_has_a_docstring(module: object) -> None:
    for name in module.__all__:  # type: ignore[attr-defined]
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name


def test_audio_functions_state_errors_and_shapes() -> None:
    """Array functions of the core document shapes/dtypes and what they raise."""
    for name in ("downmix", "compose", "silence_bounds", "trim_silence", "find_silence_timeout", "encode_wav",
                 "encode_mp3", "silent_frames", "frame_rms_dbfs", "detect_dtmf"):
        doc = getattr(recsim.audio, name).__doc__
        assert "int16" in doc and "Raises" in doc, name
