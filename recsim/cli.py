"""The ``recsim`` command line (argument parsing and printing only).

    recsim run [SCENARIO] [--out DIR] [--format wav,mp3] [--plot] [--workers N | --dask ADDRESS] [--overwrite]
    recsim plot RECORDING [--dir DIR]
    recsim serve [--port 8080] [--clock realtime|manual] [--db FILE] [--account AC...:TOKEN]
    recsim --version

With no SCENARIO, ``run`` uses the bundled default scenario (examples/default.yaml).
``serve`` starts the local REST emulator on 127.0.0.1.

An error prints one line on stderr, ``recsim: error: <cause>; <what to do>`` (an invalid
scenario: one line per problem), never a traceback, and exits with:

====  =====================================================================================
code  meaning
====  =====================================================================================
0     success
2     invalid input: scenario (ScenarioError), TwiML (TwimlError), arguments, any other
      RecsimError
3     output folder problem (OutputError, or an OSError): held by another run, stale or
      corrupt shards, not writable, disk full, ``--out`` is a file
4     a call flow failed at run time (SimulationError); outputs left as they were
5     the Dask scheduler cannot be reached (ClusterError)
130   interrupted (Ctrl-C); outputs left as they were: run the same command again to resume
====  =====================================================================================
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from recsim._version import __version__
from recsim.errors import (
    ClusterError,
    OutputError,
    RecsimError,
    ScenarioError,
    SimulationError,
    TwimlError,
)
from recsim.outputs import FORMATS, validate_formats
from recsim.runner import RunResult, run
from recsim.scenario import Scenario, load_scenario

__all__ = [
    "EXIT_CLUSTER",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_SIMULATION",
    "default_scenario_path",
    "main",
]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_OUTPUT = 3
EXIT_SIMULATION = 4
EXIT_CLUSTER = 5
EXIT_INTERRUPTED = 130

EXIT_CODES = """exit codes:
  0    success
  2    invalid input: scenario, TwiML or arguments
  3    output folder problem: held by another run, stale or corrupt shards, not writable,
       disk full, --out is a file
  4    a call flow failed at run time; outputs left as they were
  5    the Dask scheduler cannot be reached
  130  interrupted (Ctrl-C); outputs left as they were: run the same command again to resume
