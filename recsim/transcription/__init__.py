"""Transcription, simulated: the words a recording captured, and speech-to-text engines.

Modules: :mod:`~recsim.transcription.engines` (the ``reference`` word engine, the
PocketSphinx acoustic engine, engines by name), :mod:`~recsim.transcription.error_model`
(seeded substitutions, deletions and insertions; the WER that measures them),
:mod:`~recsim.transcription.sources` (the words of files, ``<Say>`` and synthetic
talkers, with times) and :mod:`~recsim.transcription.wordlist` (the English vocabulary of
synthetic talkers). Importing it loads no extra (pocketsphinx is imported on first use).
"""

from recsim.scenario.words import Word
from recsim.transcription.engines import (
    ENGINE_NAMES,
    PocketSphinxEngine,
    ReferenceEngine,
    TranscriptionEngine,
    get_engine,
)
from recsim.transcription.error_model import apply_word_errors, normalize, word_error_rate

__all__ = [
    "ENGINE_NAMES",
    "PocketSphinxEngine",
    "ReferenceEngine",
    "TranscriptionEngine",
    "Word",
    "apply_word_errors",
    "get_engine",
    "normalize",
    "word_error_rate",
]
