"""Reading a scenario: bounded, safe YAML and validation with one message per problem.

A scenario file is at most ``MAX_YAML_BYTES`` (16 MB) of UTF-8, and YAML aliases may
expand to at most ``MAX_ALIAS_NODES`` (100,000) nodes in all (a "billion laughs" is
refused at once). Paths to audio files are relative to the scenario file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from recsim.errors import ScenarioError
from recsim.scenario.fields import Seed
from recsim.scenario.messages import format_error
from recsim.scenario.schema import Scenario
from recsim.scenario.traffic import Traffic, check_starts, expand_traffic

__all__ = ["MAX_ALIAS_NODES", "MAX_YAML_BYTES", "load_scenario", "parse_yaml", "scenario_from_dict"]

#: The largest scenario file (bytes).
MAX_YAML_BYTES = 16 * 1024 * 1024
#: The most nodes that YAML aliases may expand to, over a whole document.
MAX_ALIAS_NODES = 100_000


def _traffic(data: dict[str, Any], source: str, expand: bool) -> dict[str, Any]:
    """``data`` with its traffic section expanded into calls, or validated (``expand=False``).

    Raises
    ------
    ScenarioError
        An invalid ``seed`` or ``traffic`` section (named ``traffic.<field>``).
    """
    try:
        seed = TypeAdapter(Seed).validate_python(data.get("seed", 0))
    except ValidationError as err:
        raise format_error(source, err, prefix=("seed",)) from None
    try:
        tr = Traffic.model_validate(data["traffic"])
    except ValidationError as err:
        raise format_error(source, err, root=Traffic, prefix=("traffic",)) from None
    try:
        check_starts(tr, seed)
    except ValueError as exc:
        raise ScenarioError(f"invalid scenario\n{source}: traffic.arrivals: {exc}") from None
    return expand_traffic({**data, "seed": seed}, source=source) if expand else {**data, "traffic": tr}


def scenario_from_dict(data: dict[str, Any], *, base_dir: Path | str = ".", source: str = "<dict>",
                       expand: bool = True) -> Scenario:
    """Validate a scenario given as a dict (the parsed YAML).

    A ``traffic`` section is expanded into calls; with ``expand=False`` it is kept as
    ``Scenario.traffic`` (validated) for :func:`recsim.batch.run_batch`, whose shards
    expand their own units (memory bounded by a shard).

    Parameters
    ----------
    data : dict
        The scenario (the parsed YAML, or a JSON body).
    base_dir : path
        Folder that relative audio paths are resolved against.
    source : str
        Name of the input in error messages (a file path, ``POST /recsim/scenario``).
    expand : bool
        Expand ``traffic`` into calls (True) or keep it for a batch (False).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        One line per problem: ``source: path.to.field: message (got value)``; values cut
        to 80 characters, at most 20 problems listed; an unknown key lists the allowed keys.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: the scenario must be a mapping, got {type(data).__name__}")
    if data.get("traffic") is not None:
        data = _traffic(data, source, expand)
    try:
        return Scenario.model_validate({**data, "base_dir": Path(base_dir), "source": source})
    except ValidationError as err:
        raise format_error(source, err) from None


class _YamlLimit(Exception):
    """A YAML document over a bound (aliases expanding too far, or a recursive alias)."""


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that counts the nodes aliases stand for and refuses more than
    ``MAX_ALIAS_NODES`` in a document (a "billion laughs"), or an alias inside its anchor."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}
        self._expanded = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        alias = self.check_event(yaml.AliasEvent)
        node = super().compose_node(parent, index)
        if not alias:
            children = node.value if isinstance(node, yaml.SequenceNode) else (
                [n for kv in node.value for n in kv] if isinstance(node, yaml.MappingNode) else [])
            self._sizes[id(node)] = 1 + sum(self._sizes.get(id(c), 1) for c in children)
            return node
        size = self._sizes.get(id(node))
        if size is None:
            raise _YamlLimit("an alias refers to a node that contains it (a recursive structure)")
        self._expanded += size
        if self._expanded > MAX_ALIAS_NODES:
            raise _YamlLimit(f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?); "
                             "write the values out or use fewer aliases")
        return node


def parse_yaml(text: str | bytes, source: str = "<yaml>") -> Any:
    """Parse YAML safely and within bounds: at most ``MAX_YAML_BYTES``, UTF-8, aliases
    expanding to at most ``MAX_ALIAS_NODES`` nodes.

    Parameters
    ----------
    text : str or bytes
        The document (bytes are decoded as UTF-8).
    source : str
        Name of the input in error messages.

    Returns
    -------
    Any
        The parsed document (a dict for a scenario).

    Raises
    ------
    ScenarioError
        Too large, not UTF-8 (names the byte offset), not valid YAML, nested too deeply,
        or an alias bomb.
    """
    if len(text) > MAX_YAML_BYTES:
        raise ScenarioError(f"{source}: {len(text):,} bytes, more than the {MAX_YAML_BYTES:,} a scenario may have")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{source}: not UTF-8 text (byte {exc.start:,} is "
                                f"{exc.object[exc.start:exc.start + 1]!r}); save the file as UTF-8") from None
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML{_yaml_problem(exc)}") from None
    except _YamlLimit as exc:
        raise ScenarioError(f"{source}: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{source}: the YAML is nested too deeply") from None
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """`` at line L, column C: problem (context)``: a YAML error on one line."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = " ".join((f"{problem} ({context})" if context else problem).split())
    return f"{where}: {_cut(text)}; fix the YAML syntax there"


def _cut(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def load_scenario(path: str | Path, *, expand: bool = True) -> Scenario:
    """Read and validate a YAML scenario file (``expand`` as :func:`scenario_from_dict`).

    Parameters
    ----------
    path : str or Path
        The scenario file (at most 16 MB of UTF-8 YAML).
    expand : bool
        Expand a ``traffic`` section into calls (see :func:`scenario_from_dict`).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Missing, unreadable, too large or non-UTF-8 file, YAML syntax error or alias bomb,
        or invalid fields (each named with its path).
    """
    p = Path(path)
    if p.is_dir():
        raise ScenarioError(f"{p}: is a folder, not a scenario file; give a YAML file")
    if not p.is_file():
        raise ScenarioError(f"{p}: no such scenario file")
    try:
        if p.stat().st_size > MAX_YAML_BYTES:
            raise ScenarioError(f"{p}: {p.stat().st_size:,} bytes, more than the {MAX_YAML_BYTES:,} "
                                "a scenario may have")
        raw = p.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{p}: cannot read the scenario ({exc.strerror or exc})") from None
    return scenario_from_dict(parse_yaml(raw, str(p)), base_dir=p.parent, source=str(p), expand=expand)
