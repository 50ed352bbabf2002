"""The audio a scenario brings: party clips (files, synthetic speech, talkers) and the
``media`` map of ``<Play>`` URLs, loaded once per file.

Every array is ``(n,)`` int16 PCM at 8000 Hz.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from recsim.audio import SAMPLE_RATE, load_audio, speech_like
from recsim.errors import AudioFileError, ScenarioError, SimulationError
from recsim.scenario import AudioClip, Scenario
from recsim.traffic import talker_bank

__all__ = ["Inputs"]


@lru_cache(maxsize=16)
def _synthetic(seconds: float, seed: int, level_dbfs: float, pitch_hz: float) -> np.ndarray:
    """A synthetic voice's samples, kept for the next simulation that places the same
    one (the in-process mock's default talker, a scenario run again): ``(n,)`` int16,
    read-only."""
    y = speech_like(seconds, seed=seed, level_dbfs=level_dbfs, pitch_hz=pitch_hz)
    y.flags.writeable = False
    return y


class Inputs:
    """Loads and caches the audio of one scenario.

    Parameters
    ----------
    scenario : Scenario
        Its ``media`` map, ``seed`` (talker voices) and file paths.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._cache: dict[tuple[str, bool], np.ndarray] = {}

    def clip_audio(self, clip: AudioClip, mulaw: bool) -> np.ndarray:
        """The samples of one clip: ``(n,)`` int16 at 8 kHz.

        Parameters
        ----------
        clip : AudioClip
            A file, a synthetic voice or a talker of the scenario's bank.
        mulaw : bool
            Pass a file through G.711 mu-law (the party's codec).

        Raises
        ------
        ScenarioError
            The file cannot be read (the message names the scenario file).
        """
        talker = clip.talker
        if talker is not None:
            voice = talker_bank(self.scenario.seed)[talker.voice]
            a = round(talker.offset_s * SAMPLE_RATE) % max(1, voice.shape[0])
            return voice[a : a + round(talker.seconds * SAMPLE_RATE)]
        if clip.synthetic is not None:
            s = clip.synthetic
            return _synthetic(s.seconds, s.seed, s.level_dbfs, s.pitch_hz)
        assert clip.file is not None
        key = (clip.file, mulaw)
        if key not in self._cache:
            try:
                self._cache[key] = load_audio(self.scenario.resolve_path(clip.file), mulaw=mulaw)
            except AudioFileError as exc:
                raise ScenarioError(f"{self.scenario.source}: audio file: {exc}") from None
        return self._cache[key]

    def media_audio(self, url: str, where: str = "") -> np.ndarray:
        """Audio of a ``<Play>`` URL from the scenario's ``media`` map: ``(n,)`` int16.

        Parameters
        ----------
        url : str
            The ``<Play>`` URL.
        where : str
            Prefixed to the error message (file, call, document).

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
        return self.clip_audio(AudioClip(file=self.scenario.media[url]), False)
