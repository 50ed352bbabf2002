"""Optional dependencies: import one, or say which extra installs it.

``pip install recsim`` brings the simulation and audio core only. The rest are extras
(pyproject.toml ``[project.optional-dependencies]``)::

    server      recsim serve, recsim.server, recsim.testing  fastapi, uvicorn, httpx, python-multipart
    plot        recsim run --plot, recsim plot, recsim.plots   matplotlib
    transcribe  <Record transcribe="true"> (PocketSphinx)      pocketsphinx
    dask        recsim run --dask ADDRESS                      dask[distributed]
    mock        recsim.testing (mock_twilio, pytest plugin)    server + responses, respx, aioresponses, twilio
    s3          recsim run --out s3://... (any fsspec URL)      fsspec, s3fs
    parquet     recsim run --metadata parquet                  pyarrow
    all         all of the above

The module that needs an optional dependency imports it with :func:`require` where it
is first used (the one allowed kind of deferred import), so ``import recsim`` never pays
for it and a missing one fails with :class:`~recsim.errors.MissingExtraError` naming
the extra. This module imports nothing of recsim but :mod:`recsim.errors`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from recsim.errors import MissingExtraError

__all__ = ["EXTRAS", "MissingExtraError", "require"]

#: The extras of pyproject.toml that hold optional imports of recsim.
EXTRAS = ("server", "plot", "transcribe", "dask", "mock", "s3", "parquet")


def require(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import an optional module, or raise an error naming the extra that installs it.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"matplotlib.pyplot"`` or ``"fastapi"``.
    extra : str
        The pyproject extra that installs it, one of :data:`EXTRAS`.
    feature : str
        What needs it, as the user knows it, e.g. ``"`recsim serve`"`` or
        ``"recsim run --plot"``; starts the message.

    Returns
    -------
    types.ModuleType
        The imported module (cached by Python after the first call).

    Raises
    ------
    MissingExtraError
        The module, or a module it imports, is not installed. Message:
        ``"`recsim serve` needs the server extra: pip install 'recsim[server]'
        (no module named 'fastapi')"``.
    ValueError
        ``extra`` is not one of :data:`EXTRAS` (a programming error).

    Examples
    --------
    >>> require("json", extra="plot", feature="a doctest").__name__
    'json'
    """
    if extra not in EXTRAS:
        raise ValueError(f"extra: {extra!r} is not one of {', '.join(EXTRAS)}")
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise MissingExtraError(
            f"{feature} needs the {extra} extra: pip install 'recsim[{extra}]' (no module named {exc.name!r})",
            name=exc.name,
        ) from exc
