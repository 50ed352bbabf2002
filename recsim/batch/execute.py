"""Running a batch's shards: in this process, on forked worker processes, or on a Dask
cluster (``recsim[dask]``)."""

from __future__ import annotations

import multiprocessing as mp
import signal
from collections.abc import Callable
from typing import Any

from recsim._extras import require
from recsim.batch.plan import Shard
from recsim.batch.shard import ShardOutput, run_shard
from recsim.errors import ClusterError
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


def _on_pool(scenario: Scenario, todo: list[Todo], workers: int, tick: Callable[[], None]) -> None:
    """The shards on forked worker processes (they inherit the scenario and the voices)."""
    global _SCENARIO
    _SCENARIO = scenario
    talker_bank(scenario.seed)  # once, before forking
    pool = mp.get_context("fork").Pool(workers, initializer=_ignore_sigint)
    try:
        for _ in pool.imap_unordered(_run_global, todo):
            tick()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _SCENARIO = None


def _on_dask(scenario: Scenario, todo: list[Todo], address: str | None, client: Any,
             tick: Callable[[], None]) -> None:
    """The shards on a Dask cluster (``recsim[dask]``)."""
    distributed = require("distributed", extra="dask", feature="`recsim run --dask`")
    if client is None:
        try:
            client = distributed.Client(address, timeout=5)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"--dask {address}: no Dask scheduler answers there ({str(exc)[:120]}); start one "
                               "with `dask scheduler` or check the address") from None
    remote = client.scatter(scenario, broadcast=True)
    futures = [client.submit(run_shard, remote, *t, pure=False) for t in todo]
    try:
        for _ in distributed.as_completed(futures):
            tick()
        client.gather(futures)
    except BaseException:
        client.cancel(futures)
        raise
