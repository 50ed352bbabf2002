"""The ``recsim`` argument parser: sub-commands run, plot and serve, and the argument
types that check each value (one line naming the value and what is allowed)."""

from __future__ import annotations

import argparse
import math
from typing import Any, NoReturn

from recsim._version import __version__
from recsim.cli.printing import EXIT_INPUT
from recsim.errors import ScenarioError
from recsim.outputs import FORMATS, validate_formats, validate_metadata

__all__ = ["DEFAULT_ACCOUNT", "DESCRIPTION", "EXIT_CODES", "parser"]

#: What ``recsim --help`` says the tool is.
DESCRIPTION = """\
recsim simulates Twilio call recording offline: calls described in a scenario (YAML)
are played through the recording rules of the platform, and you get the recordings
(WAV/MP3), their metadata as the REST API returns it, and every status callback, in
seconds and without a Twilio account.

  recsim run [SCENARIO]     simulate a scenario (default: a bundled example) into --out
  recsim report DIR         write DIR/report.html: a page to browse the recordings of a run
  recsim plot RECORDING     draw one recording's waveform and spans as a PNG
  recsim serve              a local Recordings REST API for the official twilio client

Run `recsim COMMAND --help` for the options of a command.
"""

EXIT_CODES = """exit codes:
  0    success
  2    invalid input: scenario, TwiML or arguments
  3    output folder problem: held by another run, stale or corrupt shards, not writable,
       disk full, --out is a file
  4    a call flow failed at run time; outputs left as they were
  5    the Dask scheduler cannot be reached
  130  interrupted (Ctrl-C); outputs left as they were: run the same command again to resume
"""


def _formats(value: str) -> tuple[str, ...]:
    """``--format``: checked by :func:`recsim.outputs.validate_formats`."""
    try:
        return validate_formats(value)
    except ScenarioError:
        raise argparse.ArgumentTypeError(f"{value!r}: allowed formats are {', '.join(FORMATS)} "
                                         "(comma separated)") from None


def _metadata(value: str) -> tuple[str, ...]:
    """``--metadata json,parquet,words``: the metadata file sets, checked
    (:func:`recsim.outputs.validate_metadata`)."""
    try:
        return validate_metadata(value)
    except ScenarioError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("metadata: ")) from None


def _bounded(cast: type, minimum: float, *, inclusive: bool, allowed: str) -> Any:
    """An argparse type: ``cast(value)`` finite and >= ``minimum`` (``inclusive``) or >
    ``minimum``; otherwise an error "must be {allowed} (got value)"."""

    def parse(value: str) -> Any:
        try:
            x = cast(value)
        except ValueError:
            x = None
        if x is None or not math.isfinite(x) or (x < minimum if inclusive else x <= minimum):
            raise argparse.ArgumentTypeError(f"must be {allowed} (got {value!r})")
        return x

    return parse


_positive_int = _bounded(int, 1, inclusive=True, allowed="a positive integer")  # workers, calls per shard
_count = _bounded(int, 0, inclusive=True, allowed="an integer >= 0")  # retries
_positive_float = _bounded(float, 0, inclusive=False, allowed="a finite number > 0")  # speed, seconds


def _port(value: str) -> int:
    """A TCP port, 1 to 65535."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535 (got {value!r})")
    return n


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: the problem and where to look."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE (see PROG --help)`` on stderr and exit 2."""
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _account(value: str) -> tuple[str, str]:
    sid, sep, token = value.partition(":")
    if not sep or not token or len(sid) != 34 or not sid.startswith("AC"):
        raise argparse.ArgumentTypeError(f"{value!r}: expected ACCOUNT_SID:AUTH_TOKEN (AC + 32 hex characters)")
    return sid, token


DEFAULT_ACCOUNT = ("AC" + "0" * 32, "recsim")


