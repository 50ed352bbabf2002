"""The network path of one leg's party to the platform: its codec, band filter, packet
loss with concealment, outages as no-media spans, and the noise floor.

Applied where a party's audio enters a leg (:meth:`recsim.sim.kernel.Kernel.party_audio`);
the codec is applied by the leg's streams when rendered (:class:`recsim.sim.media.Stream`).
Every draw comes from the leg's own :class:`numpy.random.SeedSequence`
(``spawn_key=(NETWORK_KEY, call index, leg number)``), never from the streams the rest
of the audio uses: a scenario without impairments keeps its bytes.
"""

from __future__ import annotations

import numpy as np

from recsim.audio import SAMPLE_RATE
from recsim.audio.conceal import conceal, lost_sample_runs
from recsim.audio.line import NOISE_BANK_SAMPLES, NOMINAL_SPEECH_DBOV, band_filter, noise_bank
from recsim.audio.loss import PACKET_SAMPLES, PacketFate, loss_runs
from recsim.scenario import CallSpec, Scenario
from recsim.scenario.network import DEFAULT_NETWORK, Impairments, resolve_impairments
from recsim.sim.leg import Leg
from recsim.sim.media import Floor

__all__ = ["NETWORK_KEY", "LegLine", "attach", "default_codec", "update_spans"]

#: First word of the spawn key of network draws (calls use ``(index,)``, conferences
#: ``(1 << 32, ...)``).
NETWORK_KEY = 2 << 32


def default_codec(address: str) -> str:
    """The codec of a leg by its address: L16 for ``client:`` identities (WebRTC, no
    G.711 on the path), PCMU for phone numbers (the PSTN default, RFC 3551 payload 0)."""
    return "L16" if address.startswith("client:") else "PCMU"


class LegLine:
    """The impairments of one leg's inbound audio.

    Parameters
    ----------
    imp : Impairments
        Resolved settings.
    seed : int
        The scenario's seed.
    key : tuple of int
        ``(call index, leg number)``.
    origin : int
        Sample of the leg's first packet (its creation).
    """

    def __init__(self, imp: Impairments, seed: int, key: tuple[int, int], origin: int) -> None:
        self.imp = imp
        self.origin = origin
        ss = np.random.SeedSequence(entropy=seed, spawn_key=(NETWORK_KEY, *key))
        fate_seed, floor_seed = ss.spawn(2)
        self.fate = (PacketFate(fate_seed, loss_rate=imp.loss_rate, mean_burst=imp.mean_burst_packets,
                                jitter_ms=imp.jitter_ms, buffer_ms=imp.jitter_buffer_ms) if imp.lossy else None)
        self._floor_offset = int(floor_seed.generate_state(1)[0]) % NOISE_BANK_SAMPLES
        self._seed = seed
        #: The outage spans last given to the leg's no-media list.
        self.outages: list[tuple[float, float]] = []

    def receive(self, start: int, samples: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """The party's clip from sample ``start`` as the platform decodes it: band
        filtered, lost packets concealed.

        Returns
        -------
        (numpy.ndarray, list of (int, int))
            ``(n,)`` int16, and the concealed ``[a, b)`` absolute sample spans.
        """
        if self.imp.band_filter:
            samples = band_filter(samples)
        if self.fate is None or not samples.shape[0]:
            return samples, []
        rel = max(0, start - self.origin)
        p0, first = divmod(rel, PACKET_SAMPLES)
        p1 = -(-(rel + samples.shape[0]) // PACKET_SAMPLES)
        lost = self.fate.lost(p0, p1)
        if not lost.any():
            return samples, []
        runs = lost_sample_runs(lost, samples.shape[0], first=first)
        return conceal(samples, lost, first=first, mode=self.imp.concealment), [
            (start + int(a), start + int(b)) for a, b in runs]

    def lost_spans(self, stop: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
        """Lost-packet runs from the leg's first packet to sample ``stop``, and those at
        least ``outage_s`` long (the outages: no RTP), in simulated seconds."""
        if self.fate is None or stop <= self.origin:
            return [], []
        runs = loss_runs(self.fate.lost(0, -(-(stop - self.origin) // PACKET_SAMPLES)))
        min_packets = self.imp.outage_s * SAMPLE_RATE / PACKET_SAMPLES
        spans = [((self.origin + a * PACKET_SAMPLES) / SAMPLE_RATE, (self.origin + b * PACKET_SAMPLES) / SAMPLE_RATE)
                 for a, b in runs.tolist()]
        outages = [s for s, (a, b) in zip(spans, runs.tolist(), strict=True) if b - a >= min_packets]
        return spans, outages

    def floor(self, start: int) -> Floor | None:
        """The noise floor of the party's stream from sample ``start``: background noise
        ``snr_db`` below the P.56 nominal speech level, and/or comfort noise."""
        imp = self.imp
        if imp.snr_db is None and imp.comfort_noise_dbov is None:
            return None
        noise = None if imp.snr_db is None else NOMINAL_SPEECH_DBOV - imp.snr_db
        bank = noise_bank(self._seed, (NETWORK_KEY,))
        return Floor(bank=bank, start=start, noise_dbov=noise, comfort_dbov=imp.comfort_noise_dbov,
                     offset=self._floor_offset)


def attach(scenario: Scenario, call_index: int, call_spec: CallSpec, leg: Leg, address: str, leg_no: int,
           at: float) -> None:
    """Give ``leg`` (of the party at ``address``) its codec and network path, per the
    scenario's ``network`` (nothing when it is absent or the settings are clean).

    Parameters
    ----------
    scenario : Scenario
        Its ``network``, ``parties`` and ``seed``.
    call_index : int
        The call's index (seeds the leg's draws).
    call_spec : CallSpec
        Its ``network`` (per call).
    leg : Leg
        The new leg; its streams get the codec, ``leg.line`` the impairments.
    address : str
        The party's number or ``client:`` identity.
    leg_no : int
        The leg's number in its call (0 = parent).
    at : float
        Simulated seconds: the leg's first packet.
    """
    net = scenario.network or DEFAULT_NETWORK
    party = scenario.parties.get(address)
    if net.codecs:
        codec = party.codec if party is not None and party.codec else default_codec(address)
        leg.codec = leg.inbound.codec = leg.outbound.codec = codec
    imp = resolve_impairments(party.network if party is not None else None, call_spec.network, net)
    if imp.active:
        leg.line = LegLine(imp, scenario.seed, (call_index, leg_no), round(at * SAMPLE_RATE))


def update_spans(leg: Leg, t: float) -> None:
    """Refresh ``leg.lost`` and the leg's outage no-media spans up to ``t`` s (outages
    replace those found before; the scenario's own no-media spans stay)."""
    line = leg.line
    if line is None:
        return
    lost, outages = line.lost_spans(round(t * SAMPLE_RATE))
    leg.no_media[:] = [s for s in leg.no_media if s not in line.outages] + outages
    line.outages = outages
    leg.lost[:] = lost
