"""Store versions of the embedded backend: one on-disk pyoxigraph store per build, opened read-only by the workers.

``data/store/<key>/`` holds the store of the build whose ``tanbiao.trig`` has the SHA-256 prefix ``key``; it is
loaded once (into ``.tmp-<pid>-<key>`` and renamed into place), then only ever read. A server holds a shared lock
on each version it serves, so a second server on the same ``data/store`` reuses the same version or adds its own,
and never deletes one in use. The ``Served`` tracker notices a new build (the ``data/build`` pointer moved),
loads its store in the background while the old version keeps answering, then switches in one assignment:
requests pin the version they started on (``Control.pinned``), so none sees two versions.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from tanbiao import versions
from tanbiao.errors import Unavailable

from .workers import CONTROL

__all__ = ["Version", "Served", "Fixed", "store_version"]

log = logging.getLogger("tanbiao.stores")
_MARKER = "tanbiao-build-id"


@dataclass(frozen=True)
class Version:
    build_dir: Path  # the build folder this version was loaded from (resolved: pages read their files here)
    store_dir: Path
    key: str
    generation: int = 0  # bumped by an update, so workers re-open the store


def _digest(trig: Path) -> str:
    h = hashlib.sha256()
    with open(trig, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def store_version(build_dir: Path, root: Path, holds: dict[Path, IO]) -> Version:
    """The store of ``build_dir`` under ``root``, loaded if no server has loaded it yet; held (shared lock)."""
    real = Path(build_dir).resolve()
    trig = real / "tanbiao.trig"
    if not trig.is_file():
        raise Unavailable(f"no build in {build_dir}/ (missing tanbiao.trig) — run `tanbiao build` first")
    if (root / "CURRENT").is_file():  # a store from before versioning, in the root itself
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    key = _digest(trig)[:16]
    target = root / key
    if target not in holds:
        holds[target] = versions.hold(target)
    if not (target / _MARKER).is_file():
        versions.clean_stale_temps(root)
        tmp = root / f".tmp-{os.getpid()}-{key}"
        shutil.rmtree(tmp, ignore_errors=True)
        store = ox.Store(str(tmp))
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
        store.flush()
        del store
        (tmp / _MARKER).write_text(key)
        try:
            tmp.rename(target)
        except OSError:  # another server loaded it meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    return Version(real, target, key)


class Served:
    """The version a server answers from, switched when the build changes."""

    CHECK_EVERY = 1.0  # seconds between looks at the build pointer

    def __init__(self, build_dir: Path, root: Path):
        self.build_dir, self.root = Path(build_dir), Path(root)
        self.holds: dict[Path, IO] = {}
        self.lock = threading.Lock()
        self.loading = False
        self.current = store_version(self.build_dir, self.root, self.holds)
        self._seen, self._checked = self._stamp(), time.monotonic()

    def _stamp(self) -> tuple:
        try:
            st = (self.build_dir / "tanbiao.trig").stat()
        except OSError:
            return ()
        return st.st_ino, st.st_dev, st.st_mtime_ns, st.st_size

    def get(self) -> Version:
        """The request's version: pinned on first use, so every query of one request sees the same data."""
        ctl = CONTROL.get()
        if ctl is not None and ctl.pinned is not None:
            return ctl.pinned
        self._look()
        if ctl is not None:
            ctl.pinned = self.current
        return self.current

    def _look(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.CHECK_EVERY:
            return
        with self.lock:
            self._checked = now
            stamp = self._stamp()
            if not stamp or stamp == self._seen or self.loading:
                return
            self.loading = True
        threading.Thread(target=self._switch, args=(stamp,), daemon=True).start()

    def _switch(self, stamp: tuple) -> None:
        try:
            new = store_version(self.build_dir, self.root, self.holds)
            if new.store_dir != self.current.store_dir:
                self.current = new
                log.warning("serving the new build %s (store %s)", new.build_dir, new.key)
            self._seen = stamp
            self._release_old()
        except Exception as exc:  # a build being replaced right now: look again next time
            log.warning("could not switch to the new build: %s", exc)
        finally:
            self.loading = False

    def _release_old(self, keep: int = 2) -> None:
        """Drop our locks on versions older than the last ``keep`` (in-flight requests finished long ago), and
        remove the versions nobody holds."""
        for path in list(self.holds)[:-keep]:
            if path != self.current.store_dir:
                self.holds.pop(path).close()
        versions.clean(self.root, keep={self.current.store_dir}, newest=1)

    def updated(self) -> None:
        """The store was changed in place by an update: new workers for it."""
        c = self.current
        self.current = Version(c.build_dir, c.store_dir, c.key, c.generation + 1)

    def close(self) -> None:
        for f in self.holds.values():
            f.close()
        self.holds.clear()


class Fixed:
    """A store served as it is (no build: e.g. a store filled by updates)."""

    def __init__(self, version: Version):
        self.current = version

    def get(self) -> Version:
        ctl = CONTROL.get()
        if ctl is not None and ctl.pinned is None:
            ctl.pinned = self.current
        return ctl.pinned if ctl is not None else self.current

    def updated(self) -> None:
        c = self.current
        self.current = Version(c.build_dir, c.store_dir, c.key, c.generation + 1)

    def close(self) -> None:
        pass