def _verbosity(parser: argparse.ArgumentParser, default: Any) -> None:
    """``-q`` and ``-v``, accepted before and after the sub-command."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", default=default,
                       help="print nothing but errors")
    group.add_argument("-v", "--verbose", action="store_true", default=default,
                       help="print more detail (every warning, server requests)")


def _sub(sub: argparse._SubParsersAction, name: str, help: str) -> argparse.ArgumentParser:
    """A sub-command parser with the exit codes, ``-q`` and ``-v``."""
    p = sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".", epilog=EXIT_CODES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _verbosity(p, argparse.SUPPRESS)
    return p


def parser() -> argparse.ArgumentParser:
    """The ``recsim`` argument parser (its sub-commands run, report, plot, serve)."""
    parser = _Parser(prog="recsim", description=DESCRIPTION, epilog=EXIT_CODES,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"recsim {__version__}")
    _verbosity(parser, False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _run_parser(sub)
    p_rep = _sub(sub, "report", "write a run's HTML report: summary, recordings, timelines, audio, callbacks")
    p_rep.add_argument("dir", help="output folder of a finished run (recsim run --out DIR)")
    p_rep.add_argument("--html", help="where to write it (default DIR/report.html; media links are relative to DIR)")
    p_plot = _sub(sub, "plot", "draw a recording: waveform and spans on the simulated time axis")
    p_plot.add_argument("recording", help="RecordingSid, or the path of its media file DIR/media/RE....wav")
    p_plot.add_argument("--dir", help="output folder of the run (default: from the media path, or recsim-out)")
    p_plot.add_argument("--png", help="where to write the PNG (default DIR/plots/{RecordingSid}.png)")
    _serve_parser(sub)
    return parser


def _run_parser(sub: argparse._SubParsersAction) -> None:
    p_run = _sub(sub, "run", "simulate a scenario: recordings, metadata, callbacks")
    p_run.add_argument("scenario", nargs="?", help="scenario YAML (default: the bundled default scenario)")
    p_run.add_argument("--out", default="recsim-out",
                       help="output folder, or an fsspec URL: s3://bucket/prefix, gs://, abfs://, memory:// "
                            "(a batch; recsim[s3]) (default: recsim-out)")
    p_run.add_argument("--format", type=_formats, default=("wav",),
                       help="media formats, comma separated: wav, mp3 (default: wav)")
    p_run.add_argument("--plot", action="store_true", help="also draw DIR/plots/{RecordingSid}.png and summary.png")
    p_run.add_argument("--report", action="store_true", help="also write DIR/report.html (see recsim report)")
    p_run.add_argument("--workers", type=_positive_int, default=1,
                       help="worker processes (a batch in shards; resumable)")
    p_run.add_argument("--dask", metavar="ADDRESS", help="run the shards on a Dask scheduler (tcp://host:8786)")
    p_run.add_argument("--shard-calls", type=_positive_int, default=200,
                       help="calls per shard of a batch (default 200); the last 2 x SHARD_CALLS traffic calls "
                            "go in shards a quarter that size, so the workers finish together")
    p_run.add_argument("--overwrite", action="store_true",
                       help="replace the outputs of another run in --out (only files recsim wrote are removed)")
    p_run.add_argument("--media", choices=("files", "none"), default="files",
                       help="none: compute every recording (trim, durations) but write no media (a batch)")
    p_run.add_argument("--metadata", type=_metadata, default=("json",),
                       help="metadata files, comma separated: json, parquet (recsim[parquet]), words (words.jsonl: "
                            "every word each recording captured) (default: json)")


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    p_srv = _sub(sub, "serve", "local Recordings REST API that the official twilio client can drive, "
                 "with a console at /console")
    p_srv.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p_srv.add_argument("--port", type=_port, default=8080, help="port, 1 to 65535 (default 8080)")
    p_srv.add_argument("--clock", choices=("realtime", "manual"), default="realtime",
                       help="simulated time follows wall time x speed, or moves by POST /recsim/clock/advance")
    p_srv.add_argument("--speed", type=_positive_float, default=1.0,
                       help="simulated seconds per wall second (realtime; > 0)")
    p_srv.add_argument("--db", default=":memory:", help="SQLite file for metadata (default in memory)")
    p_srv.add_argument("--media-dir", help="folder of media files (default: a temporary folder removed on exit "
                       "with the in-memory database, recsim-media with --db FILE)")
    p_srv.add_argument("--scenario", help="scenario YAML giving parties, apps, account settings, configurations")
    p_srv.add_argument("--account", type=_account, action="append",
                       help="ACCOUNT_SID:AUTH_TOKEN (repeatable; default AC000...0:recsim)")
    p_srv.add_argument("--no-media-auth", action="store_true", help="serve media without HTTP Basic auth")
    p_srv.add_argument("--webhook-timeout", type=_positive_float, default=5.0,
                       help="seconds per webhook request (> 0)")
    p_srv.add_argument("--webhook-retries", type=_count, default=2,
                       help="retries of a failed status callback (>= 0)")
