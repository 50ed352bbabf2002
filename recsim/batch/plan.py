"""The shard plan of a batch: whole call groups (a call, or every call of one
conference), then ranges of traffic units.

Conference rooms are found with the TwiML parser (:func:`recsim.twiml.parse_twiml`) in
every document a call can reach, never with a regular expression.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from recsim.scenario import CallSpec, PartySpec, Scenario
from recsim.scenario.traffic import expand_units, unit_starts
from recsim.twiml import Dial, Record, Redirect, parse_twiml

__all__ = ["Shard", "plan_shards", "shard_calls", "shard_fingerprint", "unit_ranges"]


def _rooms(scenario: Scenario, call: CallSpec, index: int) -> Iterator[str]:
    """The conference room names every TwiML document a call can reach names: its
    first document (inline TwiML or its ``url`` in ``apps``), then every ``apps`` URL
    reached by ``<Redirect>`` or an ``action`` of ``<Record>`` / ``<Dial>``, parsed with
    the TwiML parser (never a regular expression)."""
    first: tuple[str, str | None]
    if call.twiml is not None:
        first = (f"https://recsim.local/calls/{index}/twiml", call.twiml)
    else:
        first = (call.url or "", scenario.apps.get(call.url or ""))
    todo: list[tuple[str, str | None]] = [first]
    seen: set[str] = set()
    while todo:
        url, text = todo.pop()
        if url in seen or not text:
            continue
        seen.add(url)
        doc = parse_twiml(text, url=url, max_call_duration=scenario.account.max_call_duration_s)
        for verb in doc.verbs:
            if isinstance(verb, Dial) and verb.conference is not None:
                yield verb.conference.name
            nxt = verb.url if isinstance(verb, Redirect) else getattr(verb, "action", None) \
                if isinstance(verb, Record | Dial) else None
            if nxt is not None and nxt in scenario.apps:
                todo.append((nxt, scenario.apps[nxt]))


def _groups(scenario: Scenario) -> list[list[int]]:
    """Call indices grouped so that the calls of one conference stay together (every
    document a call can reach counts, :func:`_rooms`)."""
    parent = list(range(len(scenario.calls)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, c in enumerate(scenario.calls):
        for room in _rooms(scenario, c, i):
            if room in first:
                parent[find(i)] = find(first[room])
            else:
                first[room] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(scenario.calls)):
        groups[find(i)].append(i)
    return sorted(groups.values())


@dataclass(frozen=True)
class Shard:
    """Listed calls (their indices) and a range of traffic units, run together."""

    calls: tuple[int, ...] = ()
    units: tuple[int, int] = (0, 0)


def unit_ranges(n: int, size: int) -> list[tuple[int, int]]:
    """Ranges ``[lo, hi)`` of ``n`` traffic units: ``size`` units each, but the last
    ``2 * size`` units in ranges of ``size // 4`` (at least 1).

    Shards are handed to the workers one at a time, so a batch ends when the worker that
    took the last shard finishes it, while the others wait; small shards at the end
    make that wait a quarter as long (a 200-unit shard of one-minute calls takes ~1 s
    late in a batch). Each shard costs ~4 ms of its own.

    Examples
    --------
    >>> unit_ranges(1000, 200)[:4], len(unit_ranges(1000, 200))
    ([(0, 200), (200, 400), (400, 600), (600, 650)], 11)
    """
    head = max(0, n - 2 * size)
    small = max(1, size // 4)
    return [(lo, min(head, lo + size)) for lo in range(0, head, size)] + \
        [(lo, min(n, lo + small)) for lo in range(head, n, small)]


def plan_shards(scenario: Scenario, shard_calls: int = 200) -> list[Shard]:
    """Shards of about ``shard_calls`` listed calls (whole conference groups each, in
    call order), then of ``shard_calls`` traffic units (expanded by the shard itself;
    the last ones smaller: :func:`unit_ranges`)."""
    shards: list[Shard] = []
    current: list[int] = []
    for g in _groups(scenario):
        current += g
        if len(current) >= shard_calls:
            shards.append(Shard(calls=tuple(sorted(current))))
            current = []
    if current:
        shards.append(Shard(calls=tuple(sorted(current))))
    if scenario.traffic is not None:
        n = unit_starts(scenario.traffic, scenario.seed).shape[0]
        shards += [Shard(units=r) for r in unit_ranges(n, shard_calls)]
    return shards


def shard_calls(scenario: Scenario, shard: Shard) -> tuple[Scenario, list[tuple[int, CallSpec]]]:
    """The shard's scenario (with its units' parties) and its ``(index, CallSpec)``.

    Parameters
    ----------
    scenario : Scenario
        The batch's scenario (traffic not expanded).
    shard : Shard
        Listed calls and a range of traffic units.

    Returns
    -------
    scenario : Scenario
        ``scenario`` with the parties of the shard's units added.
    calls : list of (int, CallSpec)
        The listed calls, then the units' calls, each with its index.
    """
    listed = scenario.indexed_calls()
    calls = [listed[i] for i in shard.calls]
    if shard.units[1] > shard.units[0]:
        assert scenario.traffic is not None
        starts = unit_starts(scenario.traffic, scenario.seed)
        unit_calls, parties = expand_units(scenario.traffic, scenario.seed, range(*shard.units), starts)
        calls += [(i, CallSpec.model_validate(c)) for i, c in unit_calls]
        merged = {**scenario.parties, **{k: PartySpec.model_validate(v) for k, v in parties.items()}}
        scenario = scenario.model_copy(update={"parties": merged})
    return scenario, calls


def shard_fingerprint(run_fingerprint: str, shard: Shard) -> str:
    """SHA-256 hex naming ``shard`` of the run ``run_fingerprint`` (a resumed shard must
    match it)."""
    return hashlib.sha256(json.dumps([run_fingerprint, asdict(shard)], sort_keys=True).encode()).hexdigest()
