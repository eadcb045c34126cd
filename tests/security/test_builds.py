"""Builds that never half-land: atomic publish, killed builds, full and read-only disks, HermiT's child,
reproducible dumps."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tanbiao.pipeline import build

DUMPS = ("tanbiao.ttl", "tanbiao.nt", "tanbiao.trig", "tanbiao.jsonld")


def _cli(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tanbiao", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def _digests(out: Path) -> dict[str, str]:
    return {n: hashlib.sha256((out / n).read_bytes()).hexdigest() for n in DUMPS}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("builds")
    first = build(root / "a" / "build", reason=False).out
    second = build(root / "b" / "build", reason=False).out
    return first, second


def test_dumps_are_reproducible(two_builds):
    first, second = two_builds
    assert b"_:" in (first / "tanbiao.nt").read_bytes()  # the graph has blank nodes (OWL lists) …
    assert _digests(first) == _digests(second)  # … and the same data gives the same bytes


def test_the_build_is_published_by_one_pointer(two_builds, tmp_path):
    first, _ = two_builds
    assert first.is_symlink() and (first / "tanbiao.trig").is_file()
    before = first.resolve()
    build(first, reason=False)
    assert first.resolve() != before and (first / "tanbiao.trig").is_file()
    assert before.is_dir()  # the previous version stays (a server may still be reading it)


def test_a_killed_build_leaves_the_previous_one_and_no_debris(two_builds):
    out, _ = two_builds
    before = out.resolve()
    versions = out.with_name(out.name + ".versions")
    proc = _cli("build", "-q", "--no-reason", "-o", str(out))
    tmp = versions / f".tmp-{proc.pid}"
    deadline = time.monotonic() + 120
    while not tmp.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be killed"
    proc.kill()
    proc.wait()
    assert out.resolve() == before and (out / "tanbiao.trig").is_file()  # still there, still the old one
    build(out, reason=False)  # the next build removes what the killed one left
    assert not tmp.exists() and not [p for p in versions.iterdir() if p.name.startswith(".tmp-")]


@contextlib.contextmanager
def _tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.parametrize("how, message", [("full", "the disk is full"), ("ro", "the file system is read-only")])
def test_a_full_or_read_only_disk_gives_one_line_and_keeps_the_previous_build(tmp_path, how, message):
    with _tmpfs(tmp_path / "disk", "64m") as disk:
        out = disk / "build"
        build(out, reason=False)
        before = _digests(out)
        used = sum(f.stat().st_size for f in disk.rglob("*") if f.is_file())
        option = f"remount,size={used // 1024 + 2048}k" if how == "full" else "remount,ro"
        subprocess.run(["mount", "-o", option, str(disk)], check=True)
        proc = _cli("build", "-q", "--no-reason", "-o", str(out))
        _, err = proc.communicate(timeout=300)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert proc.returncode == 1 and len(lines) == 1, err
        assert lines[0].startswith("error: cannot write the build to ") and message in lines[0]
        assert str(disk) in lines[0]
        assert _digests(out) == before  # intact
        assert not [p for p in (disk / "build.versions").iterdir() if p.name.startswith(".tmp-")]  # no debris


def test_hermit_dies_with_a_killed_build(tmp_path):
    proc = _cli("build", "-q", "-o", str(tmp_path / "build"))
    me = psutil.Process(proc.pid)
    java = None
    deadline = time.monotonic() + 240
    while java is None and proc.poll() is None and time.monotonic() < deadline:
        java = next((c for c in me.children(recursive=True) if "java" in c.name()), None)
        time.sleep(0.1)
    if java is None:
        pytest.fail("the build never started HermiT")
    java.suspend()  # stopped, it cannot finish on its own: only the kernel's parent-death signal can end it
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs([java], timeout=30)
    for p in alive:
        p.kill()
    assert gone and not alive, "HermiT's Java outlived the killed build"
