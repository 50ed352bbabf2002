"""The one output pipeline: rows, events, timelines, media and transcriptions of a
simulation, written whole into a target.

Used by ``recsim run`` (:mod:`recsim.runner`), batch shards (:mod:`recsim.batch`) and
the emulator (per recording, :func:`recording_outputs`). Modules:

- :mod:`~recsim.outputs.target`: :func:`atomic_write` (``.part`` then rename) and the
  :class:`Target` a writer writes into (:class:`FolderTarget`, a local folder);
- :mod:`~recsim.outputs.direct`: :class:`~recsim.outputs.direct.DirectFolder`, a batch
  shard's staging folder whose media a thread writes with ``O_DIRECT`` beside the simulation;
- :mod:`~recsim.outputs.remote`: :class:`FsspecTarget` (any fsspec URL: ``s3://``,
  ``gs://``, ``abfs://``, ``memory://``) and :func:`open_target` (the target of ``--out``);
- :mod:`~recsim.outputs.columns`: ``recordings.parquet`` and ``events.parquet`` (typed
  columns, pyarrow, ``recsim[parquet]``) and their streaming k-way merge;
- :mod:`~recsim.outputs.media`: :data:`FORMATS`, :func:`validate_formats` (the one check
  of a format list) and :func:`encode`;
- :mod:`~recsim.outputs.rows`: the Recording resource (:func:`recording_json`), a
  recording's row and the canonical order of rows, events and transcriptions;
- :mod:`~recsim.outputs.writer`: :func:`recording_outputs`, :class:`RecordingWriter`
  and :func:`write_run_files`;
- :mod:`~recsim.outputs.lock`: :func:`~recsim.outputs.lock.output_lock`, one recsim run
  at a time in a local output folder.

This package imports :mod:`recsim.sim` and :mod:`recsim.audio`, never the emulator
(:mod:`recsim.api`, :mod:`recsim.server`).
"""

from recsim.outputs.media import FORMATS, MEDIA_TYPES, encode, encode_parts, validate_formats
from recsim.outputs.remote import FsspecTarget, open_target
from recsim.outputs.rows import (
    Rows,
    canonical_keys,
    finish_rows,
    recording_json,
    recording_row,
    transcription_json,
)
from recsim.outputs.target import PART_SUFFIX, FolderTarget, Parts, Target, atomic_write, is_url
from recsim.outputs.writer import (
    METADATA,
    RecordingWriter,
    media_name,
    recording_outputs,
    validate_metadata,
    write_run_files,
)

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "METADATA",
    "PART_SUFFIX",
    "FolderTarget",
    "FsspecTarget",
    "Parts",
    "RecordingWriter",
    "Rows",
    "Target",
    "atomic_write",
    "canonical_keys",
    "encode",
    "encode_parts",
    "finish_rows",
    "is_url",
    "media_name",
    "open_target",
    "recording_json",
    "recording_outputs",
    "recording_row",
    "transcription_json",
    "validate_formats",
    "validate_metadata",
    "write_run_files",
]
