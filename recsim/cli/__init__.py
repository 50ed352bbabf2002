"""The ``recsim`` command line (argument parsing and printing only).

    recsim [-q | -v] run [SCENARIO] [--out DIR] [--format wav,mp3] [--plot] [--report]
                         [--workers N | --dask ADDRESS] [--overwrite]
    recsim report DIR [--html FILE]
    recsim plot RECORDING [--dir DIR]
    recsim serve [--port 8080] [--clock realtime|manual] [--db FILE] [--media-dir DIR] [--account AC...:TOKEN]
    recsim --version

``-q`` prints nothing but errors, ``-v`` more detail (every warning; the server's
requests). A run ends with its warnings summarised (count per code, the first few with
their call and element).

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
3     output folder problem (OutputError, or an OSError): held by another run, another
      recsim run writing there, stale or corrupt shards, not writable, disk full, ``--out``
      is a file
4     a call flow failed at run time (SimulationError); outputs left as they were
5     the Dask scheduler cannot be reached (ClusterError)
130   interrupted (Ctrl-C); outputs left as they were: run the same command again to resume
====  =====================================================================================
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from recsim import batch
from recsim._extras import require
from recsim.cli.parser import DEFAULT_ACCOUNT, parser
from recsim.cli.printing import (
    EXIT_CLUSTER,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_SIMULATION,
    failure,
    print_batch,
    print_run,
)
from recsim.cli.results import cmd_plot, cmd_report, plots, report, warn_summary
from recsim.errors import OutputError, RecsimError, ScenarioError
from recsim.outputs import is_url
from recsim.runner import run
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


def default_scenario_path() -> Path:
    """The bundled default scenario: in the installed package, or in the checkout.

    Raises
    ------
    FileNotFoundError
        Neither exists (a broken install).
    """
    pkg = Path(__file__).resolve().parents[1]  # recsim/
    for candidate in (pkg / "_bundled" / "examples" / "default.yaml", pkg.parent / "examples" / "default.yaml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("the bundled default scenario (examples/default.yaml) is missing; reinstall recsim")


def _batch_warnings(out: Path) -> list[dict[str, Any]]:
    """The debugger warnings and REST answers of a batch's ``events.jsonl``."""
    with open(out / "events.jsonl") as f:
        return [json.loads(line) for line in f if '"debugger-warning"' in line or '"api-response"' in line]


def _after(args: argparse.Namespace, console: Console, out: Path, events: list[dict[str, Any]]) -> None:
    """The end of a run in a local folder: warnings summary, then ``--plot`` and ``--report``."""
    warn_summary(console, events, args.verbose)
    if args.plot:
        plots(out, console)
    if args.report:
        report(out, console)


