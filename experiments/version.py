"""The model version, saved beside every result and part of every run id."""

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import sim


@cache
def model_version() -> str:
    """Return the package version plus a digest of the model's source (``0.1.0+sim.1a2b3c4d``).

    The digest changes with any change to ``sim/``, so a results store never serves runs of
    an older model as if they were of this one, even when the package version was not bumped.
    """
    try:
        package = version("mpg-vo-sim")
    except PackageNotFoundError:
        package = "0"
    digest = hashlib.sha1()
    for path in sorted(Path(sim.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return f"{package}+sim.{digest.hexdigest()[:8]}"
