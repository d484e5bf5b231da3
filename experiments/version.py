"""The package version, saved beside every result."""

from importlib.metadata import PackageNotFoundError, version


def model_version() -> str:
    """Return the installed mpg-vo-sim version (``0+unknown`` when not installed)."""
    try:
        return version("mpg-vo-sim")
    except PackageNotFoundError:
        return "0+unknown"
