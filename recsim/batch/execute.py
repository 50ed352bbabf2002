"""Running a batch's shards: in this process, on forked worker processes, or on a Dask
cluster (``recsim[dask]``)."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, cast

from recsim._extras import require
from recsim.batch.plan import Shard
from recsim.batch.shard import ShardOutput, run_shard
from recsim.errors import ClusterError, SimulationError
from recsim.scenario import Scenario
from recsim.traffic import talker_bank

__all__ = ["Todo", "execute"]

#: The arguments of :func:`~recsim.batch.shard.run_shard` after the scenario.
Todo = tuple[Shard, ShardOutput, int, str]


_SCENARIO: Scenario | None = None  # inherited by forked workers


def _run_global(args: Todo) -> dict[str, Any]:
    assert _SCENARIO is not None
    return run_shard(_SCENARIO, *args)


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def execute(scenario: Scenario, todo: list[Todo], n_shards: int, *, workers: int, dask_address: str | None,
            dask_client: Any, progress: Callable[[int, int], None] | None) -> None:
    """Run the shards of ``todo``: on Dask when an address or client is given, on
    ``workers`` forked processes when more than one, else in this process.

    Parameters
    ----------
    scenario : Scenario
        The batch's scenario.
    todo : list of Todo
        The arguments of :func:`~recsim.batch.shard.run_shard` of each shard to run.
    n_shards : int
        All shards of the plan (finished ones count as done for ``progress``).
    workers, dask_address, dask_client, progress
        As :func:`recsim.batch.run_batch`.

    Raises
    ------
    ClusterError
        The Dask scheduler cannot be reached.
    MissingExtraError
        Dask is asked for and ``recsim[dask]`` is not installed.
    """
    done = n_shards - len(todo)
    if progress:
        progress(done, n_shards)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, n_shards)

    if dask_address is not None or dask_client is not None:
        _on_dask(scenario, todo, dask_address, dask_client, tick)
    elif workers > 1 and len(todo) > 1:
        _on_pool(scenario, todo, workers, tick)
    else:
        for t in todo:
            run_shard(scenario, *t)
            tick()


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold Ctrl-C while workers are forked, then raise it. A KeyboardInterrupt raised
    inside an at-fork callback (``logging`` registers one) is printed and ignored by
    Python, so a Ctrl-C landing during a fork would be lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if got:
        raise KeyboardInterrupt


def _worker(conn: Connection) -> None:
    """A forked worker: run the shards the parent sends on this worker's own pipe, answer
    None or the exception, until told to stop (None) or the pipe closes."""
    _ignore_sigint()
    while True:
        try:
            args = conn.recv()
        except EOFError:
            return
        if args is None:
            return
        try:
            _run_global(args)
            answer: BaseException | None = None
        except BaseException as exc:  # handed to the parent, which raises it
            answer = exc
        try:
            conn.send(answer)
        except Exception:  # an exception that does not pickle: its text
            conn.send(SimulationError(f"{type(answer).__name__}: {answer}"))


def _on_pool(scenario: Scenario, todo: list[Todo], workers: int, tick: Callable[[], None]) -> None:
    """The shards on forked worker processes (they inherit the scenario and the voices).

    Each worker has a pipe of its own and shares no lock with the others or the parent
    (``multiprocessing.Pool`` shares its queues' locks, and stopping it while a worker
    held one could hang the parent forever), so stopping the batch (Ctrl-C, an error) is
    killing the workers.

    Raises
    ------
    SimulationError
        A worker process ended without answering (killed, out of memory).
    """
    global _SCENARIO
    _SCENARIO = scenario
    talker_bank(scenario.seed)  # once, before forking
    ctx = mp.get_context("fork")
    procs: dict[Connection, BaseProcess] = {}
    queue = list(reversed(todo))
    finished = False
    try:
        with _sigint_held():
            for _ in range(min(workers, len(todo))):
                parent, child = ctx.Pipe()
                proc = ctx.Process(target=_worker, args=(child,), daemon=True)
                proc.start()
                child.close()
                procs[parent] = proc
        for parent in procs:
            parent.send(queue.pop())
        busy = set(procs)
        while busy:
            for ready in wait(list(busy), timeout=0.1):  # back to Python often: Ctrl-C lands at once
                conn = cast(Connection, ready)  # wait() answers the objects it was given
                try:
                    answer = conn.recv()
                except EOFError:
                    procs[conn].join()
                    raise SimulationError(f"a batch worker process ended while running a shard (exit code "
                                          f"{procs[conn].exitcode}); run the batch again to resume") from None
                if answer is not None:
                    raise answer
                tick()
                if queue:
                    conn.send(queue.pop())
                else:
                    conn.send(None)
                    busy.discard(conn)
        finished = True
    finally:
        for conn, worker in procs.items():
            if not finished and worker.is_alive():
                worker.kill()  # safe at any moment: the worker shares no lock
            worker.join()
            conn.close()
        _SCENARIO = None


async def _hello(connect: Callable[..., Any], address: str, timeout_s: float) -> None:
    """Open and close one connection to a Dask scheduler, handshake included, within
    ``timeout_s`` seconds (``distributed.Client(timeout=)`` waits for the handshake
    forever when something that is not a scheduler accepts the connection)."""
    comm = await asyncio.wait_for(connect(address, timeout=timeout_s), timeout_s)
    await comm.close()


def _connect(distributed: Any, address: str | None, timeout_s: float = 5.0) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address``.

    Raises
    ------
    ClusterError
        Within about ``timeout_s`` seconds (twice at most): nothing answers at
        ``address``, or something that is not a Dask scheduler does (silent, or sending
        other bytes), or the address is malformed.
    """
    try:
        if address is not None:  # in a thread of its own: the caller may be inside an event loop (Jupyter)
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, _hello(distributed.comm.connect, address, timeout_s)).result()
        return distributed.Client(address, timeout=timeout_s)
    except Exception as exc:
        if isinstance(exc, TimeoutError) and not str(exc):
            why = f"no Dask handshake within {timeout_s:g} s"
        elif isinstance(exc, OSError | ValueError):
            why = str(exc)[:120]
        else:  # e.g. MemoryError: another protocol's bytes read as a Dask frame length
            why = f"what answers is not a Dask scheduler: {type(exc).__name__}"
        raise ClusterError(f"--dask {address}: no Dask scheduler answers there ({why}); start one "
                           "with `dask scheduler` or check the address") from None


def _on_dask(scenario: Scenario, todo: list[Todo], address: str | None, client: Any,
             tick: Callable[[], None]) -> None:
    """The shards on a Dask cluster (``recsim[dask]``)."""
    distributed = require("distributed", extra="dask", feature="`recsim run --dask`")
    if client is None:
        client = _connect(distributed, address)
    remote = client.scatter(scenario, broadcast=True)
    futures = [client.submit(run_shard, remote, *t, pure=False) for t in todo]
    try:
        for _ in distributed.as_completed(futures):
            tick()
        client.gather(futures)
    except BaseException:
        client.cancel(futures)
        raise
