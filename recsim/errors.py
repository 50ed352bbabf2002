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
    └── ApiError                           a Twilio REST error: code, HTTP status
        ├── NotFoundError(LookupError)     20404
        └── InvalidRequestError(ValueError) 21220, 16108, 16114, 16113, ...

This module imports nothing and is the one module every layer may import.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "AudioFileError",
    "ClusterError",
    "InvalidAudioError",
    "InvalidRequestError",
    "NotFoundError",
    "OutputError",
    "RecsimError",
    "ScenarioError",
    "SimulationError",
    "TwimlError",
]


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
