"""Where the model's data files live: the ``configs`` folder that travels with the package.

The repository's ``configs/`` is installed as the data package ``mpgsim_configs`` (scenarios,
training cases, the typology, the patterns and the calibration). A folder named by the
environment variable ``MPGSIM_CONFIG_DIR`` is looked in first, so a researcher can edit a
copy of any of these files (say, only ``typologies.toml``) without touching the installed
package; every file it does not hold comes from the packaged folder.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path
from typing import Any

from sim.errors import ConfigError

CONFIG_ENV = "MPGSIM_CONFIG_DIR"
CONFIG_PACKAGE = "mpgsim_configs"
#: The data files the model itself reads; they are part of the model version.
MODEL_DATA = ("typologies.toml", "calibrated.toml")


def packaged_config_dir() -> Path:
    """The configs folder installed with the package (the repository's ``configs/``)."""
    spec = importlib.util.find_spec(CONFIG_PACKAGE)
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    # A bare checkout on sys.path without installing: configs/ sits beside sim/.
    return Path(__file__).resolve().parents[1] / "configs"


def config_dirs() -> list[Path]:
    """The folders looked in, in order: ``$MPGSIM_CONFIG_DIR`` (when set), then the packaged one."""
    env = os.environ.get(CONFIG_ENV)
    return [Path(env), packaged_config_dir()] if env else [packaged_config_dir()]


def config_file(name: str) -> Path:
    """The first ``name`` (a path relative to a configs folder) found in :func:`config_dirs`.

    Returns the packaged path when no folder holds it, so the error names the expected place.
    """
    for folder in config_dirs():
        if (folder / name).is_file():
            return folder / name
    return packaged_config_dir() / name


def model_data_files() -> list[Path]:
    """The data files the model reads as resolved now (see :data:`MODEL_DATA`)."""
    return [config_file(name) for name in MODEL_DATA]


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file.

    Raises:
        ConfigError: a missing file or invalid TOML, naming the file.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (FileNotFoundError, IsADirectoryError):
        raise ConfigError("file", str(path), "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path.name, "TOML", f"not valid TOML ({exc})") from None
