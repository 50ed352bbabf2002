"""The exception tree of recsim.

Every error recsim raises derives from :class:`RecsimError` and also from the
builtin that matches it, so ``except ValueError`` keeps working::

    RecsimError
    ├── InvalidAudioError(ValueError)      bad array, dtype, shape, rate, NaN, argument
    ├── AudioFileError(OSError)            unreadable or unsupported audio file
    ├── ScenarioError(ValueError)          invalid scenario file or field
    ├── TwimlError(ValueError)             invalid TwiML document
    ├── SimulationError(RuntimeError)      a call flow that cannot go on (TwiML loop)
    ├── OutputError(OSError)               the output folder: held by another run, stale or
    │                                      corrupt shards, not writable, full
    ├── ClusterError(ConnectionError)      the Dask scheduler cannot be reached
    ├── MissingExtraError(ImportError)     an optional dependency is not installed; names
    │                                      the extra (pip install 'recsim[plot]')
    └── ApiError                           a Twilio REST error: code, HTTP status
        ├── NotFoundError(LookupError)     20404
        └── InvalidRequestError(ValueError) 21220, 16108, 16114, 16113, ...

This module imports nothing and is the one module every layer may import. It also
holds the one formatter of validation errors, :func:`validation_problems` (scenario
files, REST forms and request bodies all validate with pydantic).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

__all__ = [
    "MAX_PROBLEMS",
    "MAX_SHOWN",
    "ApiError",
    "AudioFileError",
    "ClusterError",
    "InvalidAudioError",
    "InvalidRequestError",
    "MissingExtraError",
    "NotFoundError",
    "OutputError",
    "RecsimError",
    "ScenarioError",
    "SimulationError",
    "TwimlError",
    "ValidationErrorLike",
    "did_you_mean",
    "problem_message",
    "short_repr",
    "validation_problems",
]

#: The most characters of a value shown in an error message.
MAX_SHOWN = 80
#: The most problems listed in one error (the rest are counted).
MAX_PROBLEMS = 20


class RecsimError(Exception):
    """Root of every error raised by recsim."""


class InvalidAudioError(RecsimError, ValueError):
    """An audio argument has the wrong dtype, shape, rate or value.

    The message names the argument, the value received and what is allowed.
    """


class AudioFileError(RecsimError, OSError):
    """An audio file is missing, unreadable or of an unsupported format."""


class ScenarioError(RecsimError, ValueError):
    """A scenario is invalid: the message names the file, the field path, the value
    and the allowed values."""


class TwimlError(RecsimError, ValueError):
    """A TwiML document is invalid: the message names the document, the element,
    the attribute, the value and the allowed values."""


class SimulationError(RecsimError, RuntimeError):
    """A call flow cannot continue (for example a ``<Record>`` loop without action)."""


class OutputError(RecsimError, OSError):
    """The output folder cannot take this run: it holds another run (or files recsim
    did not write), a resumed shard's fingerprint differs, a shard file is corrupt, or the
    folder is not writable or full. The message says what differs and how to start over.
    """


class ClusterError(RecsimError, ConnectionError):
    """A Dask scheduler cannot be reached (the message names the address)."""


class MissingExtraError(RecsimError, ImportError):
    """A feature needs an optional dependency that is not installed.

    Subclasses :class:`ImportError`, so ``except ImportError`` keeps working. The
    message names the feature, the extra and the pip command that installs it
    (raised by ``recsim._extras.require``).
    """


class ApiError(RecsimError):
    """A Twilio REST API error.

    Parameters
    ----------
    code : int
        Twilio error code (for example 20404, 16108).
    message : str
        Human readable message.
    status : int
        HTTP status code of the response that carries the error.
    """

    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    @property
    def more_info(self) -> str:
        """Link to the error in Twilio's error dictionary."""
        return f"https://www.twilio.com/docs/errors/{self.code}"

    def to_dict(self) -> dict[str, object]:
        """Render as Twilio's error body ``{code, message, more_info, status}``."""
        return {
            "code": self.code,
            "message": self.message,
            "more_info": self.more_info,
            "status": self.status,
        }


