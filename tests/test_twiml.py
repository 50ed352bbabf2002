"""TwiML parsing: typed verbs, twilio-python output, errors and debugger warnings."""

from __future__ import annotations

import pytest
from twilio.twiml.voice_response import Dial as TwDial
from twilio.twiml.voice_response import Start, VoiceResponse

from recsim.errors import TwimlError
from recsim.twiml import Dial, Pause, Play, Record, Redirect, Say, StartRecording, StopRecording, parse_twiml


def test_twilio_python_voice_response_parses() -> None:
    """Output of the official helper (camelCase, sorted attributes) parses to typed verbs."""
    r = VoiceResponse()
    s = Start()
    s.recording(recording_status_callback="/rs", recording_status_callback_event="in-progress completed",
                channels="mono", track="inbound", trim="do-not-trim")
    r.append(s)
    r.say("Leave a message")
    r.record(action="/done", method="GET", timeout=3, finish_on_key="*", max_length=20, play_beep=False,
             trim="do-not-trim", recording_status_callback="/rs", recording_status_callback_method="GET",
             recording_status_callback_event="in-progress completed absent", transcribe=True,
             transcribe_callback="/tr")
    d = TwDial(record="record-from-ringing-dual", recording_track="inbound", trim="trim-silence",
               recording_status_callback="/dial-rs")
    d.number("+15550001111")
    d.client("agent7")
    r.append(d)
    r.pause(length=2)
    r.play("https://media/x.wav", loop=2)
    r.redirect("/next", method="GET")
    r.hangup()
    doc = parse_twiml(r.to_xml(), url="https://app.example.com/ivr/start")
    start, say, rec, dial, pause, play, redirect, _ = doc.verbs
    assert start == StartRecording(recording_status_callback="https://app.example.com/rs",
                                   recording_status_callback_event=("in-progress", "completed"), channels="mono",
                                   track="inbound", trim="do-not-trim", )
    assert say == Say("Leave a message")
    assert rec == Record(action="https://app.example.com/done", method="GET", timeout=3, finish_on_key="*",
                         max_length=20, play_beep=False, trim="do-not-trim",
                         recording_status_callback="https://app.example.com/rs",
                         recording_status_callback_method="GET",
                         recording_status_callback_event=("in-progress", "completed", "absent"),
                         transcribe=True, transcribe_callback="https://app.example.com/tr")
    assert isinstance(dial, Dial)
    assert [t.address for t in dial.targets] == ["+15550001111", "client:agent7"]
    assert (dial.record, dial.recording_track, dial.trim) == ("record-from-ringing-dual", "inbound", "trim-silence")
    assert pause == Pause(2.0) and play == Play("https://media/x.wav", loop=2)
    assert redirect == Redirect("https://app.example.com/next", method="GET")
    assert doc.warnings == ()


def test_defaults_of_each_verb() -> None:
    doc = parse_twiml("<Response><Record/><Start><Recording/></Start><Dial>+1555</Dial><Stop><Recording/></Stop>"
                      "</Response>")
    rec, start, dial, stop = doc.verbs
    assert rec == Record()
    assert (rec.timeout, rec.finish_on_key, rec.max_length, rec.play_beep, rec.trim, rec.method) == (
        5, "1234567890*#", None, True, "trim-silence", "POST")
    assert (start.channels, start.track, start.trim) == ("dual", "both", "trim-silence")  # type: ignore[union-attr]
    assert (dial.record, dial.trim, dial.recording_track) == ("do-not-record", "do-not-trim", "both")  # type: ignore[union-attr]
    assert stop == StopRecording()


@pytest.mark.parametrize(("attr", "value", "code"), [
    ("method", "PUT", 13610), ("timeout", "-3", 13611), ("maxLength", "1", 13612), ("maxLength", "14401", 13612),
    ("finishOnKey", "a", 13613), ("transcribe", "yes", 13614), ("playBeep", "loud", 13616),
    ("trim", "cut", 13618), ("recordingStatusCallbackMethod", "PATCH", 13620),
    ("recordingStatusCallbackEvent", "['completed']", 13621), ("recordingStatusCallbackEvent", "done", 13621),
])
def test_invalid_record_attributes_warn_and_fall_back(attr: str, value: str, code: int) -> None:
    doc = parse_twiml(f'<Response><Record {attr}="{value}"/></Response>', url="https://a/doc")
    (w,) = doc.warnings
    assert (w.code, w.element, w.attribute, w.value) == (code, "Response/Record[1]", attr, value)
    assert doc.verbs[0] == Record()


def test_max_length_up_to_24_hours_when_the_account_allows() -> None:
    doc = parse_twiml('<Response><Record maxLength="86400"/></Response>', max_call_duration=86400)
    assert doc.verbs[0].max_length == 86400 and not doc.warnings  # type: ignore[union-attr]


def test_transcribe_callback_alone_warns() -> None:
    doc = parse_twiml('<Response><Record transcribeCallback="/t"/></Response>', url="https://a/b")
    assert [w.code for w in doc.warnings] == [13622]


def test_invalid_dial_record_warns_13217() -> None:
    doc = parse_twiml('<Response><Dial record="true"><Number>+1</Number></Dial></Response>')
    assert [w.code for w in doc.warnings] == [13217]
    assert doc.verbs[0].record == "do-not-record"  # type: ignore[union-attr]


@pytest.mark.parametrize(("xml", "needle"), [
    ("<Response><Start><Recording channels='stereo'/></Start></Response>",
     "Response/Start\\[1\\]/Recording: channels='stereo' is not allowed; allowed values: mono, dual"),
    ("<Response><Start><Recording track='caller'/></Start></Response>", "allowed values: inbound, outbound, both"),
    ("<Response><Gather/></Response>", "Response/Gather\\[1\\]: <Gather> is not a supported verb"),
    ("<Response><Record><Say>x</Say></Record></Response>", "cannot contain"),
    ("<Response><Say colour='red'>x</Say></Response>", "attribute 'colour' is not allowed on <Say>"),
    ("<Response><Record maxLenght='10'/></Response>",
     "attribute 'maxLenght' is not allowed on <Record>; did you mean 'maxLength'\\? allowed: action"),
    ("<Response><Start><Recording Track='both'/></Start></Response>", "did you mean 'track'\\?"),
    ("<Speak/>", "the root element must be <Response>"),
    ("<Response><Say>", "not well-formed XML"),
    ("<Response><Dial><Queue>x</Queue></Dial></Response>", "<Queue> is not allowed in <Dial>"),
    ("<Response><Dial><Number>+1</Number><Conference>x</Conference></Dial></Response>",
     "cannot mix <Conference> with numbers"),
    ("<Response><Dial><Conference record='always'>x</Conference></Dial></Response>",
     "record='always' is not allowed; allowed values: do-not-record, record-from-start"),
    ("<Response><Start><Recording recordingConfigurationId='c' trim='do-not-trim'/></Start></Response>",
     "recordingConfigurationId cannot be combined with the programmatic recording parameters trim"),
    ("<Response><Dial record='record-from-answer-dual' recordingConfigurationId='c'>+1</Dial></Response>",
     "cannot be combined with the programmatic recording parameters record=record-from-answer-dual"),
    ("<Response><Start><Recording recordingStatusCallbackEvent='begin'/></Start></Response>",
     "recordingStatusCallbackEvent='begin' is not allowed"),
])
def test_structural_errors_name_document_element_value_and_allowed(xml: str, needle: str) -> None:
    with pytest.raises(TwimlError, match=needle) as e:
        parse_twiml(xml, url="https://app/doc.xml")
    assert str(e.value).startswith("https://app/doc.xml: ")
