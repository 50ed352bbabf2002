"""Up-front checks of a scenario: what a run would refuse mid-way, refused before the
first byte of output is written.

A run requests TwiML only from the scenario's ``apps`` (a URL that is not a key of
``apps`` answers an empty ``<Response/>``: the call ends). So every document a call can
reach is known in advance: its first TwiML (``url`` or inline ``twiml``), then every
``<Redirect>`` URL, ``<Record action>`` (without action: its own document, 001) and
``<Dial action>`` that is a key of ``apps``. In each reachable document, up to a
``<Hangup>`` or ``<Redirect>`` (nothing after them runs):

- ``<Dial>`` to a number or client: the dialed target (the first one, the one a run
  dials) must be a key of ``parties``;
- ``<Play>``: the URL must be a key of ``media`` and its file must load.

And a ``<Redirect>`` loop the run would certainly stop: following the verbs whose
outcome does not depend on audio (``<Say>``, ``<Play>``, ``<Pause>``, ``<Start>``,
``<Stop>``, ``<Redirect>``; a ``<Record>``, a ``<Dial>``, a ``<Hangup>`` or the end of a
document ends the walk), the run's :data:`~recsim.sim.documents.MAX_DOCUMENT_REQUESTS`
+ 1-th TwiML request comes strictly before the call can first end (a ``hangup`` event,
the party's ``hangup_after_s``, the account's maximum call duration). That is exactly
the case in which :meth:`Kernel.fetch` raises :class:`~recsim.errors.SimulationError`
during the run; loops through ``<Record>`` or ``<Dial>`` depend on the audio and are
left to the run.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from recsim.audio import SAMPLE_RATE, say_duration_s
from recsim.errors import ScenarioError
from recsim.scenario import CallSpec, PartySpec, Scenario
from recsim.scenario.traffic import expand_units
from recsim.sim.documents import MAX_DOCUMENT_REQUESTS, inline_url, loop_message
from recsim.sim.kernel import Kernel
from recsim.twiml import Dial, Document, Hangup, Pause, Play, Record, Redirect, Say, StartRecording, StopRecording

__all__ = ["check_calls", "check_scenario", "dial_element", "validate_calls"]

_SHOWN = 10  # allowed values listed in a message (parties and media may be thousands)


def check_scenario(scenario: Scenario) -> None:
    """Refuse, before anything is simulated or written, what a run of ``scenario``
    would refuse mid-way.

    Checks the apps' and calls' TwiML, the audio files, and for every call the
    documents it can reach (see the module docstring): ``<Dial>`` targets, ``<Play>``
    URLs and certain ``<Redirect>`` loops. A ``traffic`` section that was not expanded
    (``load_scenario(..., expand=False)``) is checked through one unit of each template
    of its mix.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.

    Raises
    ------
    ScenarioError
        The message names the scenario file (``scenario.source``), the call
        (``calls[i]`` and its CallSid), the document URL, the element (for example
        ``<Dial><Number>+15550000000</Number></Dial>``) and the allowed values.
    """
    validate_calls(Kernel(scenario))
    if scenario.traffic is not None:
        _check_traffic(scenario)


def _check_traffic(scenario: Scenario) -> None:
    """One unit of each template of the traffic mix, checked as a scenario of its own."""
    assert scenario.traffic is not None
    for k, entry in enumerate(scenario.traffic.mix):
        tr = scenario.traffic.model_copy(update={"mix": [entry]})
        calls, parties = expand_units(tr, scenario.seed, range(1), np.zeros(1))
        unit = scenario.model_copy(update={
            "calls": [CallSpec.model_validate(c) for _, c in calls], "traffic": None,
            "parties": {**scenario.parties, **{n: PartySpec.model_validate(p) for n, p in parties.items()}},
            "source": f"{scenario.source}: traffic.mix[{k}] (template {entry.template})",
        })
        validate_calls(Kernel(unit))


def validate_calls(sim: Kernel) -> None:
    """Inline TwiML, audio files, and what each call of ``sim.scenario`` can reach.

    Raises
    ------
    ScenarioError
        As :func:`check_scenario`.
    """
    first: dict[int, Document] = {}
    for i, (index, c) in enumerate(sim.scenario.indexed_calls()):
        if c.twiml is not None:
            first[i] = sim.parse(c.twiml, inline_url(index), f"calls[{i}].twiml")
        for clip in c.audio or []:
            sim.inputs.clip_audio(clip, False)
    for party in sim.scenario.parties.values():
        for clip in party.audio:
            sim.inputs.clip_audio(clip, party.mulaw)
    check_calls(sim, first)


def check_calls(sim: Kernel, first: dict[int, Document]) -> None:
    """Check the documents every call of ``sim.scenario`` can reach (module docstring).

    Parameters
    ----------
    sim : Kernel
        Its ``apps`` already parsed.
    first : dict of int to Document
        The parsed inline TwiML of calls (by position in ``calls``).

    Raises
    ------
    ScenarioError
        As :func:`check_scenario`.
    """
    checked: set[str] = set()  # apps documents found valid (the checks do not depend on the call)
    for i, spec in enumerate(sim.scenario.calls):
        start = first[i] if i in first else sim.document(spec.url or "")
        if start is None:  # pragma: no cover - Scenario refuses a url that is not a key of apps
            continue
        for doc in _reachable(sim, start):
            if doc.url not in checked:
                _check_document(sim, i, spec, doc, start)
                if sim.document(doc.url) is doc:
                    checked.add(doc.url)
        _check_loop(sim, i, spec, start)


def _label(sim: Kernel, i: int, spec: CallSpec) -> str:
    """``file: calls[i] (CallSid)``: the SID a run gives the call (seed and index)."""
    index = sim.scenario.indexed_calls()[i][0]  # only when a message is made
    sid = sim.seeded_sids("call", index).new("CA")
    return f"{sim.scenario.source}: calls[{i}] ({sid})"


def _name(url: str, start: Document, spec: CallSpec, i: int) -> str:
    """A document as messages name it: its URL, or ``calls[i].twiml`` for inline TwiML."""
    return f"calls[{i}].twiml" if spec.twiml is not None and url == start.url else url


def _next_urls(doc: Document) -> list[str]:
    """URLs the document may request next (Redirect, Record action or itself, Dial action)."""
    urls: list[str] = []
    for verb in _runnable(doc):
        if isinstance(verb, Redirect):
            urls.append(verb.url)
        elif isinstance(verb, Record):
            urls.append(verb.action or doc.url)
        elif isinstance(verb, Dial) and verb.action:
            urls.append(verb.action)
    return urls


def _runnable(doc: Document) -> list:
    """The verbs of ``doc`` that can run: up to and including a Hangup or Redirect."""
    out = []
    for verb in doc.verbs:
        out.append(verb)
        if isinstance(verb, (Hangup, Redirect)):
            break
    return out


def _reachable(sim: Kernel, start: Document) -> list[Document]:
    """``start`` and every ``apps`` document reachable from it, in discovery order."""
    seen = {start.url: start}
    todo = [start]
    while todo:
        for url in _next_urls(todo.pop()):
            doc = start if url == start.url else sim.document(url)
            if doc is not None and url not in seen:
                seen[url] = doc
                todo.append(doc)
    return list(seen.values())


def _known(values: Iterable[str]) -> str:
    vals = sorted(values)
    shown = ", ".join(vals[:_SHOWN])
    return shown + (f", ... ({len(vals)} in all)" if len(vals) > _SHOWN else "") if vals else "none"


def dial_element(address: str) -> str:
    """The ``<Dial>`` element that dials ``address`` (a number or ``client:name``)."""
    if address.startswith("client:"):
        return f"<Dial><Client>{address[7:]}</Client></Dial>"
    return f"<Dial><Number>{address}</Number></Dial>"


def _check_document(sim: Kernel, i: int, spec: CallSpec, doc: Document, start: Document) -> None:
    for verb in _runnable(doc):
        problem = None
        if isinstance(verb, Dial) and verb.conference is None and sim.party(verb.targets[0].address) is None:
            target = verb.targets[0].address
            problem = (f"{dial_element(target)}: the target {target!r} has no entry in the scenario's parties; "
                       f"allowed: {_known(sim.scenario.parties)}")
        elif isinstance(verb, Play):
            problem = _play_problem(sim, verb)
        if problem is not None:
            raise ScenarioError(f"{_label(sim, i, spec)}: {_name(doc.url, start, spec, i)}: {problem}")


def _play_problem(sim: Kernel, verb: Play) -> str | None:
    if verb.url not in sim.scenario.media:
        return (f"<Play>{verb.url}</Play>: the URL has no entry in the scenario's media map; "
                f"allowed: {_known(sim.scenario.media)}")
    try:
        sim.inputs.media_audio(verb.url)
    except ScenarioError as exc:
        detail = str(exc).removeprefix(f"{sim.scenario.source}: ")
        return f"<Play>{verb.url}</Play>: media[{verb.url!r}] {sim.scenario.media[verb.url]!r}: {detail}"
    return None


def _hangup_bound(sim: Kernel, spec: CallSpec) -> tuple[float, float]:
    """(answer, first possible end) of a call, in seconds from its start."""
    remote = spec.from_ if spec.direction == "inbound" else spec.to
    party = sim.party(remote)
    answer = party.answer_delay_s if spec.direction == "outbound-api" and party else 0.0
    ends = [float(sim.account.max_call_duration_s)]
    ends += [ev.at for ev in spec.events if ev.hangup is not None]
    if party is not None and party.hangup_after_s is not None:
        ends.append(answer + party.hangup_after_s)
    return answer, min(ends)


def _verb_seconds(sim: Kernel, verb: object) -> float | None:
    """Seconds a verb takes whatever the audio, or None when its outcome depends on it."""
    if isinstance(verb, Say):
        return verb.loop * round(say_duration_s(verb.text) * SAMPLE_RATE) / SAMPLE_RATE
    if isinstance(verb, Play):
        return verb.loop * sim.inputs.media_audio(verb.url).shape[0] / SAMPLE_RATE
    if isinstance(verb, Pause):
        return verb.length
    if isinstance(verb, (StartRecording, StopRecording)):
        return 0.0
    return None


def _check_loop(sim: Kernel, i: int, spec: CallSpec, start: Document) -> None:
    """Refuse a call whose documents certainly make more than MAX_DOCUMENT_REQUESTS
    requests before it can end (exactly when the run would raise)."""
    t, end = _hangup_bound(sim, spec)
    history = [(start.url, "voice")]
    doc: Document | None = start
    while doc is not None and len(history) <= MAX_DOCUMENT_REQUESTS:
        current, doc = doc, None
        for verb in current.verbs:
            if isinstance(verb, Redirect):
                history.append((verb.url, "redirect"))
                doc = start if verb.url == start.url else sim.document(verb.url)
                break
            seconds = _verb_seconds(sim, verb)
            if seconds is None:
                return
            t += seconds
    if doc is None or t >= end:
        return
    history = [(_name(url, start, spec, i), reason) for url, reason in history]
    raise ScenarioError(
        f"{_label(sim, i, spec)}: {loop_message(history, MAX_DOCUMENT_REQUESTS)} "
        f"(request {MAX_DOCUMENT_REQUESTS + 1} at {t:g} s into the call, before it can first end, at {end:g} s)")
