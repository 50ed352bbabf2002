"""recsim.api: the emulator's models - typed backend methods, one per action, no HTTP.

:class:`Backend` holds the accounts, one live simulation per account and the store;
:mod:`recsim.api.params` has the typed arguments (calls, pages, filters, media); :mod:`recsim.api.resources` the JSON
shape of each resource; :mod:`recsim.api.media` the media downloads.
"""

from recsim.api.backend import Backend, Page
from recsim.api.media import MEDIA_TYPES, encode_media, media_bytes, stored_media
from recsim.api.params import (
    CallFilter,
    CreateCall,
    MediaRequest,
    Owner,
    PageRequest,
    Parent,
    RecordingFilter,
    UpdateCall,
)
from recsim.api.resources import call_json

__all__ = [
    "MEDIA_TYPES",
    "Backend",
    "CallFilter",
    "CreateCall",
    "MediaRequest",
    "Owner",
    "Page",
    "PageRequest",
    "Parent",
    "RecordingFilter",
    "UpdateCall",
    "call_json",
    "encode_media",
    "media_bytes",
    "stored_media",
]
