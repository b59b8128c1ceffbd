"""Long-lived worker processes, each job under time and memory caps; knows nothing of PDFs."""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from ..errors import BrochureError

J = TypeVar("J")
R = TypeVar("R")


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def call_named(module: str, name: str) -> object:
    """`module.name()`, imported by name: a warm-up a parent can hand to a worker
    without importing what the worker will need itself."""
    import importlib

    return getattr(importlib.import_module(module), name)()


@dataclass(frozen=True)
class Caps:
    """What one render may use before it is stopped: wall-clock seconds and memory.

    WeasyPrint documents that crafted HTML or CSS can loop or exhaust memory, and a
    Jinja sandbox bounds neither, so the command line renders every input in a worker
    process under these caps. Passing one fails that input alone, with the reason.
    """

    seconds: float = 120.0
    memory_mib: int = 2048


class WorkerError(BrochureError):
    """A worker was stopped (time cap) or died (memory cap, crash) during a job."""


def _context() -> Any:
    # spawn: a fresh interpreter per worker, safe whatever threads the parent runs
    # (the parent keeps one dispatching thread per worker), and the same on every
    # platform. Workers live for the whole run, so their start-up cost (about a
    # second, mostly importing WeasyPrint) is paid once per worker, not per input.
    return multiprocessing.get_context("spawn")


def _limit_memory(mib: int) -> None:
    try:
        import resource
    except ImportError:  # not on a POSIX system: the time cap still applies
        return
    size = mib * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        size = min(size, hard)
    resource.setrlimit(resource.RLIMIT_AS, (size, hard))


def _serve(
    conn: Connection, warm_up: Callable[[], object] | None, memory_mib: int, scratch: str
) -> None:
    """A worker's life: take a job, send back its result, until told to stop.

    Its temporary files (WeasyPrint writes the fonts a stylesheet names to a folder it
    removes only as its process ends normally) go in `scratch`, a folder the parent
    removes once the worker has stopped, however it stopped: workers are killed.
    """
    tempfile.tempdir = scratch
    # Ctrl-C (and a TERM sent to the whole group) is the parent's to handle: it lets
    # running jobs finish (their files are written atomically) and stops the workers,
    # instead of every worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _limit_memory(memory_mib)
    if warm_up is not None:
        with suppress(Exception):
            warm_up()
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        work, item = task
        try:
            reply: tuple[str, Any] = ("ok", work(item))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as err:  # sent back whole, raised in the parent
            reply = ("error", err)
        try:
            conn.send(reply)
        except Exception as err:  # a result that cannot be pickled is a bug; say so
            conn.send(("error", RuntimeError(f"cannot send the result back: {err}")))


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class _Slot:
    """One worker process and the parent thread that feeds it one job at a time."""

    def __init__(self, owner: Workers) -> None:
        self.owner = owner
        self.process: multiprocessing.process.BaseProcess | None = None
        self.conn: Connection | None = None
        self.scratch: str | None = None
        self.ready = False
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start_process(self) -> None:
        ours, theirs = _context().Pipe()
        self.scratch = tempfile.mkdtemp(prefix="brochure-worker-")
        process = _context().Process(
            target=_serve,
            args=(theirs, self.owner.warm_up, self.owner.caps.memory_mib, self.scratch),
            daemon=True,
        )
        process.start()
        theirs.close()
        self.process, self.conn = process, ours

    def wait_ready(self) -> None:
        """Block until the worker has warmed up (or died trying)."""
        assert self.conn is not None
        with suppress(EOFError, OSError):
            self.conn.recv()
            self.ready = True
            return
        self.stop_process()

    def stop_process(self, kill: bool = False) -> None:
        process, conn = self.process, self.conn
        self.process = self.conn = None
        self.ready = False
        if conn is not None:
            with suppress(OSError, ValueError):
                if not kill:
                    conn.send(None)
            conn.close()
        if process is not None:
            if kill:
                process.kill()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def _loop(self) -> None:
        while True:
            task = self.owner.queue.get()
            if task is None:
                # A worker between jobs holds nothing: it is killed, not asked to stop
                # (its own exit, with WeasyPrint loaded, takes a tenth of a second), and
                # one started early that never got a job need not finish warming up.
                self.stop_process(kill=True)
                return
            future, work, item, seconds = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._run(work, item, seconds))
            except BaseException as err:  # handed to whoever waits on it
                future.set_exception(err)

    def _run(self, work: Callable[[Any], Any], item: Any, seconds: float) -> Any:
        if self.process is None:
            self.start_process()
        if not self.ready:
            self.wait_ready()
        if self.process is None:
            raise WorkerError("the worker process could not start")
        assert self.conn is not None
        assert self.process is not None
        self.conn.send((work, item))
        if not self.conn.poll(seconds):
            self.stop_process(kill=True)
            raise WorkerError(f"stopped after {seconds:g} s, the time cap for one render")
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(timeout=5)
            code = self.process.exitcode
            self.stop_process(kill=True)
            cause = _signal_name(-code) if code and code < 0 else f"exit code {code}"
            raise WorkerError(
                f"the renderer stopped ({cause}), probably at the "
                f"{self.owner.caps.memory_mib} MiB memory cap for one render"
            ) from None
        if status == "memory":
            # Memory may be fragmented after a failed allocation: start afresh.
            self.stop_process()
            raise WorkerError(
                f"ran out of memory: one render may use {self.owner.caps.memory_mib} MiB"
            )
        if status == "error":
            raise value
        return value


