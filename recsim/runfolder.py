"""An output folder holds exactly one run (DESIGN.md, "Identity and outputs").

A run is named by its *identity*: the recsim version, the scenario's validated content,
the SHA-256 of every audio file it reads, the media formats and the shard plan. The
identity is written to ``DIR/recsim-run.json`` (the manifest) before any other output,
so a folder always says which run it holds. :func:`claim` decides what a new run may do
with a folder:

=================================  ==============================================
folder                             a run ...
=================================  ==============================================
missing, empty, or leftovers only  starts
holds the same run (identity)      goes on (a batch resumes its finished shards)
holds another run                  refuses (:class:`OutputError` saying what
                                   differs)
any of the above, ``overwrite``    removes every output recsim wrote there and
                                   starts over
holds files recsim did not write   refuses, even with ``overwrite`` (nothing a user
                                   stored is removed)
=================================  ==============================================

Before a run goes on in a folder it removes what an interrupted run left: ``*.part``
files and staging folders (a folder holding nothing else counts as empty).

One run at a time: :func:`recsim.run` and :func:`recsim.batch.run_batch` hold the lock of
a local folder (:func:`recsim.outputs.lock.output_lock`, an ``flock`` on a file under
the temporary folder, never in or beside the output folder) from before :func:`claim`
until the last file is in place. A second run or batch into the same folder (same
resolved absolute path) refuses at once, touching nothing. The kernel releases the lock
when its process ends, so a killed run never blocks the next. Object-storage URLs are
not locked, and there is no lock across machines: two machines writing one folder (of a
network file system) are not kept apart.

The folder is a :class:`~recsim.outputs.Target`: a local folder or an object-storage
prefix (``s3://bucket/prefix``, any fsspec URL; issue 14). The rules are the same on
both, through the same code: on object storage every object is written whole, so the
manifest and each shard file exist only when complete.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recsim._version import __version__
from recsim.errors import OutputError
from recsim.outputs import PART_SUFFIX, Target, open_target
from recsim.scenario import Scenario

__all__ = ["MANIFEST", "RunIdentity", "claim", "clean_leftovers", "commit", "identity_of", "read_manifest",
           "remove_outputs", "rollback", "staging", "write_manifest"]

#: The manifest of a run folder.
MANIFEST = "recsim-run.json"
#: Files and folders a run writes at the top of its folder (besides media/ and plots/).
_OUTPUT_FILES = ("recordings.json", "events.jsonl", "timelines.jsonl", "transcriptions.json", "summary.json",
                 "recordings.parquet", "events.parquet", "report.html", "words.jsonl", MANIFEST)
_OUTPUT_DIRS = ("media", "plots", ".shards", ".staging")
_OUTPUT_SUFFIXES = {"media": (".wav", ".mp3"), "plots": (".png",)}
#: What each identity field is called in messages.
_LABELS = {"recsim": "recsim version", "scenario": "scenario content (its fields, apps, seed)",
           "audio": "audio files read", "formats": "media formats (--format)",
           "plan": "shard plan (single run, or --shard-calls)",
           "metadata": "metadata files (--metadata)"}


@dataclass(frozen=True)
class RunIdentity:
    """What names a run: equal identities give byte-identical outputs.

    Attributes
    ----------
    fields : dict
        ``recsim`` (version), ``scenario`` (SHA-256 of the validated scenario as JSON),
        ``audio`` ({path: SHA-256} of every audio file read), ``formats`` (list),
        ``plan`` ("single" or ``{"shard_calls": n}``).
    """

    fields: dict[str, Any]

    @property
    def fingerprint(self) -> str:
        """SHA-256 hex of the identity's canonical JSON."""
        return _sha256(json.dumps(self.fields, sort_keys=True).encode())

    def differences(self, other: dict[str, Any]) -> list[str]:
        """The fields in which ``other`` (a stored identity) differs, described."""
        out = []
        for key, label in _LABELS.items():
            mine, theirs = self.fields.get(key), other.get(key)
            if mine == theirs:
                continue
            if key == "audio" and isinstance(theirs, dict) and isinstance(mine, dict):
                changed = sorted(p for p in set(mine) | set(theirs) if mine.get(p) != theirs.get(p))
                more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
                out.append(f"{label} differ ({', '.join(changed[:3])}{more}: changed, added or no longer read)")
            elif key == "scenario":
                out.append(f"{label} changed")
            else:
                out.append(f"{label}: {_short(theirs)} before, {_short(mine)} now")
        return out


