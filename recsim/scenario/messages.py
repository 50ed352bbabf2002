"""Scenario error messages: one line per problem, ``source: path.to.field: message
(got value)`` (:func:`recsim.errors.validation_problems`), values cut to 80 characters;
an unknown key lists the allowed keys ("did you mean"), a non-finite number its range."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from recsim.errors import ScenarioError, did_you_mean, problem_message, validation_problems
from recsim.scenario.schema import Scenario

__all__ = ["format_error"]


def _members(t: Any) -> list[Any]:
    """The types an annotation may hold: ``Annotated`` and ``Optional`` / unions unwrapped."""
    if get_origin(t) is Annotated:
        return _members(get_args(t)[0])
    if get_origin(t) in (Union, types.UnionType):
        return [m for a in get_args(t) for m in _members(a)]
    return [] if t is type(None) else [t]


def _step(t: Any, part: str | int) -> Any:
    """The type at ``part`` (a field name or alias, a list index, a dict key or a union tag) of ``t``."""
    for m in _members(t):
        if isinstance(m, type) and issubclass(m, BaseModel) and isinstance(part, str):
            for name, f in m.model_fields.items():
                if part in (name, f.alias):
                    return f.annotation
            if any(part in get_args(f.annotation) for f in m.model_fields.values()):
                return m  # the tag of a discriminated union (rest.update)
        elif get_origin(m) is list and isinstance(part, int):
            return get_args(m)[0]
        elif get_origin(m) is dict and isinstance(part, str):
            return get_args(m)[1]
    return None


def _allowed_keys(root: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys a mapping at ``loc`` accepts (wire names), or [] when unknown."""
    t: Any = root
    for part in loc:
        t = _step(t, part)
    models = [m for m in _members(t) if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(models) != 1:
        return []
    return [f.alias or name for name, f in models[0].model_fields.items() if not f.exclude]


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else str(x)


def _range(root: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """``allowed: 0 to 86400`` for the number field at ``loc``, or "" when unknown."""
    t: Any = root
    for part in loc[:-1]:
        t = _step(t, part)
    for m in _members(t):
        if isinstance(m, type) and issubclass(m, BaseModel):
            field = next((f for n, f in m.model_fields.items() if loc[-1] in (n, f.alias)), None)
            if field is not None:
                ops = {"Ge": ">=", "Gt": ">", "Le": "<=", "Lt": "<"}
                parts = [f"{ops[type(c).__name__]} {_num(getattr(c, type(c).__name__.lower()))}"
                         for c in field.metadata if type(c).__name__ in ops]
                return "; allowed: finite numbers" + (" " + " and ".join(parts) if parts else "")
    return ""


def _unknown_key(root: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """``unknown field; did you mean 'x'? allowed: a, b, c`` for an extra key at ``loc``."""
    allowed = _allowed_keys(root, loc[:-1])
    if not allowed:
        return "Extra inputs are not permitted: unknown field"
    hint = did_you_mean(str(loc[-1]), allowed)
    return f"Extra inputs are not permitted: unknown field; {hint}allowed: {', '.join(allowed)}"


def _explainer(root: type[BaseModel]) -> Any:
    """The ``explain`` hook of :func:`recsim.errors.validation_problems` for ``root``:
    an unknown key lists the allowed keys ("did you mean"), a non-finite number its range."""

    def explain(e: Any, loc: tuple[str | int, ...]) -> str:
        if e["type"] == "extra_forbidden":
            return _unknown_key(root, loc)
        if e["type"] == "finite_number" and loc:
            return problem_message({**e, "msg": e["msg"] + _range(root, loc)})
        return problem_message(e)

    return explain


def format_error(source: str, err: ValidationError, root: type[BaseModel] | None = None,
                  prefix: tuple[str | int, ...] = ()) -> ScenarioError:
    """A ScenarioError of one line per problem (at most ``recsim.errors.MAX_PROBLEMS``, the rest counted)."""
    lines = validation_problems(err, prefix=prefix, explain=_explainer(root or Scenario))
    return ScenarioError("invalid scenario\n" + "\n".join(f"{source}: {line}" for line in lines))
