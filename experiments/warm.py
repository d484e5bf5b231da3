"""Settled models kept on disk: a run that was burned in once starts from its settled state.

Every run spends ``burn_in_weeks`` (364 by default) settling before it reports a week; for
``mpgsim run --weeks 1`` or a policy timeline tried out in the dashboard that is nearly all the
work. The state after the burn-in depends on the parameters, the typology, the seed and the
model version only (policy events act from reported week 1, see
:meth:`sim.model.MpgModel.schedule`), so it is the run of zero reported weeks, and its identity
is :func:`experiments.ids.run_id` with ``weeks=0`` and no events. Runs that share it (another
length, other events, the same command again) load it instead of settling again, and report
the same numbers bit for bit (``tests/experiments/test_warm.py``).

The store is a folder of pickles, one per settled state (about 1.3 MB for the baseline region),
written atomically and pruned oldest-first beyond :data:`MAX_BYTES`. A file that cannot be read
(cut short, from another Python) is removed and the state is settled again: the store is a
cache, never the only copy of anything. Pickles are only read from this folder, which the tool
writes itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

from experiments.ids import run_id
from sim.model import MpgModel
from sim.params import Params
from sim.run import settle
from sim.typology import Typology

#: Folder of the store unless ``$MPGSIM_WARM_DIR`` says otherwise (under ``$XDG_CACHE_HOME``).
ENV_DIR = "MPGSIM_WARM_DIR"
#: Prune the oldest states beyond this total: about 800 baseline regions or 30 national runs.
MAX_BYTES = 1 << 30
#: What reading a damaged or foreign pickle can raise; such a file is dropped and rebuilt.
_UNREADABLE = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    TypeError,
    ValueError,
    MemoryError,
)


def default_dir() -> Path:
    """The store's folder: ``$MPGSIM_WARM_DIR``, else ``$XDG_CACHE_HOME/mpgsim/settled``."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mpgsim" / "settled"


def settled_id(params: Params, typology: Typology, seed: int) -> str:
    """The identity of a settled state: the run of zero reported weeks, without events."""
    return run_id(params, typology, seed, weeks=0)


class SettledStore:
    """Settled models by identity, in a folder.

    Args:
        folder: where the pickles live (made when first written); default :func:`default_dir`.
        max_bytes: prune the oldest files beyond this total.
    """

    def __init__(self, folder: Path | None = None, max_bytes: int = MAX_BYTES):
        self.folder = Path(folder) if folder is not None else default_dir()
        self.max_bytes = max_bytes
        #: how many settled states were loaded rather than settled (for the CLI's summary)
        self.reused = 0

    def path(self, key: str) -> Path:
        """The file of one settled state."""
        return self.folder / f"{key}.pickle"

    def settled(
        self,
        params: Params,
        typology: Typology,
        seed: int,
        on_week: Callable[[int, int], None] | None = None,
        weeks: int = 0,
    ) -> MpgModel:
        """Return the model after its burn-in: loaded if kept, else settled here and kept.

        ``on_week`` and ``weeks`` are passed to :func:`sim.run.settle` when it runs.
        """
        key = settled_id(params, typology, seed)
        model = self.load(key)
        if model is not None:
            self.reused += 1
            return model
        model = settle(params, typology, seed, on_week, weeks)
        self.save(key, model)
        return model

    def load(self, key: str) -> MpgModel | None:
        """The kept model of ``key``, or None; a file that cannot be read is removed."""
        path = self.path(key)
        try:
            with path.open("rb") as f:
                model = pickle.load(f)
        except FileNotFoundError:
            return None
        except (*_UNREADABLE, OSError):
            _drop(path)
            return None
        if not isinstance(model, MpgModel):
            _drop(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # pruning goes by last use
        return model

    def save(self, key: str, model: MpgModel) -> None:
        """Keep ``model`` under ``key`` (atomically); a store that cannot be written is skipped.

        A full disk or a read-only home costs the next run its burn-in again, not its result.
        """
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path(key))
        except OSError:
            if tmp is not None:
                _drop(Path(tmp))
            return
        self.prune()

    def prune(self) -> None:
        """Remove the least recently used states until the folder is within ``max_bytes``."""
        files = []
        for path in self.folder.glob("*.pickle"):
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            _drop(path)
            total -= size


def _drop(path: Path) -> None:
    """Remove a file of the store if it can be removed (it is only ever a cache)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
