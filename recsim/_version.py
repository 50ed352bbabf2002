"""The version of recsim (one place; ``recsim.__version__`` re-exports it)."""

__version__ = "0.2.0"
