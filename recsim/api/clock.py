"""The emulator's clock: simulated time moves on request (``manual``) or with wall time
at a chosen speed (``realtime``), for every account's simulation at once.

The latest simulated time is :data:`MAX_UNIX_S` (9999-12-31T23:59:59Z), the last second
a date (RFC 2822, Python datetime) can show. A call flow that fails on the way stops that
call only: the clock still reaches its target.
"""

from __future__ import annotations

import math
import threading
import time

import simpy
from simpy.core import URGENT

from recsim.api.state import BackendState
from recsim.errors import InvalidRequestError, RecsimError
from recsim.sim.simulation import Simulation

__all__ = ["MAX_UNIX_S", "ClockActions"]

#: The latest simulated time the clock may reach: 9999-12-31T23:59:59Z (unix seconds).
MAX_UNIX_S = 253402300799.0
#: Wall seconds between two saves of the realtime clock in the store.
_CLOCK_SAVE_S = 1.0


class ClockActions(BackendState):
    """The clock actions of :class:`recsim.api.Backend`."""

    def sim_time(self) -> float:
        """Simulated seconds since the simulations' epoch (the latest of the accounts;
        0.0 without accounts)."""
        return max((float(s.env.now) for s in self.sims.values()), default=0.0)

    def advance(self, seconds: float) -> float:
        """Move every simulation ``seconds`` forward (manual clock).

        Parameters
        ----------
        seconds : float
            Simulated seconds, finite, >= 0, and not past 9999-12-31T23:59:59Z
            (:data:`MAX_UNIX_S`) for any account.

        Returns
        -------
        float
            The new simulated time, seconds since the simulations' epoch.

        Raises
        ------
        InvalidRequestError
            20001 for a value that is not a finite number from 0 to the seconds left
            before the end of representable dates; nothing moves.
        RecsimError
            The first error of a call flow that could not go on (for example a
            ``<Dial>`` to an unknown party): that call stopped, the others went on, and
            the clock still reached the target.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise InvalidRequestError(20001, f"seconds: {seconds!r} is not allowed; allowed: a number of seconds")
        seconds = float(seconds)
        with self.lock:
            latest = max((self.now(a) for a in self.sims), default=self._epoch().timestamp())
            left = max(MAX_UNIX_S - latest, 0.0)
            if not math.isfinite(seconds) or not 0 <= seconds <= left:
                raise InvalidRequestError(
                    20001, f"seconds: {seconds!r} is not allowed; allowed: a finite number from 0 to {left:.0f} "
                           "(the simulated clock cannot pass 9999-12-31T23:59:59Z)")
            failures: list[RecsimError] = []
            for sim in self.sims.values():
                failures += run_until(sim, float(sim.env.now) + seconds)
            self._save_clock()
            self.sync_transcriptions()
            if failures:
                raise failures[0]
            return self.sim_time()

    def tick(self) -> None:
        """Realtime clock: catch the simulations up with wall time x speed (never past
        :data:`MAX_UNIX_S`); the time reached is saved in the store about once a second.

        Raises
        ------
        RecsimError
            The first error of a call flow that could not go on (as :meth:`advance`).
        """
        if self.clock != "realtime":
            return
        wall = time.monotonic()
        target = (wall - self._wall0) * self.speed
        with self.lock:
            failures: list[RecsimError] = []
            for sim in self.sims.values():
                failures += run_until(sim, min(target, MAX_UNIX_S - sim.epoch.timestamp()))
            if wall - self._clock_saved >= _CLOCK_SAVE_S:
                self._clock_saved = wall
                self._save_clock()
                self.sync_transcriptions()
            if failures:
                raise failures[0]

    def save_clock(self) -> None:
        """Keep the simulated now of every account in the store (the realtime clock saves
        about once a second; the server also saves on shutdown), so a restarted clock
        starts at or after it."""
        with self.lock:
            self._save_clock()
            self.sync_transcriptions()

    def run_clock(self, stop: threading.Event, tick_s: float = 0.02) -> None:
        """Tick the realtime clock every ``tick_s`` wall seconds until ``stop`` is set (the
        body of the server's clock thread); a call flow error never stops the clock."""
        while not stop.wait(tick_s):
            try:
                self.tick()
            except RecsimError:
                continue


def run_until(sim: Simulation, target: float) -> list[RecsimError]:
    """Run ``sim`` to simulated time ``target`` (s).

    As ``env.run(until=target)``: events at exactly ``target`` wait for the next run;
    but a call whose flow fails on the way (a :class:`~recsim.errors.SimulationError`,
    for example a TwiML loop) stops while the others go on, and the clock still reaches
    ``target`` with no stale stop event left to halt a later run.

    Returns
    -------
    list of RecsimError
        The errors met, in order.
    """
    failures: list[RecsimError] = []
    env = sim.env
    if not target > env.now:
        return failures
    stop = simpy.Event(env)  # what Environment.run(until=number) schedules, without its StopSimulation
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, target - float(env.now))
    while stop.callbacks is not None:
        try:
            env.step()
        except RecsimError as exc:
            failures.append(exc)
    return failures
