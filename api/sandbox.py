"""The network boundary of the query workers: a seccomp filter that forbids IP sockets.

A worker process installs it (``forbid_network()``) once, before it reads any request. From then on the kernel
refuses ``socket(AF_INET | AF_INET6, …)``, every ``connect()`` and io_uring (whose operations seccomp cannot
see) with EPERM, so no SPARQL ``SERVICE`` or ``LOAD`` can reach any host, whatever the query text says and
whatever a future parser differential hides from the gate. The worker's Pipe to the server was connected
before, so it keeps working. The filter is irreversible and inherited by threads and children.

libseccomp (``libseccomp.so.2``) is loaded with ctypes; NO_NEW_PRIVS is set by libseccomp, so no privilege is
needed. Where it is missing (not Linux, no libseccomp), ``available()`` says why and the server refuses every
SERVICE and LOAD (``docs/endpoint.md``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import socket
import sys
from functools import lru_cache

__all__ = ["available", "forbid_network", "SandboxUnavailable"]

_ALLOW = 0x7FFF0000
_CMP_EQ = 4


class SandboxUnavailable(OSError):
    pass


def _errno_action(e: int) -> int:
    return 0x00050000 | (e & 0xFFFF)


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


def _library() -> ctypes.CDLL:
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"seccomp needs Linux (this is {sys.platform})")
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        raise SandboxUnavailable(f"libseccomp is not installed ({exc}); Debian: apt-get install libseccomp2") \
            from None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                           ctypes.POINTER(_ArgCmp)]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    return lib


@lru_cache(maxsize=1)
def available() -> str:
    """'' when the filter can be installed here, else the reason it cannot."""
    try:
        _library()
    except SandboxUnavailable as exc:
        return str(exc)
    return ""


def forbid_network() -> None:
    """Install the filter in the calling process (irreversible). Raises SandboxUnavailable."""
    lib = _library()
    ctx = lib.seccomp_init(_ALLOW)
    if not ctx:
        raise SandboxUnavailable("seccomp_init failed")
    try:
        def rule(name: str, *cmps: tuple[int, int]) -> None:
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            if nr < 0:  # unknown on this architecture: nothing to block
                return
            arr = (_ArgCmp * max(1, len(cmps)))(*[_ArgCmp(a, _CMP_EQ, v, 0) for a, v in cmps])
            rc = lib.seccomp_rule_add_array(ctx, _errno_action(errno.EPERM), nr, len(cmps), arr)
            if rc < 0:
                raise SandboxUnavailable(f"seccomp rule for {name} failed ({-rc})")

        rule("socket", (0, socket.AF_INET))
        rule("socket", (0, socket.AF_INET6))
        rule("connect")  # seccomp cannot read the address: every family (the Pipe is connected already)
        for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            rule(name)
        rc = lib.seccomp_load(ctx)
        if rc < 0:
            raise SandboxUnavailable(f"seccomp_load failed ({-rc})")
    finally:
        lib.seccomp_release(ctx)
