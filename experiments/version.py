"""The model version, saved beside every result and part of every run id."""

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import sim
from sim.files import model_data_files


@cache
def model_version() -> str:
    """Return the package version plus a digest of all the model reads: ``0.1.0+sim.1a2b3c4d``.

    The digest covers the model's source (``sim/*.py``) and the data files it reads (the
    calibration and the default typology, as resolved now; see :mod:`sim.files`). So a results
    store or the dashboard's cache never serves runs of an older model, or of an edited
    typology or calibration, as if they were of this one, even when the package version was
    not bumped. A missing data file is hashed as absent (loading the model then fails anyway).
    """
    try:
        package = version("mpg-vo-sim")
    except PackageNotFoundError:
        package = "0"
    digest = hashlib.sha1()
    for path in sorted(Path(sim.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    for path in model_data_files():
        digest.update(path.name.encode() + (path.read_bytes() if path.is_file() else b"-"))
    return f"{package}+sim.{digest.hexdigest()[:8]}"
