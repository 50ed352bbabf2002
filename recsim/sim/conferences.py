"""The conferences service: participants join and leave, a conference starts, records
from its start (``<Conference record="record-from-start">``) and ends.

State (streams, links, participants) lives in :mod:`recsim.sim.conference`; this
service keeps the conferences of one kernel by room name and decides when each starts
and ends (see that module's docstring for the rules).
"""

from __future__ import annotations

from recsim.sids import SidFactory
from recsim.sim.call import Call
from recsim.sim.conference import Conference, Participant
from recsim.sim.kernel import Kernel
from recsim.sim.options import conference_options
from recsim.sim.recorder import Recorder
from recsim.twiml import ConferenceNoun

__all__ = ["Conferences"]


class Conferences:
    """The conferences of one kernel.

    Parameters
    ----------
    kernel : Kernel
        Clock, SIDs, account settings (dual-channel conference recordings), configurations.
    recorder : Recorder
        Starts and stops conference recordings.

    Attributes
    ----------
    conferences : dict of str to Conference
        The latest conference of each room name.
    """

    def __init__(self, kernel: Kernel, recorder: Recorder) -> None:
        self.kernel = kernel
        self.recorder = recorder
        self.conferences: dict[str, Conference] = {}
        self._sids: dict[str, SidFactory] = {}

    def join(self, call: Call, noun: ConferenceNoun, where: str = "") -> tuple[Conference, Participant]:
        """The call's parent leg joins conference ``noun.name`` now (a new conference
        when none of that name is open); ``where`` prefixes error messages.

        Raises
        ------
        SimulationError
            The noun's recordingConfigurationId names no configuration of the scenario.
        """
        k = self.kernel
        t = float(k.env.now)
        conf = self.conferences.get(noun.name)
        if conf is None or conf.ended_at is not None:
            if noun.name not in self._sids:
                self._sids[noun.name] = k.new_sids("conference", noun.name)
            sids = self._sids[noun.name]
            conf = Conference(name=noun.name, sid=sids.new("CF"), sids=sids, ended_event=k.env.event())
            self.conferences[noun.name] = conf
        part = Participant(leg=call.parent, noun=noun, joined_at=t)
        conf.participants.append(part)
        if conf.active:
            conf.connect(part, t)
        elif noun.start_conference_on_enter:
            self._start(conf, part, t, where)
        return conf, part

    def _start(self, conf: Conference, starter: Participant, t: float, where: str = "") -> None:
        conf.started_at = t
        conf.starter = starter
        for p in conf.participants:
            conf.connect(p, t)
        noun = starter.noun
        if noun.record == "record-from-start":
            dual = self.kernel.account.dual_channel_conference_recording
            cfg = self.kernel.configuration(noun.recording_configuration_id, where)
            rec = self.recorder.start(conf.sids, conf.recording_leg(dual), conference_options(noun, dual, cfg), t,
                                      conference_sid=conf.sid)
            conf.recordings.append(rec)

    def leave(self, conf: Conference, part: Participant, t: float) -> None:
        """``part`` leaves at ``t``; the conference ends if it was the last one or had
        endConferenceOnExit."""
        if part not in conf.participants:  # the conference ended at this very moment
            return
        conf.disconnect(part, t)
        conf.participants.remove(part)
        if conf.ended_at is None and (part.noun.end_conference_on_exit or not conf.participants):
            self._end(conf, t)

    def _end(self, conf: Conference, t: float) -> None:
        conf.ended_at = t
        if conf.started_at is None:
            conf.started_at = t
        for rec in conf.recordings:
            if rec.active:
                self.recorder.stop(rec, t)
        for p in list(conf.participants):
            conf.disconnect(p, t)
        conf.participants.clear()
        conf.ended_event.succeed()
