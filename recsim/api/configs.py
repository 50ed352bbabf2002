"""Recording Configurations actions of the emulator (spec 004, the v2 API): create,
fetch, list, update (a PUT), delete. Each account's configurations live in its
simulation (:class:`recsim.configurations.ConfigurationStore`, which the recordings
read) and in the store, so they survive a restart and a reset.
"""

from __future__ import annotations

from typing import Any

from recsim.api.params import parse_model
from recsim.api.state import BackendState
from recsim.configurations import ConfigurationBody, RecordingConfiguration

__all__ = ["ConfigurationActions"]


class ConfigurationActions(BackendState):
    """The Recording Configurations actions of :class:`recsim.api.Backend`."""

    def create_configuration(self, account_sid: str, body: ConfigurationBody) -> RecordingConfiguration:
        """Create a configuration (004 create).

        Raises
        ------
        InvalidRequestError
            20001: its unique_name is already in use.
        """
        with self.lock:
            item = self.sim(account_sid).configurations.create(body)
            self.store.save_configuration(account_sid, item.to_json())
            return item

    def fetch_configuration(self, account_sid: str, ref: str) -> RecordingConfiguration:
        """The configuration with id or unique_name ``ref`` (004 fetch).

        Raises
        ------
        NotFoundError
            20404 when there is none.
        """
        with self.lock:
            return self.sim(account_sid).configurations.retrieve(ref)

    def list_configurations(self, account_sid: str) -> list[RecordingConfiguration]:
        """The account's configurations in creation order (004 list)."""
        with self.lock:
            return self.sim(account_sid).configurations.list()

    def update_configuration(self, account_sid: str, ref: str, body: ConfigurationBody) -> RecordingConfiguration:
        """Replace a configuration (004 update, a PUT: omitted unique_name and description
        become null).

        Raises
        ------
        NotFoundError, InvalidRequestError
            20404 when there is none; 20001 a unique_name of another configuration.
        """
        with self.lock:
            item = self.sim(account_sid).configurations.update(ref, body)
            self.store.save_configuration(account_sid, item.to_json())
            return item

    def delete_configuration(self, account_sid: str, ref: str) -> None:
        """Delete a configuration (004 delete).

        Raises
        ------
        NotFoundError
            20404 when there is none.
        """
        with self.lock:
            configurations = self.sim(account_sid).configurations
            item = configurations.retrieve(ref)
            configurations.delete(ref)
            self.store.delete_configuration(item.id)

    @staticmethod
    def validate_configuration(body: Any) -> ConfigurationBody:
        """Validate a v2 request body (004).

        Raises
        ------
        InvalidRequestError
            20001 naming the field, the problem and the value.
        """
        return parse_model(ConfigurationBody, body, what="Invalid recording configuration: ")
