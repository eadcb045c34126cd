"""Worker processes: every query of the embedded backend, every update and every what-if runs in one.

A worker holds a read-only handle on one store version and, unless it is a federation worker, cannot open a
network socket (``sandbox.forbid_network`` before it reads any request). The pool bounds the work of a request:

* the time limit is wall-clock from the request's arrival (waiting for a worker counts);
* waiting for a free worker is bounded (``Busy``: 503 with ``Retry-After``);
* a request whose client disconnects is cancelled (its worker is killed and replaced);
* light queries keep capacity: a query still running after ``light_seconds`` becomes *heavy*: its worker's CPU
  priority drops (nice 19) and at most ``heavy`` queries may be heavy at once, so the other workers keep
  answering short queries at full speed;
* a worker that dies (a crash in the engine) is reported as a crash, not as a timeout.

The request's arrival time and its cancel flag travel in a context variable (``Control``), set by the limits
middleware and copied into the threads that call the pool.
"""

from __future__ import annotations

import contextvars
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tanbiao.errors import Busy, TanbiaoError, Unavailable

from .jobs import (
    NO_NETWORK,
    REMOTE_FAILED,
    QueryRequest,
    QueryResult,
    call_job,
    check_job,
    execute,
    graphs_job,
    query_job,
    update_job,
)

__all__ = ["Control", "CONTROL", "QueryPool", "QueryRequest", "QueryResult", "execute", "QueryTimeout",
           "WorkerCrashed", "run_isolated", "query_job", "check_job", "call_job", "graphs_job", "update_job",
           "REMOTE_FAILED", "NO_NETWORK"]

_CTX = mp.get_context("spawn")


@dataclass
class Control:
    """What the pool knows about the request a job belongs to."""

    arrival: float = field(default_factory=time.monotonic)
    cancel: threading.Event = field(default_factory=threading.Event)
    pinned: Any = None  # the store version every query of this request uses (``stores.Served.get``)


CONTROL: contextvars.ContextVar[Control | None] = contextvars.ContextVar("tanbiao_request", default=None)


class QueryTimeout(Unavailable):
    pass


class WorkerCrashed(TanbiaoError):
    http_status = 500


class Cancelled(TanbiaoError):
    http_status = 499  # the client went away: nobody reads this


def _worker(store_dir: str | None, sandbox: bool, memory: int, conn) -> None:  # pragma: no cover - a child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    if memory:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if sandbox:
        from .sandbox import forbid_network

        forbid_network()
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir) if store_dir else None
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            out: tuple = ("ok", fn(store, *args))
        except TanbiaoError as exc:
            out = ("error", exc)
        except MemoryError:
            out = ("error", TanbiaoError("the request needed more memory than this server allows a request"))
        conn.send(out)


class _Worker:
    def __init__(self, store: Any, sandbox: bool, memory: int = 0):
        """``store``: a key with a ``store_dir`` (a store version), or None for a worker without a store."""
        path = getattr(store, "store_dir", None)
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(target=_worker, args=(str(path) if path else None, sandbox, memory, child),
                                    daemon=True)
        self.process.start()
        child.close()
        self.store = store
        self.heavy = False

    def renice(self, value: int) -> bool:
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid or 0, value)
            return True
        except OSError:  # lowering it again needs CAP_SYS_NICE
            return False

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def _crash_message(w: _Worker) -> str:
    w.process.join(timeout=1)
    code = w.process.exitcode
    how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
    return f"the worker process running this request crashed ({how}) and was replaced; the request was not answered"


def _control() -> Control:
    return CONTROL.get() or Control()


