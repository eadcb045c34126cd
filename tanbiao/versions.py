"""Versioned folders behind one atomic pointer, and locks that keep a version in use from being deleted.

A build is written into ``<out>.versions/<stamp>/`` and published by replacing the symlink ``<out>`` in one
``rename(2)``: a reader sees the old build or the new one, never none and never a mix. A process that uses a
version (a server serving it) holds a shared ``flock`` on ``<version>.lock``; cleaning removes only versions
nobody holds, so two servers and a build never delete what another one still reads.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path
from typing import IO

__all__ = ["versions_dir", "publish", "hold", "in_use", "clean", "temp_dir", "clean_stale_temps", "new_stamp"]

KEEP = 3  # published versions kept (the current one and the two before it), unless in use


def versions_dir(out: Path) -> Path:
    return out.with_name(out.name + ".versions")


def new_stamp() -> str:
    ns = time.time_ns()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(ns // 10**9)) + f".{ns % 10**9:09d}-{os.getpid()}"


def temp_dir(parent: Path) -> Path:
    return parent / f".tmp-{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temps(parent: Path, prefix: str = ".tmp-") -> None:
    """Remove ``<prefix><pid>`` folders left by processes that are gone (a killed build or store load)."""
    if not parent.is_dir():
        return
    for p in parent.iterdir():
        pid = p.name[len(prefix):].split("-", 1)[0] if p.name.startswith(prefix) else ""
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            shutil.rmtree(p, ignore_errors=True)


def publish(out: Path, version: Path) -> None:
    """Point ``out`` at ``version`` in one atomic step (a relative symlink swapped in by ``os.replace``)."""
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    link.symlink_to(os.path.relpath(version, out.parent))
    if out.is_dir() and not out.is_symlink():  # a build folder from before versioning: move it into the versions
        out.rename(versions_dir(out) / f"{new_stamp()}-legacy")
    os.replace(link, out)


def hold(version: Path) -> IO:
    """A shared lock on ``version`` for as long as the returned file stays open."""
    f = open(version.with_name(version.name + ".lock"), "a+")  # noqa: SIM115 - the caller keeps it open
    fcntl.flock(f, fcntl.LOCK_SH)
    return f


def in_use(version: Path) -> bool:
    lock = version.with_name(version.name + ".lock")
    if not lock.exists():
        return False
    with open(lock, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
    return False


def clean(parent: Path, keep: set[Path], newest: int = KEEP) -> None:
    """Remove the version folders of ``parent`` that are neither among the ``newest`` nor in ``keep`` nor in use."""
    if not parent.is_dir():
        return
    found = sorted((p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    keep = {k.resolve() for k in keep} | {p.resolve() for p in found[:newest]}
    for p in found:
        if p.resolve() not in keep and not in_use(p):
            shutil.rmtree(p, ignore_errors=True)
            with contextlib.suppress(FileNotFoundError):
                p.with_name(p.name + ".lock").unlink()
