"""The simulation: the kernel with its services and the call process, composed.

SimPy schedules control events (calls start, verbs run, REST requests arrive, keys,
hangups, processing ends); the numpy core computes audio when a recording stops.
:class:`Simulation` is the one place that wires them: the :class:`~recsim.sim.kernel.Kernel`
(environment, calls, legs, events, documents), the :class:`~recsim.sim.recorder.Recorder`,
the :class:`~recsim.sim.conferences.Conferences`, the
:class:`~recsim.sim.controls.RestControls`, the :class:`~recsim.sim.transcribe.Transcriber`
(a completion hook of the recorder) and the call process running the TwiML interpreter.

A scenario's timed REST steps report to a :class:`~recsim.sim.controls.RestResponder`;
:func:`recsim.rest_steps.simulation` builds a simulation with the api layer's
responder, which records them as ``api-response`` events.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from recsim.scenario import CallSpec, RestCreate, RestUpdate, Scenario
from recsim.sim.call import Call
from recsim.sim.call_flow import call_process
from recsim.sim.callbacks import EventSink
from recsim.sim.checks import validate_calls as check_up_front
from recsim.sim.conference import Conference
from recsim.sim.conferences import Conferences
from recsim.sim.context import Context
from recsim.sim.controls import RestControls, RestResponder
from recsim.sim.documents import MAX_DOCUMENT_REQUESTS
from recsim.sim.kernel import Kernel
from recsim.sim.recorder import Recorder, RecordingHook
from recsim.sim.recording import Recording
from recsim.sim.transcribe import Transcriber, Transcription

__all__ = ["GC_GEN0_THRESHOLD", "MAX_DOCUMENT_REQUESTS", "Simulation", "quiet_gc"]

#: Python's generation-0 collection threshold while calls run (default 700): a call
#: allocates thousands of small objects, and most of the 200,000 already alive (modules,
#: the scenario) need no scan at all.
GC_GEN0_THRESHOLD = 10_000


#: How many :func:`quiet_gc` blocks this process is inside (only the outermost asks
#: the collector how much is frozen: :func:`gc.get_freeze_count` walks every frozen object).
_DEPTH = 0


@contextmanager
def quiet_gc(*, collect: bool = False) -> Iterator[None]:
    """Python's cyclic garbage collector set for a run of many calls, restored after.

    Everything alive on entry (imports, the scenario, the talker bank) is moved out of
    the collector's sight (:func:`gc.freeze`), and generation 0 is collected every
    :data:`GC_GEN0_THRESHOLD` allocations instead of 700: a shard of 200 traffic calls
    spent a quarter of its CPU in collections that found almost nothing. Nothing computed
    changes; objects are freed as before (reference counts), cycles a little later.
    A host that froze objects itself, or an enclosing ``quiet_gc``, keeps its freeze:
    this one then freezes nothing more and unfreezes nothing (what it would add, a
    shard's scenario, could never be collected while frozen), and only raises the
    threshold.

    Parameters
    ----------
    collect : bool
        When this block froze: no automatic collection inside it, and one collection at
        its end, while what was alive on entry is still frozen, so the collection visits
        only what the block made (a batch shard's calls: their cycles freed at once, so a
        worker's memory stays flat over its shards; a collection of everything would scan
        ~170,000 long-lived objects). A shard's cycles are few (the simulation and its
        services), so the ~10 generation-0 collections a 200-call shard made found
        nothing the end's collection would not: ~10 ms of CPU per shard, saved.

    Yields
    ------
    None
        While the calls run (:meth:`Simulation.run`, a batch shard).
    """
    global _DEPTH
    old = gc.get_threshold()
    mine = _DEPTH == 0 and gc.get_freeze_count() == 0
    pause = mine and collect and gc.isenabled()
    if mine:
        gc.freeze()
    if pause:
        gc.disable()
    _DEPTH += 1
    gc.set_threshold(max(GC_GEN0_THRESHOLD, old[0]), old[1], old[2])
    try:
        yield
    finally:
        _DEPTH -= 1
        gc.set_threshold(*old)
        if pause:
            gc.enable()
        if mine:
            if collect:
                gc.collect()
            gc.unfreeze()


class Simulation(Kernel):
    """Runs a scenario's calls in one SimPy environment.

    Parameters
    ----------
    scenario : Scenario
        Validated input.
    sink : EventSink, optional
        Where callbacks and warnings go (default: an in-memory list, ``.sink.events``).
    on_complete : callable, optional
        Called with each recording when it completes or is absent (after the
        processing delay); the output writer stores media there.
    validate_calls : bool
        Parse every call's inline TwiML, load every party's audio and check the documents
        each call can reach (:func:`recsim.sim.checks.check_calls`: ``<Dial>`` targets,
        ``<Play>`` URLs, certain ``<Redirect>`` loops) up front (a batch shard, whose
        scenario was checked once already, skips it).
    responder : RestResponder, optional
        Receives the outcome of each timed REST step of the scenario (default: none;
        :func:`recsim.rest_steps.simulation` passes the one that records the
        ``api-response`` events).

    Raises
    ------
    ScenarioError
        An app's TwiML, an audio file, a ``<Dial>`` target, a ``<Play>`` URL or a
        ``<Redirect>`` loop of the scenario is invalid (checked up front).
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        sink: EventSink | None = None,
        on_complete: Callable[[Recording], None] | None = None,
        validate_calls: bool = True,
        responder: RestResponder | None = None,
    ) -> None:
        super().__init__(scenario, sink=sink)
        self.recorder = Recorder(self)
        self.recorder.on_complete = on_complete
        self.transcriber = Transcriber(self)
        self.recorder.completion_hooks.append(self.transcriber.on_complete)
        self.bridge = Conferences(self, self.recorder)
        self.controls = RestControls(self, self.recorder, self.bridge, responder=responder)
        self.context = Context(self, self.recorder, self.bridge)
        if validate_calls:
            check_up_front(self)

    # ----------------------------------------------------- hooks and state
    @property
    def on_complete(self) -> RecordingHook | None:
        """Called with each recording when it completes or is absent."""
        return self.recorder.on_complete

    @on_complete.setter
    def on_complete(self, hook: RecordingHook | None) -> None:
        self.recorder.on_complete = hook

    @property
    def on_update(self) -> RecordingHook | None:
        """Called with a recording when it starts, is paused, resumed or stopped."""
        return self.recorder.on_update

    @on_update.setter
    def on_update(self, hook: RecordingHook | None) -> None:
        self.recorder.on_update = hook

    @property
    def transcription_engine(self) -> Any:
        """The speech-to-text engine or its name (default: the scenario's
        ``account.transcription_engine``)."""
        return self.transcriber.engine

    @transcription_engine.setter
    def transcription_engine(self, engine: Any) -> None:
        self.transcriber.engine = engine

    @property
    def recordings(self) -> dict[str, Recording]:
        """Every recording by RecordingSid, in creation order."""
        return self.recorder.recordings

    @property
    def conferences(self) -> dict[str, Conference]:
        """The latest conference of each room name."""
        return self.bridge.conferences

    @property
    def transcriptions(self) -> dict[str, Transcription]:
        """Every transcription by TranscriptionSid, in creation order."""
        return self.transcriber.transcriptions

    # -------------------------------------------------------------- actions
    def add_call(self, index: int, spec: CallSpec) -> Call:
        """Create call ``index`` and start its process (its SIDs come from
        :attr:`new_sids`: in a run, from the seed and the index only)."""
        call = self.new_call(index, spec)
        self.env.process(call_process(self.context, self.controls, call))
        return call

    def run(self, calls: Iterable[tuple[int, CallSpec]] | None = None, *,
            progress: Callable[[int, int], None] | None = None) -> None:
        """Run calls to their end and every recording to completed or absent, with the
        garbage collector set for many calls (:func:`quiet_gc`).

        Parameters
        ----------
        calls : iterable of (int, CallSpec), optional
            ``(index, spec)`` of the calls to add first (default: the scenario's
            :meth:`~recsim.scenario.Scenario.indexed_calls`; a batch shard passes its own).
        progress : callable, optional
            Called with ``(calls_ended, calls_total)`` every simulated minute and at the end.
        """
        with quiet_gc():
            for index, spec in self.scenario.indexed_calls() if calls is None else calls:
                self.add_call(index, spec)
            env = self.env
            if progress is None:
                env.run()
                return
            tick = 60.0
            while env.peek() != float("inf"):
                env.step()
                if env.now >= tick:
                    tick = env.now + 60.0
                    progress(sum(c.parent.ended_at is not None for c in self.calls), len(self.calls))
            progress(len(self.calls), len(self.calls))

    def close(self) -> None:
        """Drop everything the simulation holds, once its results are read (a batch
        shard: after :meth:`RecordingWriter.finish <recsim.outputs.RecordingWriter.finish>`).

        The simulation and its services refer to each other (``recorder.kernel``, the
        hooks), so the calls, legs, streams, recordings and the shard's scenario they
        reach are otherwise freed only by the cyclic collector: ~60,000 objects a
        200-call shard, ~35 ms of a collection. Emptied here, they are freed by reference
        counts as soon as the caller drops the simulation (what is left in cycles, a
        few small objects, costs the collector nothing). The simulation cannot be used
        afterwards.
        """
        self.__dict__.clear()

    def rest_create(self, call: Call, req: RestCreate) -> Recording:
        """:meth:`RestControls.create <recsim.sim.controls.RestControls.create>` now."""
        return self.controls.create(call, req)

    def rest_update(self, call: Call, req: RestUpdate) -> Recording:
        """:meth:`RestControls.update <recsim.sim.controls.RestControls.update>` now."""
        return self.controls.update(call, req)

    def conference_update(self, req: RestUpdate) -> Recording:
        """:meth:`RestControls.update_conference <recsim.sim.controls.RestControls.update_conference>` now."""
        return self.controls.update_conference(req)