"""


def default_scenario_path() -> Path:
    """The bundled default scenario: in the installed package, or in the checkout.

    Raises
    ------
    FileNotFoundError
        Neither exists (a broken install).
    """
    pkg = Path(__file__).resolve().parent
    for candidate in (pkg / "_bundled" / "examples" / "default.yaml", pkg.parent / "examples" / "default.yaml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("the bundled default scenario (examples/default.yaml) is missing; reinstall recsim")


def _formats(value: str) -> tuple[str, ...]:
    """``--format``: checked by :func:`recsim.outputs.validate_formats`."""
    try:
        return validate_formats(value)
    except ScenarioError:
        raise argparse.ArgumentTypeError(f"{value!r}: allowed formats are {', '.join(FORMATS)} "
                                         "(comma separated)") from None


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


def _summary(console: Console, result: RunResult, n_calls: int, elapsed: float, simulated: float) -> None:
    table = Table(title=f"{len(result.recordings)} recordings from {n_calls} calls")
    for col in ("RecordingSid", "call", "source", "status", "ch", "track", "duration s", "exact s"):
        table.add_column(col, justify="right" if col in ("call", "ch", "duration s", "exact s") else "left")
    for r in result.recordings[:200]:
        table.add_row(r.sid, str(r.call_index), r.source, r.status + (f" ({r.error_code})" if r.error_code else ""),
                      str(r.channels), r.track, str(r.duration), f"{r.duration_s:.3f}")
    console.print(table)
    if len(result.recordings) > 200:
        console.print(f"... and {len(result.recordings) - 200} more (see recordings.json)")
    speed = simulated / elapsed if elapsed > 0 else float("inf")
    console.print(f"{len(result.events)} events; {simulated:.1f} s of recorded audio in {elapsed:.2f} s "
                  f"({speed:,.0f}x real time)")
    if result.out_dir is not None:
        console.print(f"outputs in {result.out_dir}/: recordings.json, events.jsonl, media/")


def _plots(out: Path, console: Console) -> None:
    import json

    from recsim.audio import decode_wav
    from recsim.plots import plot_recording, plot_summary, read_timelines

    (out / "plots").mkdir(exist_ok=True)
    recordings = json.loads((out / "recordings.json").read_text())
    timelines = read_timelines(out)
    for r in recordings:
        media = out / "media" / f"{r['sid']}.wav"
        if media.is_file():
            plot_recording(decode_wav(media.read_bytes()), timelines[r["sid"]], out / "plots" / f"{r['sid']}.png")
    plot_summary(recordings, out / "plots" / "summary.png")
    console.print(f"plots in {out / 'plots'}/")


def _cmd_batch(args: argparse.Namespace, console: Console, scenario: Scenario, path: Path) -> int:
    from recsim.batch import plan_shards, run_batch

    out = Path(args.out)
    fmts = args.format if "wav" in args.format else ("wav", *args.format)
    t = time.perf_counter()
    with Progress(console=console, transient=True, disable=args.quiet) as bar:
        task = bar.add_task("shards", total=len(plan_shards(scenario, args.shard_calls)))
        res = run_batch(scenario, out, workers=args.workers, formats=fmts, shard_calls=args.shard_calls,
                        dask_address=args.dask, overwrite=args.overwrite,
                        progress=lambda done, total: bar.update(task, completed=done))
    elapsed = time.perf_counter() - t
    if not args.quiet:
        console.print(f"scenario: {path}")
        table = Table(title=f"{res.recordings} recordings from {res.calls} calls")
        table.add_column("by")
        table.add_column("counts")
        for label, d in (("source", res.by_source), ("status", res.by_status), ("channels", res.by_channels),
                         ("absent (error code)", res.absent_by_code)):
            table.add_row(label, ", ".join(f"{k}: {v}" for k, v in d.items()) or "-")
        table.add_row("duration s", ", ".join(f"{k} {v:.1f}" for k, v in res.duration_s.items()))
        console.print(table)
        console.print(f"{res.recorded_audio_s:,.0f} s of recorded audio in {elapsed:.1f} s "
                      f"({res.recorded_audio_s / max(elapsed, 1e-9):,.0f}x real time); shards run "
                      f"{res.shards_run}, resumed {res.shards_skipped}; outputs in {out}/")
    if args.plot:
        _plots(out, console)
    return 0


def _cmd_plot(args: argparse.Namespace, console: Console) -> int:
    from recsim.audio import decode_wav
    from recsim.plots import plot_recording, read_timelines

    target = Path(args.recording)
    sid = target.stem.split(".")[0] if target.suffix else args.recording
    out_dir = Path(args.dir) if args.dir else (target.parent.parent if target.suffix else Path("recsim-out"))
    timelines = read_timelines(out_dir)
    if sid not in timelines:
        raise FileNotFoundError(f"{sid}: not in {out_dir / 'timelines.jsonl'}")
    media = out_dir / "media" / f"{sid}.wav"
    if not media.is_file():
        raise FileNotFoundError(f"{media}: no media (the recording is absent, or its WAV was not written)")
    png = Path(args.png) if args.png else out_dir / "plots" / f"{sid}.png"
    png.parent.mkdir(parents=True, exist_ok=True)
    plot_recording(decode_wav(media.read_bytes()), timelines[sid], png)
    console.print(f"{png}")
    return 0


def _check_out(out: Path) -> None:
    """Refuse at once an ``--out`` that exists and is not a folder.

    Raises
    ------
    OutputError
        ``out`` is a file (or another non-folder).
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: is a file, not a folder; give a folder (it is created if missing)")


