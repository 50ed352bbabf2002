"""The emulator's backend (moto's "models"): typed methods, one per action, no HTTP.

:class:`Backend` is the state of :mod:`recsim.api.state` with the actions of each
resource, each in its module:

- Calls (:mod:`recsim.api.calls`): ``create_call``, ``fetch_call``, ``list_calls``,
  ``update_call``, ``delete_call``.
- Recordings, 002 (:mod:`recsim.api.recordings`): ``create_recording``,
  ``update_recording``, ``fetch_recording``, ``list_recordings``, ``delete_recording``,
  ``media``.
- Transcriptions and AddOnResults (:mod:`recsim.api.transcriptions`):
  ``list_transcriptions``, ``fetch_transcription``, ``delete_transcription``,
  ``list_add_on_results``, ``fetch_add_on_result``.
- Recording Configurations, 004 (:mod:`recsim.api.configs`): ``create_configuration``,
  ``fetch_configuration``, ``list_configurations``, ``update_configuration``,
  ``delete_configuration``.
- The clock (:mod:`recsim.api.clock`): ``advance``, ``tick``, ``run_clock``,
  ``sim_time``.

Arguments are typed (:mod:`recsim.api.params`); methods raise
:class:`recsim.errors.ApiError` with Twilio's codes. The server
(:mod:`recsim.server`) parses requests into these arguments and renders the results.
"""

from __future__ import annotations

from recsim.api.clock import MAX_UNIX_S, ClockActions
from recsim.api.configs import ConfigurationActions
from recsim.api.params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from recsim.api.transcriptions import TranscriptionActions

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "MAX_UNIX_S", "Backend", "Page"]


class Backend(TranscriptionActions, ConfigurationActions, ClockActions):
    """State and actions of the REST emulator.

    Parameters
    ----------
    store : Store
        Metadata and media (:class:`recsim.store.Store`).
    accounts : dict of str to str
        AccountSid -> AuthToken.
    scenario : Scenario, optional
        Parties (voices, answer delays), apps, account settings and configurations the
        live calls use; its calls are not started (use :meth:`load`).
    clock : {"manual", "realtime"}
        How simulated time moves.
    speed : float
        Simulated seconds per wall second in realtime mode.
    on_event : callable, optional
        Receives ``(account_sid, Event)`` for each webhook to deliver.
    twiml_fetcher : callable, optional
        ``(account_sid, url, method, params) -> str | None``: fetch TwiML over HTTP.
    on_recording : callable, optional
        ``(account_sid, row)``: called with each finished recording's row
        (:func:`recsim.outputs.recording_outputs`: the resource, ``words`` ...) once it
        is stored.

    Raises
    ------
    ValueError
        ``clock`` is not ``manual`` or ``realtime``.
    """
