#!/usr/bin/env python3
"""Regenerate fixtures/audio/: real speech from espeak-ng, key tones from sox.

Development-time tools only (Debian packages ``espeak-ng`` and ``sox``); recsim itself
never needs them. Every file is 8000 Hz mono 16-bit PCM WAV. Run from the repository
root: ``python scripts/make_fixtures.py``; it rewrites fixtures/audio/README.md's table.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from recsim.audio import encode_wav, load_audio

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "audio"
CALLER_VOICE = "en-us+m3"
AGENT_VOICE = "en-gb+f3"
RATE_WPM = "150"

CALLER_TEXT = "Hi, this is Sam Taylor. I am calling about my order from last week."
AGENT_TEXT = "Thank you for calling Acme support, this is Dana. How can I help you today?"
VOICEMAIL_SSML = (
    "<speak>Hello, this is Sam Taylor calling for Dana. "
    '<break time="1200ms"/> I wanted to ask about the order I placed last Tuesday. '
    '<break time="900ms"/> It was supposed to arrive on Friday, but nothing has come yet. '
    '<break time="1500ms"/> Could you please check the tracking number and call me back? '
    '<break time="800ms"/> My number is five five five, two one three, four four seven nine. '
    '<break time="1300ms"/> Thanks a lot, have a good day.</speak>'
)
CONVERSATION = [
    ("agent", "Thank you for calling Acme support, this is Dana. How can I help you?"),
    ("caller", "Hi Dana. I would like to pay the balance on my account, please."),
    ("agent", "Of course. Can you confirm the name on the account?"),
    ("caller", "Yes, it is Sam Taylor."),
    ("agent", "Thank you, Sam. I will take your card number now. Please read it slowly."),
    ("caller", "Sure. It is four one one one, two two two two, three three three three."),
    ("agent", "Thanks. The payment went through. Is there anything else I can do?"),
    ("caller", "No, that is all. Thank you very much."),
    ("agent", "You are welcome. Goodbye."),
]
TURN_GAP_S = 0.7
DTMF_KEYS = "1234#"


def espeak(text: str, voice: str, ssml: bool = False) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "tts.wav"
        cmd = ["espeak-ng", "-v", voice, "-s", RATE_WPM, "-w", str(wav)]
        if ssml:
            cmd.append("-m")
        subprocess.run([*cmd, text], check=True)
        return load_audio(wav)


def sox_dtmf(keys: str) -> np.ndarray:
    freqs = {
        "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209),
        "5": (770, 1336), "6": (770, 1477), "7": (852, 1209), "8": (852, 1336),
        "9": (852, 1477), "*": (941, 1209), "0": (941, 1336), "#": (941, 1477),
    }
    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, k in enumerate(keys):
            lo, hi = freqs[k]
            f = Path(tmp) / f"k{i}.wav"
            subprocess.run(
                ["sox", "-n", "-r", "8000", "-b", "16", "-c", "1", str(f), "synth", "0.15",
                 "sine", str(lo), "sine", str(hi), "remix", "1,2", "gain", "-8", "pad", "0", "0.25"],
                check=True,
            )
            parts.append(load_audio(f))
    return np.concatenate([np.zeros(4000, np.int16), *parts, np.zeros(4000, np.int16)])


def write(name: str, x: np.ndarray) -> float:
    (OUT / name).write_bytes(encode_wav(x))
    return x.shape[0] / 8000


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    lead = np.zeros(4000, np.int16)
    rows.append(("caller.wav", CALLER_VOICE, CALLER_TEXT,
                 write("caller.wav", np.concatenate([lead, espeak(CALLER_TEXT, CALLER_VOICE), lead]))))
    rows.append(("agent.wav", AGENT_VOICE, AGENT_TEXT,
                 write("agent.wav", np.concatenate([lead, espeak(AGENT_TEXT, AGENT_VOICE), lead]))))
    vm = np.concatenate([lead, espeak(VOICEMAIL_SSML, CALLER_VOICE, ssml=True), lead])
    plain = " ".join(" ".join(p.split(">")[-1] for p in VOICEMAIL_SSML.split("<") if ">" in p).split())
    rows.append(("voicemail.wav", CALLER_VOICE, plain, write("voicemail.wav", vm)))
    # Conversation: turns one after the other; each file is silent while the other talks.
    t = 4000
    clips = []
    for who, text in CONVERSATION:
        voice = CALLER_VOICE if who == "caller" else AGENT_VOICE
        y = espeak(text, voice)
        clips.append((who, t, y))
        t += y.shape[0] + int(TURN_GAP_S * 8000)
    total = t + 4000
    tracks = {"caller": np.zeros(total, np.int16), "agent": np.zeros(total, np.int16)}
    for who, start, y in clips:
        tracks[who][start : start + y.shape[0]] = y
    for who in ("caller", "agent"):
        text = " / ".join(tx for w, tx in CONVERSATION if w == who)
        voice = CALLER_VOICE if who == "caller" else AGENT_VOICE
        rows.append((f"conversation_{who}.wav", voice, text, write(f"conversation_{who}.wav", tracks[who])))
    rows.append(("dtmf_1234_hash.wav", "sox synth (ITU-T Q.23 pairs, 150 ms on, 250 ms off, -8 dB)",
                 f"keys {DTMF_KEYS}", write("dtmf_1234_hash.wav", sox_dtmf(DTMF_KEYS))))
    table = "\n".join(f"| `{n}` | {v} | {d:.3f} | {tx} |" for n, v, tx, d in rows)
    readme = OUT / "README.md"
    head = readme.read_text().split("<!-- table -->")[0] if readme.exists() else "# fixtures/audio\n\n"
    readme.write_text(f"{head}<!-- table -->\n| file | voice | seconds | text |\n|---|---|---|---|\n{table}\n")
    for n, _, _, d in rows:
        print(f"{n}: {d:.3f} s")


if __name__ == "__main__":
    main()