def _cmd_run(args: argparse.Namespace, console: Console) -> int:
    _check_out(Path(args.out))
    path = Path(args.scenario) if args.scenario else default_scenario_path()
    scenario = load_scenario(path, expand=False)
    if args.workers > 1 or args.dask or scenario.traffic is not None:
        return _cmd_batch(args, console, scenario, path)
    out = Path(args.out)
    if args.plot and "wav" not in args.format:
        args.format = ("wav", *args.format)
    t = time.perf_counter()
    if len(scenario.calls) > 20 and not args.quiet:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("simulating calls", total=len(scenario.calls))
            result = run(scenario, out_dir=out, formats=args.format, keep_samples=False, overwrite=args.overwrite,
                         progress=lambda done, total: bar.update(task, completed=done))
    else:
        result = run(scenario, out_dir=out, formats=args.format, keep_samples=False, overwrite=args.overwrite)
    elapsed = time.perf_counter() - t
    simulated = sum(r.untrimmed_s for r in result.recordings)
    if not args.quiet:
        console.print(f"scenario: {path}")
        _summary(console, result, len(scenario.calls), elapsed, simulated)
    if args.plot:
        _plots(out, console)
    return 0


def _account(value: str) -> tuple[str, str]:
    sid, sep, token = value.partition(":")
    if not sep or not token or len(sid) != 34 or not sid.startswith("AC"):
        raise argparse.ArgumentTypeError(f"{value!r}: expected ACCOUNT_SID:AUTH_TOKEN (AC + 32 hex characters)")
    return sid, token


DEFAULT_ACCOUNT = ("AC" + "0" * 32, "recsim")


def _cmd_serve(args: argparse.Namespace, console: Console) -> int:
    import uvicorn

    from recsim.server import build

    scenario = load_scenario(args.scenario) if args.scenario else None
    accounts = dict(args.account or [DEFAULT_ACCOUNT])
    app, _backend, sender = build(accounts=accounts, scenario=scenario, db=args.db, media_dir=args.media_dir,
                                 clock=args.clock, speed=args.speed, media_auth=not args.no_media_auth,
                                 webhook_timeout_s=args.webhook_timeout, webhook_retries=args.webhook_retries)
    console.print(f"recsim serve on http://{args.host}:{args.port} ({args.clock} clock); accounts: "
                  + ", ".join(f"{sid}:{token}" for sid, token in accounts.items()))
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")  # type: ignore[arg-type]
    finally:
        sender.close()
    return 0


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def _scenario_message(exc: ScenarioError) -> str:
    """One line for one problem; a short block (one line per problem) for several."""
    lines = str(exc).splitlines()
    if len(lines) == 2 and lines[0] == "invalid scenario":
        return f"{lines[0]}: {lines[1]}"
    return "\n".join(lines)


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}; check the path, its permissions and the free space"


