"""recsim.twiml: TwiML XML -> typed, validated verb objects (no behaviour)."""

from recsim.twiml.parser import RECORDING_EVENTS, parse_twiml
from recsim.twiml.verbs import (
    ConferenceNoun,
    Dial,
    DialTarget,
    Document,
    Hangup,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    StartRecording,
    StopRecording,
    TwimlWarning,
    Verb,
)

__all__ = [
    "RECORDING_EVENTS",
    "ConferenceNoun",
    "Dial",
    "DialTarget",
    "Document",
    "Hangup",
    "Pause",
    "Play",
    "Record",
    "Redirect",
    "Say",
    "StartRecording",
    "StopRecording",
    "TwimlWarning",
    "Verb",
    "parse_twiml",
]
