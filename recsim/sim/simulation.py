"""The simulation: one SimPy environment running every call of a scenario.

SimPy schedules control events (calls start, verbs run, REST requests arrive, keys,
hangups, processing ends); the numpy core computes audio when a recording stops. State
lives here (recordings, calls, events) and in :mod:`recsim.sim.recording`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import simpy

from recsim.audio import SAMPLE_RATE, dtmf_tone, load_audio, speech_like
from recsim.configurations import ConfigurationStore, RecordingConfiguration
from recsim.errors import ApiError, InvalidRequestError, NotFoundError, ScenarioError, SimulationError
from recsim.scenario import AudioClip, CallSpec, PartySpec, RestCreate, RestUpdate, Scenario
from recsim.sids import SidFactory, is_sid, sid_from_text
from recsim.sim.call import Call, Leg
from recsim.sim.callbacks import API_VERSION, Event, EventSink, MemorySink, rfc2822
from recsim.sim.conference import Conference, Participant
from recsim.sim.media import to_sample
from recsim.sim.options import apply_configuration, recording_options
from recsim.sim.recording import Recording, RecordingOptions, assemble, whole_seconds
from recsim.sim.transcribe import Transcription, maybe_transcribe
from recsim.twiml import ConferenceNoun, Document, Warning, parse_twiml
from recsim.values import Channels, PauseBehavior, Source, Status, Track, Trim, UpdateStatus

__all__ = ["MAX_DOCUMENT_REQUESTS", "Simulation"]

#: TwiML documents one call may fetch before recsim stops it as a loop.
MAX_DOCUMENT_REQUESTS = 100
#: Seconds a dialed party stays on after the conversation's audio has ended.
HANGUP_GRACE_S = 1.0

_EMPTY_DOC = Document(url="", verbs=())


class Simulation:
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
    ) -> None:
        self.scenario = scenario
        self.account = scenario.account
        self.account_sid = scenario.account.sid or sid_from_text("AC", f"recsim-account-{scenario.seed}")
        self.epoch: dt.datetime = scenario.epoch
        self.env = simpy.Environment()
        self.sink: EventSink = sink if sink is not None else MemorySink()
        self.on_complete = on_complete
        #: Fetches TwiML for URLs not in ``apps`` (the emulator's HTTP client): returns the
        #: document text, or None for an empty answer.
        self.twiml_fetcher: Callable[[str, str, dict[str, str]], str | None] | None = None
        #: Called with a recording when it starts, is paused, resumed or stopped.
        self.on_update: Callable[[Recording], None] | None = None
        self.calls: list[Call] = []
        self.recordings: dict[str, Recording] = {}
        self._audio_cache: dict[tuple[str, bool], np.ndarray] = {}
        self._docs: dict[str, Document] = {}
        self.conferences: dict[str, Conference] = {}
        self.transcriptions: dict[str, Transcription] = {}
        #: The speech-to-text engine (default: the scenario's account.transcription_engine).
        self.transcription_engine: Any = None
        self._conference_sids: dict[str, SidFactory] = {}
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
            self._docs[url] = self._parse(xml, url, f"apps[{url!r}]")
        if validate_calls:
            self._validate_calls()

    def _validate_calls(self) -> None:
        """Inline TwiML, audio files, and what each call can reach (raises ScenarioError)."""
        from recsim.sim.checks import check_calls

        first: dict[int, Document] = {}
        for i, c in enumerate(self.scenario.calls):
            if c.twiml is not None:
                url = self._inline_url(c.index if c.index is not None else i)
                first[i] = self._parse(c.twiml, url, f"calls[{i}].twiml")
            for clip in c.audio or []:
                self._clip_audio(clip, False)
        for party in self.scenario.parties.values():
            for clip in party.audio:
                self._clip_audio(clip, party.mulaw)
        check_calls(self, first)

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
        inline = call.spec.twiml is not None and url == self._inline_url(call.index)
        return f"calls[{call.index}].twiml" if inline else url

    # ----------------------------------------------------------------- inputs
    def _parse(self, xml: str, url: str, where: str) -> Document:
        from recsim.errors import TwimlError

        try:
            return parse_twiml(xml, url=url, max_call_duration=self.account.max_call_duration_s)
        except TwimlError as exc:
            raise ScenarioError(f"{self.scenario.source}: {where}: {exc}") from None

    @staticmethod
    def _inline_url(index: int) -> str:
        return f"https://recsim.local/calls/{index}/twiml"

    def _clip_audio(self, clip: AudioClip, mulaw: bool) -> np.ndarray:
        if clip.talker is not None:
            from recsim.traffic import talker_bank

            voice = talker_bank(self.scenario.seed)[clip.talker.voice]
            a = round(clip.talker.offset_s * SAMPLE_RATE) % max(1, voice.shape[0])
            return voice[a : a + round(clip.talker.seconds * SAMPLE_RATE)]
        if clip.synthetic is not None:
            s = clip.synthetic
            return speech_like(s.seconds, seed=s.seed, level_dbfs=s.level_dbfs, pitch_hz=s.pitch_hz)
        assert clip.file is not None
        key = (clip.file, mulaw)
        if key not in self._audio_cache:
            from recsim.errors import AudioFileError

            try:
                self._audio_cache[key] = load_audio(self.scenario.resolve_path(clip.file), mulaw=mulaw)
            except AudioFileError as exc:
                raise ScenarioError(f"{self.scenario.source}: audio file: {exc}") from None
        return self._audio_cache[key]

    def media_audio(self, url: str, where: str = "") -> np.ndarray:
        """Audio of a ``<Play>`` URL from the scenario's ``media`` map.

        Parameters
        ----------
        url : str
            The ``<Play>`` URL.
        where : str
            Prefixed to the error message (:meth:`where`: file, call, document).

        Raises
        ------
        SimulationError
            The URL has no entry in ``media``.
        ScenarioError
            Its file cannot be read.
        """
        if url not in self.scenario.media:
            prefix = f"{where}: " if where else f"{self.scenario.source}: "
            raise SimulationError(
                f"{prefix}<Play>{url}</Play>: the URL has no entry in the scenario's media map "
                f"(known: {sorted(self.scenario.media)})"
            )
        return self._clip_audio(AudioClip(file=self.scenario.media[url]), False)

    def place_party_audio(self, leg: Leg, clips: list[AudioClip], mulaw: bool, at: float) -> None:
        """Put a party's clips on ``leg.inbound`` from its answer time ``at``."""
        for clip in clips:
            leg.inbound.add(to_sample(at + clip.at), self._clip_audio(clip, mulaw))

    # ------------------------------------------------------------------ events
    def emit(self, kind: str, url: str | None, method: str | None, params: dict[str, str],
             *, call: Call | None = None, recording: Recording | None = None, **extra: Any) -> None:
        """Send one event to the sink at the current simulated time."""
        self.sink.emit(Event(
            time=float(self.env.now), kind=kind, url=url, method=method, parameters=params,
            call_sid=call.parent.sid if call else (recording.leg.sid if recording else None),
            recording_sid=recording.sid if recording else None, extra=extra,
        ))

    def warn(self, call: Call, w: Warning, document_url: str) -> None:
        """A debugger warning event (Twilio code, element, attribute, value)."""
        self.emit("debugger-warning", None, None, {}, call=call, code=w.code, message=w.message,
                  element=w.element, attribute=w.attribute, value=w.value, document=document_url)

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

        A URL with no ``apps`` entry answers an empty ``<Response/>`` (the call ends).

        Raises
        ------
        SimulationError
            More than :data:`MAX_DOCUMENT_REQUESTS` documents in one call: the message
            names the scenario file, the call and the documents that loop (e.g.
            ``<Redirect> loop: /a -> /b -> /a``).
        """
        call.document_requests += 1
        call.document_history.append((url, reason))
        if call.document_requests > MAX_DOCUMENT_REQUESTS:
            history = [(self._doc_name(call, u), r) for u, r in call.document_history]
            raise SimulationError(f"{self.where(call)}: {_loop_message(history)}")
        self.emit("twiml-request", url, method, params, call=call, reason=reason)
        doc = self._docs.get(url)
        if doc is None:
            doc = _EMPTY_DOC
            if self.twiml_fetcher is not None:
                xml = self.twiml_fetcher(url, method, params)
                if xml is not None:
                    from recsim.errors import TwimlError

                    try:
                        doc = parse_twiml(xml, url=url, max_call_duration=self.account.max_call_duration_s)
                    except TwimlError as exc:
                        self.emit("debugger-warning", None, None, {}, call=call, code=12100,
                                  message=f"Document parse failure: {exc}", document=url)
        for w in doc.warnings:
            self.warn(call, w, url)
        return doc

    # ------------------------------------------------------------- recordings
    def recording_url(self, sid: str) -> str:
        """RecordingUrl / media_url of a recording (no extension: WAV by default)."""
        return f"https://api.twilio.com/2010-04-01/Accounts/{self.account_sid}/Recordings/{sid}"

    def status_params(self, rec: Recording, status: Status | str) -> dict[str, str]:
        """recordingStatusCallback parameters, per source (see recsim.sim.callbacks)."""
        p = {"AccountSid": self.account_sid, "CallSid": rec.leg.sid}
        if rec.conference_sid is not None:
            p["ConferenceSid"] = rec.conference_sid
        p |= {
            "RecordingSid": rec.sid,
            "RecordingUrl": self.recording_url(rec.sid),
            "RecordingStatus": str(status),
        }
        if status == Status.COMPLETED:
            p["RecordingDuration"] = str(rec.duration)
        p["RecordingChannels"] = str(rec.options.n_channels)
        if rec.options.source is not Source.RECORD_VERB:
            p["RecordingStartTime"] = rfc2822(self.epoch, rec.start)
        p["RecordingSource"] = str(rec.options.source)
        if rec.options.source is not Source.RECORD_VERB:
            p["RecordingTrack"] = str(rec.options.track)
        return p

    def _status_callback(self, rec: Recording, status: Status) -> None:
        cb = rec.options.callback
        if cb.url and status in cb.events:
            self.emit("recording-status-callback", cb.url, cb.method, self.status_params(rec, status),
                      recording=rec)

    def start_recording(self, call: Call, leg: Leg, options: RecordingOptions, t: float) -> Recording:
        """Create a recording of ``leg`` capturing from ``t`` (in-progress callback now)."""
        rec = Recording(call.sids.new("RE"), leg, options, t)
        rec.call = call
        call.recordings.append(rec)
        self.recordings[rec.sid] = rec
        self._status_callback(rec, Status.IN_PROGRESS)
        self._updated(rec)
        return rec

    def _updated(self, rec: Recording) -> None:
        if self.on_update is not None:
            self.on_update(rec)

    def stop_recording(self, rec: Recording, t: float) -> None:
        """Stop ``rec`` at ``t``: assemble its samples now (so a ``<Record>`` knows at once
        whether it is absent) and complete it after the processing delay."""
        rec.stop(t)
        acc = self.account
        rec.assembly = assemble(rec, no_media=rec.leg.no_media, threshold_dbfs=acc.trim_threshold_dbfs,
                                frame_s=acc.trim_frame_s)
        n = rec.assembly.samples.shape[0]
        rec.duration = whole_seconds(n, acc.duration_rounding)
        if n / SAMPLE_RATE < acc.min_duration_s:
            rec.error_code = 16101
        elif rec.assembly.silent and acc.delete_silent_recordings:
            rec.error_code = 16102
        self._updated(rec)
        self.env.process(self._complete(rec))

    def _complete(self, rec: Recording):
        yield self.env.timeout(self.account.processing_delay_s)
        from recsim.sim.lifecycle import transition

        absent = rec.error_code is not None
        rec.status = transition(rec.status, "absent" if absent else "complete")
        rec.completed_at = float(self.env.now)
        rec.updated_at = rec.completed_at
        if absent:
            rec.duration = 0
        self._status_callback(rec, rec.status)
        if rec.assembly is not None:
            maybe_transcribe(self, rec, rec.assembly.samples)
        if self.on_complete is not None:
            self.on_complete(rec)

    def stop_all(self, call: Call, leg: Leg, t: float, sources: tuple[Source, ...] | None = None) -> None:
        """Stop every active recording of ``leg`` (optionally only of ``sources``)."""
        for rec in call.recordings:
            if rec.leg is leg and rec.active and (sources is None or rec.options.source in sources):
                self.stop_recording(rec, t)

    def engine(self) -> Any:
        """The transcription engine (resolved on first use)."""
        from recsim.transcription import get_engine

        if self.transcription_engine is None or isinstance(self.transcription_engine, str):
            self.transcription_engine = get_engine(self.transcription_engine or self.account.transcription_engine)
        return self.transcription_engine

    def configuration(self, ref: str | None, where: str = "") -> RecordingConfiguration | None:
        """The Recording Configuration ``ref`` (id or unique_name) names, or None.

        Parameters
        ----------
        ref : str or None
            recordingConfigurationId / RecordingConfigurationId (004).
        where : str
            Prefixed to the error message (:meth:`where`: file, call, element).

        Raises
        ------
        SimulationError
            ``ref`` names no configuration of the scenario.
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

    # -------------------------------------------------------------- REST API
    def rest_create(self, call: Call, req: RestCreate) -> Recording:
        """POST .../Calls/{CallSid}/Recordings.json (002): start recording a live call.

        Defaults of this source: mono, track both, do-not-trim, completed event.

        Raises
        ------
        InvalidRequestError
            21220 when the call is not in progress.
        """
        leg = call.parent
        if leg.status() != "in-progress":
            raise InvalidRequestError(21220, f"Call {leg.sid} is not in-progress ({leg.status()}); "
                                             "recordings can only be started on a live call")
        opts = recording_options(Source.START_CALL_RECORDING_API, track=req.RecordingTrack or Track.BOTH,
                                 channels=req.RecordingChannels or Channels.MONO,
                                 trim=req.Trim or Trim.DO_NOT_TRIM,
                                 callback_url=req.RecordingStatusCallback,
                                 callback_method=req.RecordingStatusCallbackMethod,
                                 callback_events=req.RecordingStatusCallbackEvent)
        opts = apply_configuration(opts, self.configuration(req.RecordingConfigurationId))
        return self.start_recording(call, leg, opts, float(self.env.now))

    @staticmethod
    def find_recording(recordings: list[Recording], ref: str | int, owner: str) -> Recording:
        """Resolve a RecordingSid, ``Twilio.CURRENT`` or a 1-based index among the
        recordings of ``owner`` (``Calls/CA...`` or ``Conferences/CF...``).

        Raises
        ------
        NotFoundError
            20404: no such recording, or no active one for Twilio.CURRENT.
        InvalidRequestError
            16108: Twilio.CURRENT with more than one active recording.
        """
        if ref == "Twilio.CURRENT":
            active = [r for r in recordings if r.active and r.options.source is not Source.RECORD_VERB]
            if not active:
                raise NotFoundError(f"No active recording for {owner} (Twilio.CURRENT)")
            if len(active) > 1:
                raise InvalidRequestError(
                    16108, f"Request failed due to concurrent recordings: {owner} has "
                           f"{len(active)} active recordings; use the RecordingSid")
            return active[0]
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            i = int(ref)
            if 1 <= i <= len(recordings):
                return recordings[i - 1]
            raise NotFoundError(f"{owner} has no recording number {i} ({len(recordings)} so far)")
        if is_sid(ref, "RE"):
            for r in recordings:
                if r.sid == ref:
                    return r
        raise NotFoundError(f"The requested resource /{owner}/Recordings/{ref} was not found")

    def rest_update(self, call: Call, req: RestUpdate) -> Recording:
        """POST .../Calls/{CallSid}/Recordings/{Sid}.json (002): pause, resume or stop;
        with ``conference``, :meth:`conference_update`.

        Raises
        ------
        NotFoundError, InvalidRequestError
            As :meth:`find_recording`; 16114 for a recording no longer active; 21220 for
            a ``<Record>`` verb recording (not controllable over REST); 20001 for a
            ``Status`` or ``PauseBehavior`` that is not one of its wire values.
        """
        status, behavior = _update_values(req)
        if req.conference is not None:
            return self.conference_update(req)
        rec = self.find_recording(call.recordings, req.recording, f"Calls/{call.parent.sid}")
        if rec.options.source is Source.RECORD_VERB:
            raise InvalidRequestError(21220, f"Recording {rec.sid} was made by <Record> and cannot be "
                                             "paused, resumed or stopped over REST")
        now = float(self.env.now)
        if status is UpdateStatus.PAUSED:
            rec.pause(now, behavior)
        elif status is UpdateStatus.IN_PROGRESS:
            rec.resume(now)
        else:
            self.stop_recording(rec, now)
        self._updated(rec)
        return rec

    def _rest(self, call: Call, req: RestCreate | RestUpdate, at: float):
        yield self.env.timeout(max(0.0, at - self.env.now))
        owner = f"Calls/{call.parent.sid}"
        if req.conference is not None:
            conf = self.conferences.get(req.conference)
            owner = f"Conferences/{conf.sid if conf else req.conference}"
        base = f"/2010-04-01/Accounts/{self.account_sid}/{owner}/Recordings"
        params = {k: (" ".join(v) if isinstance(v, list) else str(v))
                  for k, v in req.model_dump(exclude_none=True).items() if k[0].isupper()}
        try:
            if isinstance(req, RestCreate) and req.conference is not None:
                raise ApiError(20004, "Method not allowed: a conference recording is started by <Conference "
                                      "record=\"record-from-start\">, not by the API (003)", status=405)
            if isinstance(req, RestCreate):
                rec = self.rest_create(call, req)
                path, status, shown = f"{base}.json", 201, str(Status.IN_PROGRESS)
            else:
                rec = self.rest_update(call, req)
                path, status = f"{base}/{req.recording}.json", 200
                shown = str(Status.STOPPED if req.Status == UpdateStatus.STOPPED else rec.status)
            self.emit("api-response", path, "POST", params, call=call, recording=rec, status=status,
                      body={"sid": rec.sid, "status": shown, "call_sid": call.parent.sid})
        except ApiError as err:
            ref = getattr(req, "recording", "")
            path = f"{base}/{ref}.json" if ref else f"{base}.json"
            self.emit("api-response", path, "POST", params, call=call, status=err.status, body=err.to_dict())

    # ------------------------------------------------------------ conferences
    def conference_join(self, call: Call, noun: ConferenceNoun, where: str = "") -> tuple[Conference, Participant]:
        """The call's parent leg joins conference ``noun.name`` now (a new conference
        when none of that name is open); ``where`` prefixes error messages."""
        t = float(self.env.now)
        conf = self.conferences.get(noun.name)
        if conf is None or conf.ended_at is not None:
            if noun.name not in self._conference_sids:
                self._conference_sids[noun.name] = self.new_sids("conference", noun.name)
            sids = self._conference_sids[noun.name]
            conf = Conference(name=noun.name, sid=sids.new("CF"), sids=sids, ended_event=self.env.event())
            self.conferences[noun.name] = conf
        part = Participant(leg=call.parent, noun=noun, joined_at=t)
        conf.participants.append(part)
        if conf.active:
            conf.connect(part, t)
        elif noun.start_conference_on_enter:
            self._conference_start(conf, part, t, where)
        return conf, part

    def _conference_start(self, conf: Conference, starter: Participant, t: float, where: str = "") -> None:
        conf.started_at = t
        conf.starter = starter
        for p in conf.participants:
            conf.connect(p, t)
        noun = starter.noun
        if noun.record == "record-from-start":
            dual = self.account.dual_channel_conference_recording
            opts = recording_options(Source.CONFERENCE, track=Track.BOTH if dual else Track.INBOUND,
                                     channels=Channels.DUAL if dual else Channels.MONO, trim=noun.trim,
                                     callback_url=noun.recording_status_callback,
                                     callback_method=noun.recording_status_callback_method,
                                     callback_events=noun.recording_status_callback_event)
            opts = apply_configuration(opts, self.configuration(noun.recording_configuration_id, where))
            rec = Recording(conf.sids.new("RE"), conf.recording_leg(dual), opts, t)
            rec.conference_sid = conf.sid
            conf.recordings.append(rec)
            self.recordings[rec.sid] = rec
            self._status_callback(rec, Status.IN_PROGRESS)
            self._updated(rec)

    def conference_leave(self, conf: Conference, part: Participant, t: float) -> None:
        """``part`` leaves at ``t``; the conference ends if it was the last one or had
        endConferenceOnExit."""
        if part not in conf.participants:  # the conference ended at this very moment
            return
        conf.disconnect(part, t)
        conf.participants.remove(part)
        if conf.ended_at is None and (part.noun.end_conference_on_exit or not conf.participants):
            self._conference_end(conf, t)

    def _conference_end(self, conf: Conference, t: float) -> None:
        conf.ended_at = t
        if conf.started_at is None:
            conf.started_at = t
        for rec in conf.recordings:
            if rec.active:
                self.stop_recording(rec, t)
        for p in list(conf.participants):
            conf.disconnect(p, t)
        conf.participants.clear()
        conf.ended_event.succeed()

    def conference_update(self, req: RestUpdate) -> Recording:
        """POST .../Conferences/{ConferenceSid}/Recordings/{Sid}.json: pause or resume
        (002: "stopped not supported for conference recordings").

        Raises
        ------
        NotFoundError
            20404: no such conference or recording.
        InvalidRequestError
            Status=stopped (conference recordings end with the conference); 16114; 20001
            for a ``Status`` or ``PauseBehavior`` that is not one of its wire values.
        """
        assert req.conference is not None
        status, behavior = _update_values(req)
        conf = self.conferences.get(req.conference)
        if conf is None:
            raise NotFoundError(f"Conference {req.conference!r} was not found")
        rec = self.find_recording(conf.recordings, req.recording, f"Conferences/{conf.sid}")
        now = float(self.env.now)
        if status is UpdateStatus.STOPPED:
            raise InvalidRequestError(21220, "A conference recording cannot be stopped through the API; it ends "
                                             "when the conference ends (pause it instead)")
        if status is UpdateStatus.PAUSED:
            rec.pause(now, behavior)
        else:
            rec.resume(now)
        self._updated(rec)
        return rec

    # ------------------------------------------------------------------ calls
    def party(self, address: str) -> PartySpec | None:
        """The scenario's party for a number or client, if any."""
        return self.scenario.parties.get(address)

    def hangup(self, call: Call, leg: Leg) -> None:
        """The party of ``leg`` hangs up now (a parent hangup interrupts the TwiML)."""
        if leg.ended_at is not None:
            return
        if leg.hangup_event is not None and not leg.hangup_event.triggered:
            leg.hangup_event.succeed()
        if leg is call.parent and call.process is not None and call.process.is_alive:
            call.process.interrupt("hangup")

    def end_leg(self, call: Call, leg: Leg, t: float) -> None:
        """Mark ``leg`` ended and stop its recordings."""
        if leg.ended_at is None:
            leg.ended_at = t
            self.stop_all(call, leg, t)

    def _timed_hangup(self, call: Call, who: str, at: float):
        yield self.env.timeout(max(0.0, at - self.env.now))
        if who == "caller" or call.spec.direction == "outbound-api" or call.child is None:
            self.hangup(call, call.parent)
        else:
            self.hangup(call, call.child)

    def _no_media(self, call: Call, at: float, seconds: float) -> None:
        call.parent.no_media.append((at, at + seconds))

    def _call(self, call: Call):
        from recsim.sim.interpreter import run_document

        spec = call.spec
        t0 = float(self.env.now) + spec.start_s  # the call's time 0 (calls may be added while running)
        yield self.env.timeout(spec.start_s)
        leg = call.parent
        remote = spec.from_ if spec.direction == "inbound" else spec.to
        party = self.party(remote)
        clips = spec.audio if spec.audio is not None else (party.audio if party else [])
        mulaw = party.mulaw if party else False
        if spec.direction == "outbound-api":
            yield self.env.timeout(party.answer_delay_s if party else 0.0)
        leg.answered_at = float(self.env.now)
        self.place_party_audio(leg, clips, mulaw, leg.answered_at)
        for ev in spec.events:
            if ev.dtmf is not None:
                for k, key in enumerate(ev.dtmf):
                    t = t0 + ev.at + k * 0.2
                    leg.dtmf.append((t, key))
                    leg.inbound.add(to_sample(t), dtmf_tone(key))
            elif ev.hangup is not None:
                self.env.process(self._timed_hangup(call, ev.hangup, t0 + ev.at))
            elif ev.no_media_s is not None:
                self._no_media(call, t0 + ev.at, ev.no_media_s)
            elif ev.rest is not None:
                self.env.process(self._rest(call, ev.rest, t0 + ev.at))
        leg.dtmf.sort()
        if party and party.hangup_after_s is not None:
            who = "callee" if spec.direction == "outbound-api" else "caller"
            self.env.process(self._timed_hangup(call, who, leg.answered_at + party.hangup_after_s))
        self.env.process(self._timed_hangup(call, "caller", t0 + self.account.max_call_duration_s))
        if spec.record is not None and spec.record.Record:
            r = spec.record
            opts = recording_options(Source.OUTBOUND_API, track=r.RecordingTrack, channels=r.RecordingChannels,
                                     trim=r.Trim, callback_url=r.RecordingStatusCallback,
                                     callback_method=r.RecordingStatusCallbackMethod,
                                     callback_events=r.RecordingStatusCallbackEvent)
            opts = apply_configuration(opts, self.configuration(r.RecordingConfigurationId,
                                                                f"{self.where(call)}: record.RecordingConfigurationId"))
            self.start_recording(call, leg, opts, leg.answered_at)
        call.process = self.env.process(run_document(self, call))
        try:
            yield call.process
        except simpy.Interrupt:  # pragma: no cover - the process handles its own interrupts
            pass
        self.end_leg(call, leg, float(self.env.now))

    def first_document(self, call: Call) -> Document:
        """The call's first TwiML (the voice URL request is an event)."""
        spec = call.spec
        url = spec.url if spec.url is not None else self._inline_url(call.index)
        if spec.twiml is not None and url not in self._docs:
            self._docs[url] = self._parse(spec.twiml, url, f"calls[{call.index}].twiml")
        params = self.standard_params(call)
        if spec.direction == "inbound":
            params["CallStatus"] = "ringing"
        return self.fetch(call, url, "POST", params, reason="voice")

    def run(self) -> None:
        """Run every call to its end and every recording to completed or absent."""
        for i, spec in enumerate(self.scenario.calls):
            self.add_call(spec.index if spec.index is not None else i, spec)
        self.env.run()

    def seeded_sids(self, kind: str, key: int | str) -> SidFactory:
        """The SID generator of a call (``kind="call"``, ``key`` its index) or a
        conference (``kind="conference"``, ``key`` its whole room name), derived from the
        scenario seed and the whole key only (DESIGN.md, Identity): the same in every
        process and shard, and distinct for distinct keys.

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

    def add_call(self, index: int, spec: CallSpec) -> Call:
        """Create call ``index`` (its SIDs come from :attr:`new_sids`: in a run, from the
        seed and the index only)."""
        sids = self.new_sids("call", index)
        leg = Leg(sid=sids.new("CA"), from_=spec.from_, to=spec.to, direction=spec.direction)
        call = Call(index=index, spec=spec, sids=sids, parent=leg)
        call.legs.append(leg)
        self.calls.append(call)
        self.env.process(self._call(call))
        return call


def _update_values(req: RestUpdate) -> tuple[UpdateStatus, PauseBehavior]:
    """``Status`` and ``PauseBehavior`` (default silence) of a 002 update, parsed.

    Raises
    ------
    InvalidRequestError
        20001: either is not one of its wire values (case-sensitive).
    """
    status = UpdateStatus.parse(req.Status, "Status")
    behavior = PauseBehavior.parse(req.PauseBehavior or PauseBehavior.SILENCE, "PauseBehavior")
    return status, behavior


_LOOP_HINT = "; a <Record> without action re-requests its own document: give it an action URL"


def _loop_message(history: list[tuple[str, str]]) -> str:
    """The run-time loop message (:func:`recsim.sim.checks.loop_message`), with a hint
    when the last request is a ``<Record>`` re-requesting its own document."""
    from recsim.sim.checks import loop_message

    text = loop_message(history, MAX_DOCUMENT_REQUESTS)
    (url, reason), prev = history[-1], history[-2][0] if len(history) > 1 else None
    return text + (_LOOP_HINT if reason == "record-action" and url == prev else "")