def _cmd_batch(args: argparse.Namespace, console: Console, scenario: Scenario, path: Path) -> int:
    """``recsim run`` of a traffic scenario, with --workers / --dask, to a URL, without
    media or with parquet metadata: a batch."""
    out: str | Path = args.out if is_url(args.out) else Path(args.out)
    fmts = args.format if "wav" in args.format else ("wav", *args.format)
    t = time.perf_counter()
    with Progress(console=console, transient=True, disable=console.quiet) as bar:
        task = bar.add_task("shards", total=len(batch.plan_shards(scenario, args.shard_calls)))
        res = batch.run_batch(scenario, out, workers=args.workers, formats=fmts, shard_calls=args.shard_calls,
                        dask_address=args.dask, overwrite=args.overwrite, media=args.media != "none",
                        metadata=args.metadata, progress=lambda done, total: bar.update(task, completed=done))
    elapsed = time.perf_counter() - t
    print_batch(console, res, path, out, elapsed)
    if isinstance(out, Path):
        _after(args, console, out, _batch_warnings(out) if not console.quiet and "json" in args.metadata else [])
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
    """``recsim run``: one simulation, or a batch (:func:`_cmd_batch`)."""
    url = is_url(args.out)
    if url and (args.plot or args.report):
        raise OutputError(f"--out {args.out}: --plot and --report need a local folder; run to a folder, or run "
                          "recsim report on a local copy of the outputs")
    if (args.plot or args.report) and "json" not in args.metadata:
        raise ScenarioError(f"--metadata {','.join(args.metadata)}: --plot and --report read the json metadata "
                            "files; add json (--metadata json,...)")
    if not url:
        _check_out(Path(args.out))
    path = Path(args.scenario) if args.scenario else default_scenario_path()
    scenario = load_scenario(path, expand=False)
    if (args.workers > 1 or args.dask or scenario.traffic is not None or url or args.media == "none"
            or "parquet" in args.metadata):
        return _cmd_batch(args, console, scenario, path)
    out = Path(args.out)
    if args.plot and "wav" not in args.format:
        args.format = ("wav", *args.format)
    t = time.perf_counter()
    if len(scenario.calls) > 20 and not console.quiet:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("simulating calls", total=len(scenario.calls))
            result = run(scenario, out_dir=out, formats=args.format, keep_samples=False, overwrite=args.overwrite,
                         metadata=args.metadata, progress=lambda done, total: bar.update(task, completed=done))
    else:
        result = run(scenario, out_dir=out, formats=args.format, keep_samples=False, overwrite=args.overwrite,
                     metadata=args.metadata)
    elapsed = time.perf_counter() - t
    simulated = sum(r.untrimmed_s for r in result.recordings)
    console.print(f"scenario: {path}")
    print_run(console, result, len(scenario.calls), elapsed, simulated)
    _after(args, console, out, [e.to_json() for e in result.events])
    return 0


def _check_port(host: str, port: int) -> None:
    """Bind ``host:port`` once, as the server will (``SO_REUSEADDR``), and let it go.

    Raises
    ------
    RecsimError
        The address is in use or cannot be bound (uvicorn printed its own line and
        exited 3, the code of an output folder problem).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise RecsimError(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc}); another "
                              "server (recsim serve?) may use it: choose another --port") from None


def _cmd_serve(args: argparse.Namespace, console: Console) -> int:
    """``recsim serve``: the REST emulator on ``--host:--port`` (``recsim[server]``)."""
    _check_port(args.host, args.port)
    uvicorn = require("uvicorn", extra="server", feature="`recsim serve`")
    build = require("recsim.server", extra="server", feature="`recsim serve`").build
    scenario = load_scenario(args.scenario) if args.scenario else None
    accounts = dict(args.account or [DEFAULT_ACCOUNT])
    with tempfile.TemporaryDirectory(prefix="recsim-media-") as tmp:
        media_dir = args.media_dir or (tmp if args.db == ":memory:" else "recsim-media")
        app, _backend, sender = build(accounts=accounts, scenario=scenario, db=args.db, media_dir=media_dir,
                                     clock=args.clock, speed=args.speed, media_auth=not args.no_media_auth,
                                     webhook_timeout_s=args.webhook_timeout, webhook_retries=args.webhook_retries)
        console.print(f"recsim serve on http://{args.host}:{args.port} ({args.clock} clock); console at "
                      f"http://{args.host}:{args.port}/console; media in {media_dir}; accounts: "
                      + ", ".join(f"{sid}:{token}" for sid, token in accounts.items()), highlight=False)
        try:
            uvicorn.run(app, host=args.host, port=args.port, log_level="info" if args.verbose else "warning")
        finally:
            sender.close()
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    """Run the sub-command of ``args``; returns the exit status."""
    console = Console(quiet=args.quiet)
    if not console.is_terminal:  # piped: no hard wrapping at 80 columns
        console = Console(quiet=args.quiet, width=150, soft_wrap=True)
    if args.command == "serve":
        return _cmd_serve(args, console)
    if args.command == "plot":
        return cmd_plot(args, console)
    if args.command == "report":
        return cmd_report(args, console)
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
    args = parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (KeyboardInterrupt, Exception) as exc:
        failed = failure(exc)
        if failed is None:
            raise
        status, message = failed
        print(f"recsim: {message}", file=sys.stderr, flush=True)
        return status

