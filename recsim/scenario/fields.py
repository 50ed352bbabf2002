"""Bounds and field types shared by the scenario schema and its traffic section.

Every number is finite. A time inside a call is at most ``MAX_CALL_S`` (86,400 s, the
longest call an account allows); a call's start at most ``MAX_START_S`` (2,592,000 s =
30 days); levels in dBFS are in [-200, 0].
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MAX_CALL_S", "MAX_START_S", "Dbfs", "PositiveSeconds", "Seconds", "Seed", "StartSeconds", "WireModel"]

#: The longest call an account allows (s): the bound of every time inside a call.
MAX_CALL_S = 86_400.0
#: The latest start of a call (s, 30 days after the scenario's epoch).
MAX_START_S = 2_592_000.0

#: Seconds inside a call: finite, in [0, MAX_CALL_S].
Seconds = Annotated[float, Field(ge=0, le=MAX_CALL_S, allow_inf_nan=False)]
#: A positive length inside a call: finite, in (0, MAX_CALL_S].
PositiveSeconds = Annotated[float, Field(gt=0, le=MAX_CALL_S, allow_inf_nan=False)]
#: A call's start: finite, in [0, MAX_START_S].
StartSeconds = Annotated[float, Field(ge=0, le=MAX_START_S, allow_inf_nan=False)]
#: A level in dB relative to full scale: finite, in [-200, 0].
Dbfs = Annotated[float, Field(ge=-200, le=0, allow_inf_nan=False)]
#: A seed of numpy's generators: a non-negative 64-bit integer.
Seed = Annotated[int, Field(ge=0, lt=2**64)]




class WireModel(BaseModel):
    """Base of the scenario's models: unknown keys refused, fields by name or alias,
    frozen."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
