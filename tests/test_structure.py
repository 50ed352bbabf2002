"""The shape of the package (issue 12): module and function sizes, public exports, the
cost of ``import recsim``, and the message of a missing extra."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from recsim._extras import EXTRAS, MissingExtraError, require
from recsim.errors import RecsimError

PACKAGE = ROOT / "recsim"
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60
#: Heavy or optional imports that ``import recsim`` (and the command line, whose
#: ``recsim run`` is the core install's job) must not pay for: scipy.signal loads on
#: first use, the others come with extras.
DEFERRED = (
    "scipy.signal", "matplotlib", "fastapi", "starlette", "uvicorn", "httpx", "dask", "distributed",
    "pocketsphinx", "responses", "respx", "aioresponses", "twilio",
)
#: Packages whose ``__init__`` re-exports a public ``__all__``.
PUBLIC = ("recsim", "recsim.audio", "recsim.twiml", "recsim.sim")


def _modules() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py"))


def _functions(path: str) -> list[tuple[str, int]]:
    """(qualified name, lines from the def line to the last line) of every function."""
    tree = ast.parse((ROOT / path).read_text(), filename=path)
    out: list[tuple[str, int]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                out.append((name, (child.end_lineno or child.lineno) - child.lineno + 1))
                walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return out


def test_every_module_is_under_350_lines() -> None:
    """Every module of recsim/ has fewer than 350 lines."""
    sizes = {m: len((ROOT / m).read_text().splitlines()) for m in _modules()}
    too_long = {m: n for m, n in sizes.items() if n >= MAX_MODULE_LINES}
    assert not too_long, f"modules of {MAX_MODULE_LINES} lines or more: {too_long}"


def test_every_function_is_under_60_lines() -> None:
    """Every function and method of recsim/ spans fewer than 60 lines, from its def line
    to its last line (docstring included)."""
    too_long = {f"{m}:{name}": n for m in _modules() for name, n in _functions(m) if n >= MAX_FUNCTION_LINES}
    assert not too_long, f"functions of {MAX_FUNCTION_LINES} lines or more: {too_long}"


@pytest.mark.parametrize("package", PUBLIC)
def test_public_exports_exist(package: str) -> None:
    """Every name in a public package's ``__all__`` exists there, once (its order is
    ruff's RUF022)."""
    mod = importlib.import_module(package)
    names = list(mod.__all__)
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"{package}.__all__ names missing attributes: {missing}"
    assert len(names) == len(set(names)), f"{package}.__all__ has duplicates"


@pytest.mark.parametrize("module", ["recsim", "recsim.cli"])
def test_import_recsim_defers_heavy_dependencies(module: str) -> None:
    """``import recsim`` (and ``recsim.cli``) imports none of scipy.signal, matplotlib,
    fastapi, dask, pocketsphinx, ... (:data:`DEFERRED`): they load when first used."""
    code = (
        f"import sys, {module}\n"
        f"heavy = {DEFERRED!r}\n"
        "print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"import {module} imported: {out.stdout.strip()}"


#: Import names of the extras' packages: hidden to play a core-only install.
EXTRA_PACKAGES = (
    "fastapi", "starlette", "uvicorn", "httpx", "multipart", "python_multipart", "matplotlib",
    "pocketsphinx", "dask", "distributed", "responses", "respx", "aioresponses", "twilio",
)
CORE_ONLY = f"""
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {EXTRA_PACKAGES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Hide())
from recsim.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_core_install_runs_and_names_the_missing_extras(tmp_path: Path) -> None:
    """Without any extra's package, ``recsim run`` of the default scenario succeeds;
    ``recsim serve`` and ``recsim run --plot`` fail in one line naming their extra."""
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", CORE_ONLY, *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)

    ran = cli("run", "--out", str(tmp_path / "out"))
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "out" / "recordings.json").is_file()
    served = cli("serve")
    assert served.returncode != 0
    assert "needs the server extra: pip install 'recsim[server]'" in served.stderr
    plotted = cli("run", "--out", str(tmp_path / "plotted"), "--plot")
    assert plotted.returncode != 0
    assert "needs the plot extra: pip install 'recsim[plot]'" in plotted.stderr


def test_require_returns_the_module() -> None:
    """An installed optional module is returned as imported."""
    assert require("json", extra="plot", feature="a test").__name__ == "json"


def test_missing_extra_names_the_extra_and_the_command() -> None:
    """A missing optional module raises MissingExtraError, both a RecsimError and an
    ImportError, whose message names the feature, the extra and the pip command."""
    with pytest.raises(MissingExtraError) as info:
        require("recsim_no_such_module.sub", extra="server", feature="`recsim serve`")
    assert isinstance(info.value, RecsimError) and isinstance(info.value, ImportError)
    assert str(info.value) == (
        "`recsim serve` needs the server extra: pip install 'recsim[server]' "
        "(no module named 'recsim_no_such_module')"
    )


def test_require_rejects_an_unknown_extra() -> None:
    """A misspelt extra is a programming error: ValueError naming the allowed ones."""
    with pytest.raises(ValueError, match="'plots' is not one of server, plot, transcribe, dask, mock"):
        require("json", extra="plots", feature="a test")


def test_extras_are_declared_in_pyproject() -> None:
    """Every extra :func:`require` may name is an optional-dependency of pyproject.toml,
    and ``all`` installs each of them."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(EXTRAS) <= set(extras)
    assert extras["all"] == [f"recsim[{','.join(EXTRAS)}]"]