def _failure(exc: BaseException) -> tuple[int, str] | None:
    """The exit status and the message of an exception, or None for a bug (re-raised)."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted; outputs left as they were, run the same command again to resume"
    if isinstance(exc, ScenarioError):
        return EXIT_INPUT, f"error: {_scenario_message(exc)}"
    if isinstance(exc, OutputError):
        return EXIT_OUTPUT, f"error: {_one_line(str(exc))}"
    if isinstance(exc, SimulationError):
        return EXIT_SIMULATION, (f"error: a call flow failed: {_one_line(str(exc))}; outputs left as they were "
                                 "(fix the scenario and run again)")
    if isinstance(exc, ClusterError):
        hint = "" if "--dask" in str(exc) else "; check the --dask address, or run without --dask"
        return EXIT_CLUSTER, f"error: {_one_line(str(exc))}{hint}"
    if isinstance(exc, (TwimlError, RecsimError)):
        return EXIT_INPUT, f"error: {_one_line(str(exc))}"
    if isinstance(exc, OSError):
        return EXIT_OUTPUT, f"error: {_one_line(_os_message(exc))}"
    return None


def _parser() -> argparse.ArgumentParser:
    """The ``recsim`` argument parser (its sub-commands run, plot, serve)."""
    parser = _Parser(prog="recsim", description=(__doc__ or "").split("\n")[0], epilog=EXIT_CODES,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"recsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _run_parser(sub)
    p_plot = sub.add_parser("plot", help="draw a recording: waveform and spans on the simulated time axis",
                            epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p_plot.add_argument("recording", help="RecordingSid, or the path of its media file DIR/media/RE....wav")
    p_plot.add_argument("--dir", help="output folder of the run (default: from the media path, or recsim-out)")
    p_plot.add_argument("--png", help="where to write the PNG (default DIR/plots/{RecordingSid}.png)")
    _serve_parser(sub)
    return parser


def _run_parser(sub: argparse._SubParsersAction) -> None:
    p_run = sub.add_parser("run", help="simulate a scenario: recordings, metadata, callbacks", epilog=EXIT_CODES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    p_run.add_argument("scenario", nargs="?", help="scenario YAML (default: the bundled default scenario)")
    p_run.add_argument("--out", default="recsim-out", help="output folder (default: recsim-out)")
    p_run.add_argument("--format", type=_formats, default=("wav",),
                       help="media formats, comma separated: wav, mp3 (default: wav)")
    p_run.add_argument("--quiet", action="store_true", help="print nothing on success")
    p_run.add_argument("--plot", action="store_true", help="also draw DIR/plots/{RecordingSid}.png and summary.png")
    p_run.add_argument("--workers", type=_positive_int, default=1,
                       help="worker processes (a batch in shards; resumable)")
    p_run.add_argument("--dask", metavar="ADDRESS", help="run the shards on a Dask scheduler (tcp://host:8786)")
    p_run.add_argument("--shard-calls", type=_positive_int, default=200,
                       help="calls per shard of a batch (default 200)")
    p_run.add_argument("--overwrite", action="store_true",
                       help="replace the outputs of another run in --out (only files recsim wrote are removed)")


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    p_srv = sub.add_parser("serve", help="local Recordings REST API that the official twilio client can drive",
                           epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p_srv.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    p_srv.add_argument("--port", type=_port, default=8080, help="port, 1 to 65535 (default 8080)")
    p_srv.add_argument("--clock", choices=("realtime", "manual"), default="realtime",
                       help="simulated time follows wall time x speed, or moves by POST /recsim/clock/advance")
    p_srv.add_argument("--speed", type=_positive_float, default=1.0,
                       help="simulated seconds per wall second (realtime; > 0)")
    p_srv.add_argument("--db", default=":memory:", help="SQLite file for metadata (default in memory)")
    p_srv.add_argument("--media-dir", default="recsim-media", help="folder of media files (default recsim-media)")
    p_srv.add_argument("--scenario", help="scenario YAML giving parties, apps, account settings, configurations")
    p_srv.add_argument("--account", type=_account, action="append",
                       help="ACCOUNT_SID:AUTH_TOKEN (repeatable; default AC000...0:recsim)")
    p_srv.add_argument("--no-media-auth", action="store_true", help="serve media without HTTP Basic auth")
    p_srv.add_argument("--webhook-timeout", type=_positive_float, default=5.0,
                       help="seconds per webhook request (> 0)")
    p_srv.add_argument("--webhook-retries", type=_count, default=2,
                       help="retries of a failed status callback (>= 0)")


def _dispatch(args: argparse.Namespace) -> int:
    console = Console()
    if not console.is_terminal:
        console = Console(width=150)
    if args.command == "serve":
        return _cmd_serve(args, console)
    if args.command == "plot":
        return _cmd_plot(args, console)
    return _cmd_run(args, console)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``recsim`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (see the table in the module docstring): 0 success, 2 invalid
        input, 3 output folder problem, 4 a call flow failed, 5 Dask scheduler
        unreachable, 130 interrupted. An error prints one line on stderr, no traceback.

    Raises
    ------
    SystemExit
        From argument parsing: status 2 for invalid arguments (one line on stderr), 0 for
        ``--help`` and ``--version``.
    """
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (KeyboardInterrupt, Exception) as exc:
        failure = _failure(exc)
        if failure is None:
            raise
        status, message = failure
        print(f"recsim: {message}", file=sys.stderr, flush=True)
        return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
