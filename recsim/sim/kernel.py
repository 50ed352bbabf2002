"""The simulation kernel: one SimPy environment, its calls and legs, the event sink,
the clock and the TwiML documents, knowing nothing of the processes run in it.

Like SimPy's ``Environment``, the kernel holds state and schedules; behaviour lives in
processes and services built on it (:mod:`recsim.sim.recorder`,
:mod:`recsim.sim.conferences`, :mod:`recsim.sim.controls`, the TwiML interpreter), which
import this module and never the reverse. Services hook in through
:attr:`Kernel.leg_end_hooks`; the call process is started by whoever composes them
(:class:`recsim.sim.simulation.Simulation`).

Audio enters a leg through :meth:`Kernel.party_audio` (what a party says) and
:meth:`Kernel.platform_audio` (what the platform plays): the one place where a codec or
network-impairment stage of a leg would plug in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import simpy

from recsim.audio import SAMPLE_RATE
from recsim.configurations import ConfigurationStore, RecordingConfiguration
from recsim.errors import InvalidRequestError, NotFoundError, ScenarioError, SimulationError, TwimlError
from recsim.scenario import AudioClip, CallSpec, PartySpec, Scenario
from recsim.scenario.words import Word
from recsim.sids import SidFactory, sid_from_text
from recsim.sim.call import Call
from recsim.sim.callbacks import API_VERSION, Event, EventSink, MemorySink
from recsim.sim.documents import EMPTY_DOCUMENT, MAX_DOCUMENT_REQUESTS, inline_url, run_loop_message
from recsim.sim.inputs import Inputs
from recsim.sim.leg import Leg
from recsim.sim.media import to_sample
from recsim.sim.network import attach, update_spans
from recsim.sim.recording import Recording
from recsim.transcription.sources import clip_words
from recsim.twiml import Document, TwimlWarning, parse_twiml

__all__ = ["Kernel", "LegEndHook"]

#: Called with ``(call, leg, t)`` when a leg ends (the recorder stops its recordings).
LegEndHook = Callable[[Call, Leg, float], None]


class Kernel:
    """The environment of one scenario's calls.

    Parameters
    ----------
    scenario : Scenario
        Validated input: account, apps, parties, media, configurations.
    sink : EventSink, optional
        Where callbacks and warnings go (default: an in-memory list, ``.sink.events``).

    Raises
    ------
    ScenarioError
        An app's TwiML or a recording configuration of the scenario is invalid.
    """

    def __init__(self, scenario: Scenario, *, sink: EventSink | None = None) -> None:
        self.scenario = scenario
        self.account = scenario.account
        self.account_sid = scenario.account.sid or sid_from_text("AC", f"recsim-account-{scenario.seed}")
        self.epoch: dt.datetime = scenario.epoch
        self.env = simpy.Environment()
        self.sink: EventSink = sink if sink is not None else MemorySink()
        self.inputs = Inputs(scenario)
        #: Fetches TwiML for URLs not in ``apps`` (the emulator's HTTP client): returns the
        #: document text, or None for an empty answer.
        self.twiml_fetcher: Callable[[str, str, dict[str, str]], str | None] | None = None
        self.calls: list[Call] = []
        self.leg_end_hooks: list[LegEndHook] = []
        self._docs: dict[str, Document] = {}
        self._inline_docs: dict[str, Document] = {}  # inline TwiML text -> a document not tied to its call
        #: Makes the SID generator of a call (``("call", index)``) or a conference
        #: (``("conference", room name)``). A run derives it from the seed and the whole
        #: key (:meth:`seeded_sids`); the emulator replaces it with its store's issuer,
        #: which never issues a SID twice.
        self.new_sids: Callable[[str, int | str], SidFactory] = self.seeded_sids
        self.configurations = ConfigurationStore(self.account_sid, clock=lambda: self.epoch)
        for i, spec in enumerate(scenario.recording_configurations):
            try:
                self.configurations.create(spec.model_dump(exclude={"id"}, exclude_none=True), id=spec.id)
            except InvalidRequestError as exc:
                raise ScenarioError(f"{scenario.source}: recording_configurations.{i}: {exc.message}") from None
        for url, xml in scenario.apps.items():
            self._docs[url] = self.parse(xml, url, f"apps[{url!r}]")

    # ------------------------------------------------------------- documents
    def parse(self, xml: str, url: str, where: str) -> Document:
        """Parse a document of the scenario (``where`` names it in the error).

        Raises
        ------
        ScenarioError
            The TwiML is invalid (the message names the scenario file and ``where``).
        """
        try:
            return parse_twiml(xml, url=url, max_call_duration=self.account.max_call_duration_s)
        except TwimlError as exc:
            raise ScenarioError(f"{self.scenario.source}: {where}: {exc}") from None

    def document(self, url: str) -> Document | None:
        """The parsed ``apps`` document of ``url`` (or a call's inline TwiML once the call
        has requested it), None for any other URL."""
        return self._docs.get(url)

    def where(self, call: Call, document_url: str | None = None) -> str:
        """``file: calls[i] (CallSid)[: document]``: the start of a run-time error message."""
        text = f"{self.scenario.source}: calls[{call.index}] ({call.parent.sid})"
        return f"{text}: {self._doc_name(call, document_url)}" if document_url else text

    def _doc_name(self, call: Call, url: str) -> str:
        """A document as messages name it: its URL, or ``calls[i].twiml`` for inline TwiML."""
        inline = call.spec.twiml is not None and url == inline_url(call.index)
        return f"calls[{call.index}].twiml" if inline else url

    def standard_params(self, call: Call) -> dict[str, str]:
        """The standard TwiML request parameters (001 action, "standard TwiML Voice request
        parameters")."""
        leg = call.parent
        return {
            "CallSid": leg.sid,
            "AccountSid": self.account_sid,
            "From": leg.from_,
            "To": leg.to,
            "CallStatus": leg.status(),
            "ApiVersion": API_VERSION,
            "Direction": leg.direction,
        }

    def fetch(self, call: Call, url: str, method: str, params: dict[str, str], reason: str) -> Document:
        """Request TwiML from ``url`` (an event) and return the document the app answers.

        A URL with no ``apps`` entry answers an empty ``<Response/>`` (the call ends),
        unless :attr:`twiml_fetcher` answers it.

        Raises
        ------
        SimulationError
            More than :data:`~recsim.sim.documents.MAX_DOCUMENT_REQUESTS` documents in
            one call: the message names the scenario file, the call and the documents
            that loop (e.g. ``<Redirect> loop: /a -> /b -> /a``).
        """
        call.document_requests += 1
        call.document_history.append((url, reason))
        if call.document_requests > MAX_DOCUMENT_REQUESTS:
            history = [(self._doc_name(call, u), r) for u, r in call.document_history]
            raise SimulationError(f"{self.where(call)}: {run_loop_message(history)}")
        self.emit("twiml-request", url, method, params, call=call, reason=reason)
        doc = self._docs.get(url)
        if doc is None:
            doc = EMPTY_DOCUMENT
            xml = self.twiml_fetcher(url, method, params) if self.twiml_fetcher is not None else None
            if xml is not None:
                try:
                    doc = parse_twiml(xml, url=url, max_call_duration=self.account.max_call_duration_s)
                except TwimlError as exc:
                    self.emit("debugger-warning", None, None, {}, call=call, code=12100,
                              message=f"Document parse failure: {exc}", document=url)
        for w in doc.warnings:
            self.warn(call, w, url)
        return doc

    def first_document(self, call: Call) -> Document:
        """The call's first TwiML (the voice URL request is an event)."""
        spec = call.spec
        url = spec.url if spec.url is not None else inline_url(call.index)
        if spec.twiml is not None and url not in self._docs:
            self._docs[url] = self._inline(spec.twiml, url, call.index)
        params = self.standard_params(call)
        if spec.direction == "inbound":
            params["CallStatus"] = "ringing"
        return self.fetch(call, url, "POST", params, reason="voice")

    def _inline(self, xml: str, url: str, index: int) -> Document:
        """Call ``index``'s inline TwiML parsed at ``url``; the text parsed for an earlier
        call is reused (its URL replaced) when nothing in it came from that call's URL
        (a relative URL resolves under ``/calls/{i}/``, so none of its strings has it)."""
        inline = url == inline_url(index)
        hit = self._inline_docs.get(xml) if inline else None
        if hit is not None:
            return dataclasses.replace(hit, url=url)
        doc = self.parse(xml, url, f"calls[{index}].twiml")
        if inline and f"/calls/{index}/" not in repr((doc.verbs, doc.warnings)):
            self._inline_docs[xml] = doc
        return doc

    # ------------------------------------------------------------ events, media
    def emit(self, kind: str, url: str | None, method: str | None, params: dict[str, str],
             *, call: Call | None = None, recording: Recording | None = None, **extra: Any) -> None:
        """Send one event to the sink at the current simulated time."""
        self.sink.emit(Event(
            time=float(self.env.now), kind=kind, url=url, method=method, parameters=params,
            call_sid=call.parent.sid if call else (recording.leg.sid if recording else None),
            recording_sid=recording.sid if recording else None, extra=extra,
        ))

    def warn(self, call: Call, w: TwimlWarning, document_url: str) -> None:
        """A debugger warning event (Twilio code, element, attribute, value)."""
        self.emit("debugger-warning", None, None, {}, call=call, code=w.code, message=w.message,
                  element=w.element, attribute=w.attribute, value=w.value, document=document_url)

    def recording_url(self, sid: str) -> str:
        """RecordingUrl of a callback (no extension: WAV by default)."""
        return f"https://api.twilio.com/{API_VERSION}/Accounts/{self.account_sid}/Recordings/{sid}"

    def party_audio(self, leg: Leg, t: float, samples: np.ndarray, words: Sequence[Word] = ()) -> None:
        """What ``leg``'s party sends from simulated time ``t`` s (``(n,)`` int16 at 8 kHz)
        and the words it says (s from ``t``): the one path of a party's audio into the
        platform. With a network path (``leg.line``) the clip is band filtered and its
        lost packets concealed (:mod:`recsim.sim.network`)."""
        start = to_sample(t)
        if leg.line is not None:
            samples, concealed = leg.line.receive(start, samples)
            leg.concealed += [(a / SAMPLE_RATE, b / SAMPLE_RATE) for a, b in concealed]
        leg.inbound.add(start, samples, words)

    def platform_audio(self, leg: Leg, t: float, samples: np.ndarray, words: Sequence[Word] = ()) -> None:
        """What the platform plays to ``leg``'s party from ``t`` s (``<Say>``, ``<Play>``,
        the beep): ``(n,)`` int16 at 8 kHz, and its words (s from ``t``)."""
        leg.outbound.add(to_sample(t), samples, words)

    def place_party_audio(self, leg: Leg, clips: list[AudioClip], mulaw: bool, at: float) -> None:
        """Put a party's clips (and their words) on ``leg.inbound`` from its answer time
        ``at`` (s), each through :meth:`party_audio`; with a network path, its noise floor
        from ``at`` and its outages so far (no-media spans)."""
        if leg.line is not None and leg.inbound.floor is None:
            leg.inbound.floor = leg.line.floor(to_sample(at))
        clip_audio, party_audio, scenario = self.inputs.clip_audio, self.party_audio, self.scenario
        end = at
        for clip in clips:  # thousands of clips a shard: names looked up once, above
            t = at + clip.at
            samples = clip_audio(clip, mulaw)
            party_audio(leg, t, samples, clip_words(scenario, clip, samples))
            t += samples.shape[0] / SAMPLE_RATE
            if t > end:
                end = t
        update_spans(leg, end)

    # ----------------------------------------------------------------- calls
    def party(self, address: str) -> PartySpec | None:
        """The scenario's party for a number or client, if any."""
        return self.scenario.parties.get(address)

    def configuration(self, ref: str | None, where: str = "") -> RecordingConfiguration | None:
        """The Recording Configuration ``ref`` (id or unique_name) names, or None (004).

        Raises
        ------
        SimulationError
            ``ref`` names no configuration of the scenario (``where`` prefixes the message).
        """
        if ref is None:
            return None
        try:
            return self.configurations.retrieve(ref)
        except NotFoundError:
            known = [c.id for c in self.configurations.list()]
            prefix = f"{where}: " if where else f"{self.scenario.source}: "
            raise SimulationError(f"{prefix}recordingConfigurationId {ref!r} is not a configuration of the "
                                  f"scenario (known: {known})") from None

    def new_call(self, index: int, spec: CallSpec) -> Call:
        """Create call ``index`` (SIDs from :attr:`new_sids`); no process is started."""
        sids = self.new_sids("call", index)
        leg = Leg(sid=sids.new("CA"), from_=spec.from_, to=spec.to, direction=spec.direction)
        call = Call(index=index, spec=spec, sids=sids, parent=leg)
        call.legs.append(leg)
        self.attach_network(call, leg, spec.to if spec.direction == "outbound-api" else spec.from_)
        self.calls.append(call)
        return call

    def attach_network(self, call: Call, leg: Leg, address: str) -> None:
        """Give a new leg of ``call`` (the party at ``address``) its codec and network
        path from the scenario's ``network`` settings (:func:`recsim.sim.network.attach`)."""
        attach(self.scenario, call.index, call.spec, leg, address, len(call.legs) - 1, float(self.env.now))

    def hangup(self, call: Call, leg: Leg) -> None:
        """The party of ``leg`` hangs up now (a parent hangup interrupts the TwiML)."""
        if leg.ended_at is not None:
            return
        if leg.hangup_event is not None and not leg.hangup_event.triggered:
            leg.hangup_event.succeed()
        if leg is call.parent and call.process is not None and call.process.is_alive:
            call.process.interrupt("hangup")

    def end_leg(self, call: Call, leg: Leg, t: float) -> None:
        """Mark ``leg`` ended at ``t`` and run :attr:`leg_end_hooks` (once)."""
        if leg.ended_at is None:
            leg.ended_at = t
            update_spans(leg, t)
            if leg.inbound.floor is not None:
                leg.inbound.floor.stop = to_sample(t)
            for hook in self.leg_end_hooks:
                hook(call, leg, t)

    def seeded_sids(self, kind: str, key: int | str) -> SidFactory:
        """The SID generator of a call (``kind="call"``, ``key`` its index) or a
        conference (``kind="conference"``, ``key`` its whole room name), derived from the
        scenario seed and the whole key only (DESIGN.md, Identity).

        Raises
        ------
        ValueError
            ``kind`` is not call or conference.
        """
        if kind == "call":
            seq = np.random.SeedSequence(entropy=self.scenario.seed, spawn_key=(int(key),))
        elif kind == "conference":
            digest = hashlib.sha256(str(key).encode("utf-8")).digest()
            words = tuple(int.from_bytes(digest[i:i + 4], "big") for i in range(0, 32, 4))
            seq = np.random.SeedSequence(entropy=self.scenario.seed, spawn_key=(1 << 32, *words))
        else:
            raise ValueError(f"kind: {kind!r} is not allowed; allowed: call, conference")
        return SidFactory(seq)