def _short(value: Any) -> str:
    text = (",".join(value) or "none (--media none)") if isinstance(value, list) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(value: Any) -> Iterator[str]:
    """Every ``file`` value and ``media`` URL value in a dumped scenario."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "file" and isinstance(v, str):
                yield v
            elif k == "media" and isinstance(v, dict):
                yield from (x for x in v.values() if isinstance(x, str))
            else:
                yield from _files(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _files(v)


def identity_of(scenario: Scenario, formats: tuple[str, ...], plan: Any = "single",
                metadata: tuple[str, ...] = ("json",)) -> RunIdentity:
    """The identity of running ``scenario`` with ``formats`` and a shard ``plan``.

    Parameters
    ----------
    scenario : Scenario
        Validated; its audio paths are resolved against its folder and hashed.
    formats : tuple of str
        Media formats, as validated by :func:`recsim.outputs.validate_formats`.
    plan : str or dict
        ``"single"`` for one simulation, ``{"shard_calls": n}`` for a batch.
    metadata : tuple of {"json", "parquet", "words"}
        The metadata files; recorded in the identity only when not just ``json`` (so
        the manifests of JSON runs are those recsim always wrote).

    Raises
    ------
    OutputError
        Never for a valid scenario; an audio file that cannot be read is hashed as
        ``"unreadable"`` (the simulation reports it).
    """
    dumped = scenario.model_dump(mode="json")
    audio: dict[str, str] = {}
    for ref in sorted(set(_files(dumped))):
        path = scenario.resolve_path(ref)
        try:
            audio[ref] = _sha256(path.read_bytes())
        except OSError:
            if "://" not in ref:
                audio[ref] = "unreadable"
    fields = {"recsim": __version__, "scenario": _sha256(json.dumps(dumped, sort_keys=True).encode()),
              "audio": audio, "formats": list(formats), "plan": plan}
    if tuple(metadata) != ("json",):
        fields["metadata"] = list(metadata)
    return RunIdentity(fields)


def _recsim_wrote(out: Target, name: str, size: int | None) -> bool:
    if size is not None:
        return name in _OUTPUT_FILES or name.endswith(PART_SUFFIX)
    if name in _OUTPUT_DIRS:
        allowed = _OUTPUT_SUFFIXES.get(name)
        return allowed is None or all(sz is not None and (n.endswith(allowed) or n.endswith(PART_SUFFIX))
                                      for n, sz in out.listing(name).items())
    return False


def _foreign(out: Target) -> list[str]:
    return sorted(n for n, size in out.listing().items() if not _recsim_wrote(out, n, size))


def remove_outputs(out: Target, keep: str = "") -> None:
    """Remove every file and folder a run writes in ``out`` (nothing else) but ``keep``.

    Raises
    ------
    OutputError
        A file cannot be removed.
    """
    for name in (n for n in _OUTPUT_DIRS if n != keep):
        out.remove_tree(name)
    out.remove([n for n, size in out.listing().items()
                if size is not None and (n in _OUTPUT_FILES or n.endswith(PART_SUFFIX))])


def clean_leftovers(out: Target) -> int:
    """Remove what an interrupted run left in ``out``: ``*.part`` files (top level,
    media/, .shards/, plots/) and staging folders. Returns the number of entries removed."""
    removed = 0
    for folder in ("", "media", ".shards", "plots"):
        prefix = f"{folder}/" if folder else ""
        entries = out.listing(folder)
        parts = [prefix + n for n, size in entries.items() if size is not None and n.endswith(PART_SUFFIX)]
        out.remove(parts)
        removed += len(parts)
        for n, size in entries.items():
            if size is None and n.endswith(".staging"):
                out.remove_tree(prefix + n)
                removed += 1
    return removed


def read_manifest(out: Target) -> dict[str, Any] | None:
    """The manifest of ``out`` (None when there is none).

    Raises
    ------
    OutputError
        The manifest is not valid JSON (the message says how to start over).
    """
    raw = out.read(MANIFEST)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("identity"), dict):
            raise ValueError("no identity")
        return data
    except ValueError:
        raise OutputError(f"{out.url}/{MANIFEST}: corrupt run manifest; remove the folder or run with --overwrite "
                          "to start over") from None


def write_manifest(out: Target, identity: RunIdentity, *, complete: bool) -> None:
    """Write ``recsim-run.json``: the identity, its fingerprint and whether the run
    finished (``complete``)."""
    doc = {"fingerprint": identity.fingerprint, "identity": identity.fields, "complete": complete}
    out.write(MANIFEST, (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode())


def claim(out: str | Path | Target, identity: RunIdentity, *, overwrite: bool = False, defer: bool = False,
          storage_options: dict[str, Any] | None = None) -> tuple[Target, bool]:
    """Make ``out`` the folder of the run ``identity`` (see the module's table).

    Parameters
    ----------
    out : str, Path or Target
        A local folder or an fsspec URL (:func:`recsim.outputs.open_target`).
    identity : RunIdentity
    overwrite, defer : bool
        ``overwrite`` with ``defer``: the old outputs stay until :func:`commit`
        (``replace=True``), so a failed run leaves them as they were.
    storage_options : dict, optional
        Options of the URL's file system.

    Returns
    -------
    (Target, bool)
        The folder, and whether it already held this run (a batch then resumes).

    Raises
    ------
    OutputError
        ``out`` (or ``out/media``) is a file; the folder cannot be created or written;
        it holds another run and ``overwrite`` is false (the message lists what differs);
        it holds files recsim did not write.
    """
    target = open_target(out, storage_options)
    if target.kind() == "file":
        raise OutputError(f"{target.url}: is a file, not a folder; choose another --out or remove the file")
    target.makedirs()
    top = target.listing()
    for sub in ("media", ".shards"):
        if top.get(sub, None) is not None:
            raise OutputError(f"{target.url}/{sub}: is a file where recsim writes a folder; remove it or choose "
                              "another --out")
    foreign = _foreign(target)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(f"{target.url}: holds files recsim did not write ({shown}); choose an empty or new --out "
                          "(nothing there is removed, even with --overwrite)")
    if overwrite:
        if not defer:
            remove_outputs(target)
        return target, False
    manifest = read_manifest(target)
    same = manifest is not None and manifest.get("fingerprint") == identity.fingerprint
    if not same and any(not n.endswith((PART_SUFFIX, ".staging")) for n in top):  # more than a killed run's leftovers
        if manifest is None:
            why = "outputs of a run that has no manifest (an older recsim, or an interrupted start)"
        else:
            why = "another run: " + "; ".join(identity.differences(manifest["identity"]) or ["its fingerprint"])
        raise OutputError(f"{target.url}: holds {why}. Run with --overwrite to replace its outputs, or choose "
                          "another --out")
    if top:
        clean_leftovers(target)
    return target, same


# ------------------------------------------------------------ staging (run)
def staging(out: Target) -> Target:
    """A fresh staging folder ``out/.staging`` (with ``media/``) where a single run
    writes everything before :func:`commit` moves it into place.

    Raises
    ------
    OutputError
        The folder cannot be created.
    """
    out.remove_tree(".staging")
    out.makedirs(".staging/media")
    return out.child(".staging")


def commit(out: Target, identity: RunIdentity, *, replace: bool = False) -> None:
    """Move a staged run into ``out`` (media first, then metadata), write the manifest
    (complete) and remove the staging folder; ``replace``: first remove the outputs of
    the run the folder held (``claim(overwrite=True, defer=True)``).

    Raises
    ------
    OutputError
        A file cannot be moved.
    """
    if replace:
        remove_outputs(out, keep=".staging")
    out.makedirs("media")
    for name, size in sorted(out.listing(".staging/media").items()):
        if size is not None:
            out.move(f".staging/media/{name}", f"media/{name}")
    for name, size in sorted(out.listing(".staging").items()):
        if size is not None:
            out.move(f".staging/{name}", name)
    write_manifest(out, identity, complete=True)
    out.remove_tree(".staging")


def rollback(out: Target, *, created: bool) -> None:
    """Undo a run that failed before :func:`commit`: remove its staging folder and
    ``*.part`` files, and the folder itself when the run ``created`` it and it is empty."""
    out.remove_tree(".staging")
    if out.kind() == "folder":
        clean_leftovers(out)
        if created and not out.listing():
            out.remove_tree("")
