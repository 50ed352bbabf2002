#!/usr/bin/env python3
"""Regenerate fixtures/audio/: real speech from espeak-ng, key tones from sox, and the
word timings beside each speech file.

Development-time tools only (Debian packages ``espeak-ng`` and ``sox``); recsim itself
never needs them. Every file is 8000 Hz mono 16-bit PCM WAV. Run from the repository
root: ``python scripts/make_fixtures.py``; it rewrites fixtures/audio/README.md's table.
``python scripts/make_fixtures.py --words`` only rewrites the word timings
(``NAME.words.json``) from the WAVs as they are, with no tool but recsim.

Word timings are an energy alignment of the known text (:func:`align_words`): the text's
phrases (split at , . ? and the turn separator /) take the speech runs between the
longest pauses, and inside a phrase each word takes a share of the voiced time in
proportion to its syllables. PocketSphinx 5's forced aligner (``set_align_text``) was
tried first and fails on these 8 kHz files ("Final result does not match the grammar").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
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


def _speech_runs(x: np.ndarray, threshold_dbfs: float = -45.0, min_gap_s: float = 0.03) -> list[list[float]]:
    """Runs of 10 ms frames above ``threshold_dbfs`` RMS, gaps under ``min_gap_s`` bridged (s)."""
    n = x.shape[0] // 80
    frames = x[: n * 80].astype(np.float64).reshape(n, 80)
    db = 10 * np.log10(np.mean(frames**2, axis=1) / 32768.0**2 + 1e-20)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], (db > threshold_dbfs).astype(np.int8), [0]))))
    runs: list[list[float]] = []
    for a, b in zip(edges[::2] / 100, edges[1::2] / 100, strict=True):
        if runs and a - runs[-1][1] < min_gap_s:
            runs[-1][1] = float(b)
        else:
            runs.append([float(a), float(b)])
    return runs


def _syllables(token: str) -> int:
    t = re.sub(r"[^a-z]", "", token.lower())
    silent_e = t.endswith("e") and len(t) > 3 and not t.endswith(("le", "ee"))
    return max(1, len(re.findall(r"[aeiouy]+", t)) - int(silent_e))


def align_words(x: np.ndarray, text: str) -> list[dict[str, object]]:
    """Word timings of ``text`` spoken in ``x`` ((n,) int16 at 8 kHz): module docstring."""
    phrases = [p.split() for p in re.split(r"\s+/\s+|(?<=[,.?!;])\s+", text.strip()) if p.split()]
    runs = _speech_runs(x)
    gaps = sorted(((runs[i + 1][0] - runs[i][1], i) for i in range(len(runs) - 1)), reverse=True)
    cuts = sorted(i for _, i in gaps[: len(phrases) - 1])
    groups = [runs[a + 1 : b + 1] for a, b in zip([-1, *cuts], [*cuts, len(runs) - 1], strict=True)]
    while len(phrases) > len(groups):
        phrases[-2:] = [phrases[-2] + phrases[-1]]
    out: list[dict[str, object]] = []
    for tokens, group in zip(phrases, groups, strict=True):
        voiced = sum(b - a for a, b in group)
        weights = np.array([_syllables(t) + 0.5 for t in tokens])
        edges = np.concatenate(([0.0], np.cumsum(weights) / weights.sum() * voiced))

        def at(v: float, group: list[list[float]] = group) -> float:
            for a, b in group:
                if v <= b - a + 1e-9:
                    return a + v
                v -= b - a
            return group[-1][1]

        for j, tok in enumerate(tokens):
            out.append({"word": tok, "start": round(at(edges[j]), 3), "end": round(at(edges[j + 1]), 3)})
    return out


def write_words(name: str, text: str) -> None:
    """``NAME.words.json`` beside ``NAME.wav``: the text and its word timings."""
    x = load_audio(OUT / name)
    rows = ",\n".join(f"  {json.dumps(w)}" for w in align_words(x, text))
    doc = f'{{\n "text": {json.dumps(text)},\n "words": [\n{rows}\n ]\n}}\n'
    (OUT / name).with_name(Path(name).stem + ".words.json").write_text(doc)


def speech_texts() -> dict[str, str]:
    """The known text of each speech fixture (turns of a conversation joined by " / ")."""
    plain = " ".join(" ".join(p.split(">")[-1] for p in VOICEMAIL_SSML.split("<") if ">" in p).split())
    texts = {"caller.wav": CALLER_TEXT, "agent.wav": AGENT_TEXT, "voicemail.wav": plain}
    for who in ("caller", "agent"):
        texts[f"conversation_{who}.wav"] = " / ".join(tx for w, tx in CONVERSATION if w == who)
    return texts


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
    words_only()


def words_only() -> None:
    """Rewrite the word timings of every speech fixture from its WAV as it is."""
    for name, text in speech_texts().items():
        write_words(name, text)
        print(f"{Path(name).stem}.words.json")


if __name__ == "__main__":
    if sys.argv[1:] == ["--words"]:
        words_only()
    else:
        main()