class NotFoundError(ApiError, LookupError):
    """The resource does not exist (Twilio 20404, HTTP 404)."""

    def __init__(self, message: str, code: int = 20404) -> None:
        super().__init__(code, message, status=404)


class InvalidRequestError(ApiError, ValueError):
    """The request is not valid for the resource's state (HTTP 400)."""


# ------------------------------------------------------------------ validation errors
class ValidationErrorLike(Protocol):
    """What :func:`validation_problems` reads of an error: ``pydantic.ValidationError``
    (this module imports nothing, so the type is structural)."""

    def errors(self) -> list[Any]:
        """The problems, each a mapping with ``loc``, ``msg``, ``type`` and ``input``."""
        ...


def short_repr(value: Any, limit: int = MAX_SHOWN) -> str:
    """``repr(value)`` cut to ``limit`` characters, saying how long it was.

    Examples
    --------
    >>> short_repr("x" * 100, 10)
    "'xxxxxxxxx... (102 characters)"
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


def problem_message(error: Mapping[str, Any], loc: tuple[str | int, ...] = ()) -> str:
    """``message (got value)`` of one pydantic error: the value cut to ``MAX_SHOWN``
    characters, a mapping shown as ``{...}``. ``loc`` is unused (the signature of an
    ``explain`` hook of :func:`validation_problems`)."""
    value = error.get("input")
    shown = "{...}" if isinstance(value, dict) else short_repr(value)
    return f"{error['msg']} (got {shown})"


def validation_problems(
    err: ValidationErrorLike,
    *,
    prefix: Iterable[str | int] = (),
    drop: Iterable[str] = (),
    explain: Callable[[Mapping[str, Any], tuple[str | int, ...]], str] | None = None,
    limit: int = MAX_PROBLEMS,
) -> list[str]:
    """The one formatter of validation errors: a line ``path.to.field: message (got
    value)`` per problem, used for scenario files, REST forms and request bodies.

    Parameters
    ----------
    err : pydantic.ValidationError
        Anything with ``errors()`` returning pydantic's error mappings.
    prefix : iterable of str or int
        Path parts put before each error's ``loc`` (``("traffic",)`` for a section
        validated on its own).
    drop : iterable of str
        ``loc`` parts left out of the path (tags of a discriminated union such as
        ``create``); pydantic's ``function-...`` validator parts are always left out.
    explain : callable, optional
        ``explain(error, loc) -> str`` writes the text after ``path:`` (``loc`` without
        ``prefix``), for schema-aware hints; default :func:`problem_message`.
    limit : int
        The most problems listed; a last line counts the rest
        (``... and 3 more problems``).

    Returns
    -------
    list of str
        At least one line when ``err`` holds a problem; the path is ``(top)`` for the
        document itself.
    """
    errors = err.errors()
    head = tuple(prefix)
    left_out = set(drop)
    describe = explain or problem_message
    lines = []
    for e in errors[:limit]:
        loc = head + tuple(p for p in e["loc"] if not (isinstance(p, str) and (p in left_out
                                                                             or p.startswith("function-"))))
        lines.append(f"{'.'.join(str(p) for p in loc) or '(top)'}: {describe(e, loc[len(head):])}")
    if len(errors) > limit:
        lines.append(f"... and {len(errors) - limit} more problems")
    return lines


def did_you_mean(name: str, allowed: Iterable[str]) -> str:
    """``"did you mean 'x'? "`` for the allowed name closest to a refused one (same
    letters in another case, a close spelling, or a name it starts), or ``""``.

    Used by every message that refuses a name: scenario keys, TwiML attributes.
    """
    names = list(allowed)
    low = name.lower()
    close = ([a for a in names if a.lower() == low] or difflib.get_close_matches(name, names, n=1)
             or [a for a in names if low and a.lower().startswith(low)][:1])
    return f"did you mean {close[0]!r}? " if close else ""
