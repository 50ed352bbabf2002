"""An output folder holds exactly one run (DESIGN.md, "Identity and outputs").

A run is named by its *identity*: the recsim version, the scenario's validated content,
the SHA-256 of every audio file it reads, the media formats and the shard plan. The
identity is written to ``DIR/recsim-run.json`` (the manifest) before any other output,
so a folder always says which run it holds. :func:`claim` decides what a new run may do
with a folder:

=================================  ==============================================
folder                             a run ...
=================================  ==============================================
missing or empty                   starts
holds the same run (identity)      goes on (a batch resumes its finished shards)
holds another run                  refuses (:class:`OutputError` saying what
                                   differs)
any of the above, ``overwrite``    removes every output recsim wrote there and
                                   starts over
holds files recsim did not write   refuses, even with ``overwrite`` (nothing a user
                                   stored is removed)
=================================  ==============================================

Before a run goes on in a folder it removes what an interrupted run left: ``*.part``
files and staging folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recsim._version import __version__
from recsim.errors import OutputError
from recsim.outputs import PART_SUFFIX, atomic_write
from recsim.scenario import Scenario

__all__ = [
    "MANIFEST",
    "RunIdentity",
    "claim",
    "clean_leftovers",
    "commit",
    "identity_of",
    "read_manifest",
    "remove_outputs",
    "rollback",
    "staging",
    "write_manifest",
]

#: The manifest of a run folder.
MANIFEST = "recsim-run.json"
#: Files and folders a run writes at the top of its folder (besides media/ and plots/).
_OUTPUT_FILES = ("recordings.json", "events.jsonl", "timelines.jsonl", "transcriptions.json", "summary.json",
                 MANIFEST)
_OUTPUT_DIRS = ("media", "plots", ".shards", ".staging")
_OUTPUT_SUFFIXES = {"media": (".wav", ".mp3"), "plots": (".png",)}
#: What each identity field is called in messages.
_LABELS = {"recsim": "recsim version", "scenario": "scenario content (its fields, apps, seed)",
           "audio": "audio files read", "formats": "media formats (--format)",
           "plan": "shard plan (single run, or --shard-calls)"}


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
    text = ",".join(value) if isinstance(value, list) else json.dumps(value)
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


def identity_of(scenario: Scenario, formats: tuple[str, ...], plan: Any = "single") -> RunIdentity:
    """The identity of running ``scenario`` with ``formats`` and a shard ``plan``.

    Parameters
    ----------
    scenario : Scenario
        Validated; its audio paths are resolved against its folder and hashed.
    formats : tuple of str
        Media formats, as validated by :func:`recsim.outputs.validate_formats`.
    plan : str or dict
        ``"single"`` for one simulation, ``{"shard_calls": n}`` for a batch.

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
    return RunIdentity({"recsim": __version__, "scenario": _sha256(json.dumps(dumped, sort_keys=True).encode()),
                        "audio": audio, "formats": list(formats), "plan": plan})


def _recsim_wrote(out: Path, entry: Path) -> bool:
    name = entry.name
    if entry.is_file():
        return name in _OUTPUT_FILES or name.endswith(PART_SUFFIX)
    if entry.is_dir() and name in _OUTPUT_DIRS:
        allowed = _OUTPUT_SUFFIXES.get(name)
        return allowed is None or all(p.is_file() and (p.name.endswith(allowed) or p.name.endswith(PART_SUFFIX))
                                      for p in entry.iterdir())
    return False


def _foreign(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not _recsim_wrote(out, p))


def remove_outputs(out: Path) -> None:
    """Remove every file and folder a run writes in ``out`` (nothing else).

    Raises
    ------
    OutputError
        A file cannot be removed.
    """
    try:
        for name in _OUTPUT_DIRS:
            if (out / name).is_dir():
                shutil.rmtree(out / name)
        for p in out.iterdir():
            if p.is_file() and (p.name in _OUTPUT_FILES or p.name.endswith(PART_SUFFIX)):
                p.unlink()
    except OSError as exc:
        raise OutputError(f"{out}: cannot remove the old outputs ({exc.strerror or exc})") from None


