"""recsim.api: Twilio resource representations (JSON as the REST API returns them)."""

from recsim.api.resources import recording_json

__all__ = ["recording_json"]
