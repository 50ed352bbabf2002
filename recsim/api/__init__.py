"""recsim.api: Twilio resource representations (JSON as the REST API returns them)."""

from recsim.api.media import MEDIA_TYPES, encode_media, media_bytes
from recsim.api.resources import recording_json

__all__ = ["MEDIA_TYPES", "encode_media", "media_bytes", "recording_json"]