class QueryPool:
    """``size`` worker processes over store versions; ``run`` blocks the calling thread (never the event loop)."""

    def __init__(self, size: int = 4, timeout: float = 30.0, heavy: int = 2, light_seconds: float = 1.0,
                 max_wait: float = 10.0, sandbox: bool = True, store: Any = None):
        self.size, self.timeout, self.heavy = max(1, size), timeout, max(1, min(heavy, size))
        self.light_seconds, self.max_wait, self.sandbox = light_seconds, max_wait, sandbox
        self.cond = threading.Condition()
        self.idle: list[_Worker] = []
        self.busy: set[_Worker] = set()
        self.starting = 0
        self.heavy_now = 0
        self.known_heavy: OrderedDict[str, None] = OrderedDict()  # fingerprints of jobs that ran long lately
        self.closed = False
        for _ in range(self.size if store is not None else 0):
            self.idle.append(_Worker(store, sandbox))

    # -- acquiring a worker for a store version ------------------------------------------------------------
    def _acquire(self, store: Any, deadline: float, ctl: Control, heavy: bool = False) -> _Worker:
        """A worker for ``store``. A job known to run long first waits for a heavy slot (and holds it), so it
        never takes the capacity light queries need."""
        give_up = min(deadline, time.monotonic() + self.max_wait)
        victim, reserved = None, False
        with self.cond:
            try:
                while True:
                    if self.closed:
                        raise Unavailable("the server is shutting down")
                    if ctl.cancel.is_set():
                        raise Cancelled()
                    remaining = give_up - time.monotonic()
                    if heavy and not reserved:
                        if self.heavy_now < self.heavy:
                            self.heavy_now += 1
                            reserved = True
                        elif remaining <= 0:
                            raise Busy(f"this query ran long before and the server is already running its limit "
                                       f"of {self.heavy} long queries; try again in a moment")
                        else:
                            self.cond.wait(min(remaining, 0.25))
                            continue
                    mine = next((w for w in self.idle if w.store == store and w.process.is_alive()), None)
                    if mine is not None:
                        self.idle.remove(mine)
                        self.busy.add(mine)
                        mine.heavy = reserved
                        return mine
                    total = len(self.idle) + len(self.busy) + self.starting
                    if total < self.size or self.idle:
                        if total >= self.size:
                            victim = self.idle.pop(0)  # an idle worker of an older version (or a dead one)
                        self.starting += 1
                        break
                    if remaining <= 0:
                        raise Busy(f"all {self.size} query workers are busy; try again in a moment")
                    self.cond.wait(min(remaining, 0.25))
            except BaseException:
                if reserved:
                    self.heavy_now -= 1
                raise
        if victim is not None:
            victim.stop()
        try:
            w = _Worker(store, self.sandbox)
        except BaseException:
            with self.cond:
                self.starting -= 1
                if reserved:
                    self.heavy_now -= 1
            raise
        with self.cond:
            self.starting -= 1
            self.busy.add(w)
        w.heavy = reserved
        return w

    def _release(self, w: _Worker, keep: bool) -> None:
        with self.cond:
            self.busy.discard(w)
            if w.heavy:
                self.heavy_now -= 1
                w.heavy = False
                keep = keep and w.renice(0)
            if keep and not self.closed:
                self.idle.append(w)
            self.cond.notify()
        if not keep:
            w.stop()

    def _promote(self, w: _Worker, fingerprint: str | None = None) -> bool:
        with self.cond:
            if fingerprint is not None:
                self.known_heavy[fingerprint] = None
                self.known_heavy.move_to_end(fingerprint)
                while len(self.known_heavy) > 1024:
                    self.known_heavy.popitem(last=False)
            if self.heavy_now >= self.heavy:
                return False
            self.heavy_now += 1
            w.heavy = True
        w.renice(19)
        return True

    # -- running a job ----------------------------------------------------------------------------------------
    def run(self, fn: Callable, *args: Any, store: Any = None, timeout: float | None = None,
            fingerprint: str | None = None) -> Any:
        """``fn(store, *args)`` in a worker. ``fingerprint``: what identifies the job (a query's text) so that a
        job that ran long is treated as heavy from the start next time."""
        ctl = _control()
        limit = self.timeout if timeout is None else timeout
        deadline = ctl.arrival + limit
        with self.cond:
            known = fingerprint is not None and fingerprint in self.known_heavy
        w = self._acquire(store, deadline, ctl, heavy=known)
        if known:
            w.renice(19)
        keep = False
        try:
            result = _wait(w, fn, args, deadline, limit, ctl, self.light_seconds,
                           lambda w: self._promote(w, fingerprint))
            keep = True
            return result
        finally:
            self._release(w, keep)

    def close(self) -> None:
        with self.cond:
            self.closed = True
            workers = [*self.idle, *self.busy]
            self.idle.clear()
            self.cond.notify_all()
        for w in workers:
            w.stop()


def _wait(w: _Worker, fn: Callable, args: tuple, deadline: float, limit: float, ctl: Control,
          light_seconds: float | None, promote: Callable[[_Worker], bool] | None) -> Any:
    """Send one job to ``w`` and wait for its answer within the deadline; raises on timeout, cancel, crash."""
    try:
        w.conn.send((fn, args))
    except (OSError, BrokenPipeError):
        raise WorkerCrashed(_crash_message(w)) from None
    started = time.monotonic()
    while True:
        now = time.monotonic()
        if ctl.cancel.is_set():
            raise Cancelled()
        if now >= deadline:
            raise QueryTimeout(f"the request was stopped after {limit:g} s (query timeout, counted from its "
                               "arrival); narrow it or add LIMIT")
        if light_seconds is not None and promote is not None and not w.heavy and now - started >= light_seconds \
                and not promote(w):
            raise Busy("the server is already running its limit of long queries; this one was stopped after "
                       f"{light_seconds:g} s — try again in a moment")
        step = min(deadline - now, 0.2)
        if light_seconds is not None and not w.heavy:
            step = min(step, max(0.0, started + light_seconds - now) + 0.001)
        try:
            if w.conn.poll(step):
                status, value = w.conn.recv()
                break
        except (EOFError, OSError):
            raise WorkerCrashed(_crash_message(w)) from None
    if status == "error":
        raise value
    return value


def run_isolated(fn: Callable, *args: Any, timeout: float, memory: int = 0, sandbox: bool = True) -> Any:
    """``fn(None, *args)`` in a fresh worker process (no store), stopped after ``timeout`` s from the request's
    arrival, with at most ``memory`` bytes of address space; the process ends with the call."""
    ctl = _control()
    w = _Worker(None, sandbox, memory)
    try:
        return _wait(w, fn, args, ctl.arrival + timeout, timeout, ctl, None, None)
    finally:
        w.stop()