def clean_leftovers(out: Path) -> int:
    """Remove what an interrupted run left in ``out``: ``*.part`` files (top level,
    media/, .shards/) and staging folders. Returns the number of entries removed."""
    removed = 0
    for folder in (out, out / "media", out / ".shards", out / "plots"):
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.name.endswith(PART_SUFFIX) and p.is_file():
                p.unlink(missing_ok=True)
                removed += 1
            elif p.name.endswith(".staging") and p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
                removed += 1
    if (out / ".staging").is_dir():
        shutil.rmtree(out / ".staging", ignore_errors=True)
        removed += 1
    return removed


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of ``out`` (None when there is none).

    Raises
    ------
    OutputError
        The manifest is not valid JSON (the message says how to start over).
    """
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or not isinstance(data.get("identity"), dict):
            raise ValueError("no identity")
        return data
    except (ValueError, OSError):
        raise OutputError(f"{path}: corrupt run manifest; remove the folder or run with --overwrite "
                          "to start over") from None


def write_manifest(out: Path, identity: RunIdentity, *, complete: bool) -> None:
    """Write ``recsim-run.json``: the identity, its fingerprint and whether the run
    finished (``complete``)."""
    doc = {"fingerprint": identity.fingerprint, "identity": identity.fields, "complete": complete}
    atomic_write(out / MANIFEST, (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode())


def _mkdir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file, not a folder; choose another --out or remove the file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder ({exc.strerror or exc}); choose another --out") from None


def claim(out: str | Path, identity: RunIdentity, *, overwrite: bool = False) -> tuple[Path, bool]:
    """Make ``out`` the folder of the run ``identity`` (see the module's table).

    Returns
    -------
    (Path, bool)
        The folder, and whether it already held this run (a batch then resumes).

    Raises
    ------
    OutputError
        ``out`` (or ``out/media``) is a file; the folder cannot be created or written;
        it holds another run and ``overwrite`` is false (the message lists what differs);
        it holds files recsim did not write.
    """
    path = Path(out)
    _mkdir(path)
    for sub in ("media", ".shards"):
        if (path / sub).exists() and not (path / sub).is_dir():
            raise OutputError(f"{path / sub}: is a file where recsim writes a folder; remove it or choose "
                              "another --out")
    foreign = _foreign(path)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(f"{path}: holds files recsim did not write ({shown}); choose an empty or new --out "
                          "(nothing there is removed, even with --overwrite)")
    if overwrite:
        remove_outputs(path)
        return path, False
    manifest = read_manifest(path)
    same = manifest is not None and manifest.get("fingerprint") == identity.fingerprint
    if not same and any(path.iterdir()):
        if manifest is None:
            why = "outputs of a run that has no manifest (an older recsim, or an interrupted start)"
        else:
            why = "another run: " + "; ".join(identity.differences(manifest["identity"]) or ["its fingerprint"])
        raise OutputError(f"{path}: holds {why}. Run with --overwrite to replace its outputs, or choose "
                          "another --out")
    if same:
        clean_leftovers(path)
    return path, same


# ------------------------------------------------------------ staging (run)
def staging(out: Path) -> Path:
    """A fresh staging folder ``out/.staging`` (with ``media/``) where a single run
    writes everything before :func:`commit` moves it into place.

    Raises
    ------
    OutputError
        The folder cannot be created.
    """
    stage = out / ".staging"
    shutil.rmtree(stage, ignore_errors=True)
    _mkdir(stage / "media")
    return stage


def commit(out: Path, stage: Path, identity: RunIdentity) -> None:
    """Move a staged run into ``out`` (media first, then metadata), write the manifest
    (complete) and remove the staging folder.

    Raises
    ------
    OutputError
        A file cannot be moved.
    """
    try:
        (out / "media").mkdir(exist_ok=True)
        for p in sorted((stage / "media").iterdir()):
            os.replace(p, out / "media" / p.name)
        for p in sorted(stage.iterdir()):
            if p.is_file():
                os.replace(p, out / p.name)
    except OSError as exc:
        raise OutputError(f"{out}: cannot move the outputs into place ({exc.strerror or exc})") from None
    write_manifest(out, identity, complete=True)
    shutil.rmtree(stage, ignore_errors=True)


def rollback(out: Path, *, created: bool) -> None:
    """Undo a run that failed before :func:`commit`: remove its staging folder and
    ``*.part`` files, and the folder itself when the run ``created`` it."""
    shutil.rmtree(out / ".staging", ignore_errors=True)
    if out.is_dir():
        clean_leftovers(out)
        if created and not any(out.iterdir()):
            out.rmdir()
