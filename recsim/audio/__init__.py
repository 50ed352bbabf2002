"""recsim.audio: the pure numpy core. int16 PCM at 8000 Hz, frames first:
``(n_samples,)`` for one channel, ``(n_samples, 2)`` for two (channel 1 inbound /
parent, channel 2 outbound / child). Times are in seconds, levels in dBFS.

Every function is pure (no state but its arguments) and raises
:class:`recsim.errors.InvalidAudioError` (a ``ValueError``) naming the argument, the
value and what is allowed. This package imports nothing of recsim but ``recsim.errors``.
"""

from recsim.audio._validate import SAMPLE_RATE, valid_audio
from recsim.audio.codecs import (
    MP3_BITRATE_KBPS,
    decode_mp3,
    decode_wav,
    encode_mp3,
    encode_wav,
    wav_parts,
)
from recsim.audio.convert import (
    load_audio,
    mulaw_decode,
    mulaw_encode,
    mulaw_roundtrip,
    resample_to_8k,
    to_int16,
)
from recsim.audio.g711 import CODECS, g711_decode, g711_encode, g711_roundtrip
from recsim.audio.layout import compose, downmix, interleave, mix
from recsim.audio.progress import country_of_number, ringback
from recsim.audio.silence import (
    DEFAULT_FRAME_S,
    DEFAULT_THRESHOLD_DBFS,
    frame_rms_dbfs,
    silence_bounds,
    silent_frames,
    trim_silence,
)
from recsim.audio.synth import noise, say_audio, say_duration_s, speech_like
from recsim.audio.timeout import SilenceTimeoutScanner, find_silence_timeout
from recsim.audio.tones import beep, detect_dtmf, dtmf_sequence, dtmf_tone

__all__ = [
    "CODECS",
    "DEFAULT_FRAME_S",
    "DEFAULT_THRESHOLD_DBFS",
    "MP3_BITRATE_KBPS",
    "SAMPLE_RATE",
    "SilenceTimeoutScanner",
    "beep",
    "compose",
    "country_of_number",
    "decode_mp3",
    "decode_wav",
    "detect_dtmf",
    "downmix",
    "dtmf_sequence",
    "dtmf_tone",
    "encode_mp3",
    "encode_wav",
    "find_silence_timeout",
    "frame_rms_dbfs",
    "g711_decode",
    "g711_encode",
    "g711_roundtrip",
    "interleave",
    "load_audio",
    "mix",
    "mulaw_decode",
    "mulaw_encode",
    "mulaw_roundtrip",
    "noise",
    "resample_to_8k",
    "ringback",
    "say_audio",
    "say_duration_s",
    "silence_bounds",
    "silent_frames",
    "speech_like",
    "to_int16",
    "trim_silence",
    "valid_audio",
    "wav_parts",
]