class Workers:
    """Long-lived worker processes, each render under `caps`; outlives one run.

    Every worker takes one job at a time from its own thread in the parent, so the
    parent knows which job a worker is on: a job past its time cap is stopped by
    killing that worker alone (a fresh one takes its place), and a worker that dies
    fails only its own job. `warm_up`, a picklable function, runs in each worker as
    it starts, so that the first job a watcher hands over does not pay for imports.
    """

    def __init__(
        self,
        count: int,
        warm_up: Callable[[], object] | None = None,
        caps: Caps | None = None,
        *,
        start: int | None = None,
        wait: bool = True,
    ) -> None:
        self.count = max(1, count)
        self.warm_up = warm_up
        self.caps = caps or Caps()
        self.queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._slots = [_Slot(self) for _ in range(self.count)]
        self._closing = False
        # With a warm-up, start workers now rather than at their first job: all of
        # them (a watcher), or `start` of them while the caller still plans its work.
        early = self._slots[: self.count if start is None else start] if warm_up else []
        for slot in early:
            slot.start_process()
        if wait:
            for slot in early:
                slot.wait_ready()
        for slot in self._slots:
            slot.thread.start()

    def submit(self, work: Callable[[J], R], item: J, *, seconds: float | None = None) -> Future[R]:
        """Queue one job; `seconds` overrides the time cap for it (a whole booklet)."""
        future: Future[R] = Future()
        self.queue.put((future, work, item, seconds or self.caps.seconds))
        return future

    def close(self, *, wait: bool = True) -> None:
        """Cancel jobs not started, let running ones finish, stop every worker.

        With `wait=False` it returns at once and the workers stop meanwhile (a process
        takes a while to exit); closing again waits for them.
        """
        if not self._closing:
            self._closing = True
            pending = []
            with suppress(queue.Empty):
                while True:
                    pending.append(self.queue.get_nowait())
            for task in pending:
                if task is not None:
                    task[0].cancel()
            for _ in self._slots:
                self.queue.put(None)
        if wait:
            for slot in self._slots:
                slot.thread.join()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _call(work: Callable[[], R]) -> R:
    return work()


def call_capped(work: Callable[[], R], caps: Caps, seconds: float | None = None) -> R:
    """`work()` (picklable, e.g. a partial) in a worker process under `caps`.

    Its exceptions are raised here, its result returned; a job past a cap raises
    WorkerError. `seconds` overrides the time cap (a whole booklet).
    """
    with Workers(1, caps=caps) as pool:
        return pool.submit(_call, work, seconds=seconds).result()


def run_all(
    work: Callable[[J], R],
    items: Sequence[J],
    *,
    workers: int,
    on_done: Callable[[J, R], bool] | None = None,
    pool: Workers | None = None,
    caps: Caps | None = None,
    lost: Callable[[J, BrochureError], R] | None = None,
) -> list[tuple[J, R]]:
    """Run `work` on every item, in `workers` long-lived processes.

    With `pool`, its (already warm) processes do the work whatever the count. With
    neither `pool` nor `caps`, one worker or one item runs in this process (a
    trusted script's shortcut). `lost` turns a job its worker could not finish (time
    or memory cap) into a result; without it the WorkerError propagates. `on_done`
    sees each result as it arrives; returning False stops the run (pending items are
    dropped, running ones finish). Results come back in completion order.
    """
    done: list[tuple[J, R]] = []
    if pool is None and caps is None and (workers <= 1 or len(items) <= 1):
        for item in items:
            result = work(item)
            done.append((item, result))
            if on_done is not None and not on_done(item, result):
                break
        return done
    if not items:
        return done

    def outcome(future: Future[R], item: J) -> R:
        try:
            return future.result()
        except WorkerError as err:
            if lost is None:
                raise
            return lost(item, err)

    # A pool that was handed in stays open for the caller's next run.
    count = min(workers, len(items))
    with nullcontext(pool) if pool is not None else Workers(count, caps=caps) as owner:
        pending: dict[Future[R], J] = {owner.submit(work, item): item for item in items}
        stop = False
        while pending and not stop:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                result = outcome(future, item)
                done.append((item, result))
                if on_done is not None and not on_done(item, result):
                    stop = True
        if stop:
            for future in pending:
                future.cancel()
            for future, item in pending.items():
                if not future.cancelled():
                    done.append((item, outcome(future, item)))
    return done
