"""Executors behind the standard ``concurrent.futures`` interface: serial, processes, Dask.

:func:`open_engine` returns an :class:`Engine`: an executor plus its worker count and a way
to recover from a broken process pool. The runner only calls ``engine.executor.submit``, so
anything with the Executor interface (an ``mpi4py.futures.MPIPoolExecutor``, say) fits.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ConfigError

ENGINES = ("processes", "dask", "serial")
SCHEDULER_TIMEOUT_S = 5


class SerialExecutor(Executor):
    """Runs each task at submission, in this process (debugging, tiny designs, profiling)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Run ``fn(*args, **kwargs)`` now and return a finished future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@dataclass
class Engine:
    """An executor with what the runner needs to know about it.

    Attributes:
        name: "processes", "dask" or "serial".
        workers: worker processes in use.
        executor: where tasks go.
        closers: clusters and clients to close with the engine.
        requested: the worker count asked for, when more than the cores (then capped).
    """

    name: str
    workers: int
    executor: Executor
    closers: list[Any] = field(default_factory=list)
    requested: int | None = None

    def restart(self) -> None:
        """Replace a broken process pool (a worker died) with a fresh one."""
        if self.name != "processes":
            return
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = _process_pool(self.workers)

    def close(self) -> None:
        """Shut the executor and any cluster down."""
        if isinstance(self.executor, ProcessPoolExecutor):
            self.executor.shutdown(wait=True, cancel_futures=True)
        else:
            self.executor.shutdown(wait=True)
        for closer in reversed(self.closers):
            closer.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_engine(
    engine: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    retries: int = 2,
) -> Engine:
    """Start an executor.

    Args:
        engine: "processes" (local worker processes, reused across runs), "dask" (a Dask
            LocalCluster, or the cluster at ``scheduler``) or "serial" (this process).
        workers: worker processes; default and maximum: the cores this process may use (more
            processes than cores only slow a CPU-bound model down). ``Engine.requested``
            records a larger request so the caller can say it was capped.
        scheduler: address of a running Dask scheduler, e.g. ``tcp://host:8786``; implies dask.
        retries: Dask retries of a task that raised outside the model (a lost file system, say).
            A worker that dies is handled by the scheduler itself, which reschedules its tasks.

    Raises:
        ConfigError: unknown engine, workers < 1 or an unreachable scheduler.
    """
    if scheduler:
        engine = "dask"
    if engine not in ENGINES:
        raise ConfigError("--engine", engine, "allowed: " + ", ".join(ENGINES))
    if workers is not None and workers < 1:
        raise ConfigError("--workers", workers, "allowed: a whole number >= 1")
    cores = available_cores()
    requested = workers if workers and workers > cores and not scheduler else None
    workers = min(workers or cores, cores)
    if engine == "serial":
        return Engine("serial", 1, SerialExecutor())
    if engine == "processes":
        return Engine("processes", workers, _process_pool(workers), requested=requested)
    found = _dask(workers, scheduler, retries)
    found.requested = requested
    return found


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system reports it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def check_engine(engine: str, scheduler: str | None) -> None:
    """Fail fast, before anything is planned: an unknown engine or an unreachable scheduler.

    Raises:
        ConfigError: as :func:`open_engine` would, but without starting any workers.
    """
    if engine not in ENGINES:
        raise ConfigError("--engine", engine, "allowed: " + ", ".join(ENGINES))
    if scheduler:
        _connect(scheduler).close()


def _process_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: workers start from a clean, single-threaded server process (fork from a
    # process running Dask or rich threads can deadlock); they are reused for every batch.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["experiments.runner"])
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=die_with, initargs=(os.getpid(),)
    )


WATCH_INTERVAL_S = 0.5


def die_with(main_pid: int) -> None:
    """End this worker process as soon as the process ``main_pid`` ends, however it ended.

    Killing only the main process (SIGKILL or SIGTERM, which Python does not catch) leaves
    its pool's workers alive: they are children of the forkserver, and they hold both ends
    of their task queue, so they never see it close. They would finish their batches, racing
    a rerun into the same store, and then wait forever. A daemon thread in each worker waits
    for the main process to end and then ends the worker. On Linux it waits on a pidfd (no
    polling, and immune to the pid being reused); elsewhere it checks twice a second.
    """
    try:
        fd = os.pidfd_open(main_pid)
    except ProcessLookupError:
        os._exit(1)  # the main process ended before this worker started
    except (AttributeError, OSError):
        fd = None
    threading.Thread(target=_watch, args=(main_pid, fd), daemon=True).start()


def _watch(main_pid: int, fd: int | None) -> None:
    if fd is not None:
        select.select([fd], [], [])  # readable once the process has ended
    else:
        while _alive(main_pid):
            time.sleep(WATCH_INTERVAL_S)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dask(workers: int, scheduler: str | None, retries: int) -> Engine:
    from distributed import Client, LocalCluster

    closers: list[Any] = []
    if scheduler:
        client = _connect(scheduler)
        workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
    else:
        # One thread per worker: the model is pure Python and holds the GIL.
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        closers.append(cluster)
        client = Client(cluster)
    closers.append(client)
    executor = client.get_executor(retries=retries, pure=False)
    return Engine("dask", workers, executor, closers)


def _connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout=f"{SCHEDULER_TIMEOUT_S}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(
            "--scheduler",
            address,
            f"no Dask scheduler answered within {SCHEDULER_TIMEOUT_S} s "
            f"({type(exc).__name__}); start one with `dask scheduler` or drop --scheduler",
        ) from None
