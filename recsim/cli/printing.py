"""What the ``recsim`` command prints: the exit codes and the one-line error of each
failure, and the tables of a run and a batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from recsim.batch import BatchResult
from recsim.errors import (
    ClusterError,
    OutputError,
    RecsimError,
    ScenarioError,
    SimulationError,
    TwimlError,
)
from recsim.runner import RunResult

__all__ = ["EXIT_CLUSTER", "EXIT_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_OUTPUT", "EXIT_SIMULATION",
           "failure", "print_batch", "print_run", "print_warnings"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_OUTPUT = 3
EXIT_SIMULATION = 4
EXIT_CLUSTER = 5
EXIT_INTERRUPTED = 130


def print_run(console: Console, result: RunResult, n_calls: int, elapsed: float, simulated: float) -> None:
    """The recordings of a run as a table (the first 200), its events and speed."""
    table = Table(title=f"{len(result.recordings)} recordings from {n_calls} calls")
    table.add_column("RecordingSid", no_wrap=True, min_width=34)  # never cut: users copy it
    for col in ("call", "source", "status", "ch", "track", "duration s", "exact s"):
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


def print_batch(console: Console, res: BatchResult, path: Path, out: str | Path, elapsed: float) -> None:
    """A batch's counts by source, status, channels and absent code, durations and speed."""
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


def print_warnings(console: Console, warnings: list[dict[str, Any]], *, first: int = 3) -> None:
    """The warnings of a run on the terminal: the count per code, then the first
    ``first`` of each code with their call, element and message.

    Parameters
    ----------
    warnings : list of dict
        :func:`recsim.report.data.warnings_of` of the run's events: debugger warnings
        (Twilio codes such as 13611, 13612) and REST error answers (20404 ...).
    first : int
        How many of each code to show (``-v``: all).
    """
    if not warnings:
        return
    by_code: dict[str, list[dict[str, Any]]] = {}
    for w in warnings:
        by_code.setdefault(str(w["code"]), []).append(w)
    counts = ", ".join(f"{code} x{len(ws)}" for code, ws in sorted(by_code.items(), key=lambda kv: -len(kv[1])))
    console.print(f"[yellow]{len(warnings)} warnings[/yellow]: {counts}", highlight=False)
    for code, ws in by_code.items():
        for w in ws[:first]:
            line = f"  {code} at {w['time']:.3f} s, call {w['call_sid']}: {w['element']} {w['message']}"
            console.print(line.rstrip(), highlight=False, markup=False, soft_wrap=True)
        if len(ws) > first:
            console.print(f"  {code}: {len(ws) - first} more (recsim report DIR, or -v)", highlight=False)


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


def _output_message(exc: OutputError) -> str:
    """One line; a failed write, move or removal (``PATH: cannot write (the disk is
    full)``) is told what to do."""
    text = _one_line(str(exc))
    if ";" in text or ". " in text:
        return text
    if "disk is full" in text:
        return f"{text}; free some space or choose another --out, then run the same command again"
    return f"{text}; check that the folder is writable or choose another --out, then run the same command again"


def failure(exc: BaseException) -> tuple[int, str] | None:
    """The exit status and the message of an exception, or None for a bug (re-raised)."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted; outputs left as they were, run the same command again to resume"
    if isinstance(exc, ScenarioError):
        return EXIT_INPUT, f"error: {_scenario_message(exc)}"
    if isinstance(exc, OutputError):
        return EXIT_OUTPUT, f"error: {_output_message(exc)}"
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
