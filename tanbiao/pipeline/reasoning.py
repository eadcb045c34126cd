"""OWL 2 consistency check of ontology plus data with owlready2 and HermiT (needs Java)."""

from __future__ import annotations

import ctypes
import io
import os
import shutil
import signal
import sys
from dataclasses import dataclass

from tanbiao.errors import ReasonerUnavailable

__all__ = ["ReasonerResult", "ReasonerUnavailable", "check_consistency"]


@dataclass
class ReasonerResult:
    consistent: bool
    message: str
    triples: int


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:  # runs in the forked child, before Java starts
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _java_dies_with_us() -> None:
    """HermiT's Java child is killed by the kernel when this process dies (owlready2 starts it with these
    subprocess arguments), so a killed build leaves no Java running."""
    from owlready2 import reasoning

    if sys.platform.startswith("linux"):
        parent = os.getpid()
        reasoning._subprocess_kargs["preexec_fn"] = lambda: _die_with_parent(parent)


def check_consistency(data: bytes, triples: int) -> ReasonerResult:
    """Run HermiT on ``data`` (N-Triples of ontology and data together, ``triples`` of them)."""
    import owlready2
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner_hermit

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ReasonerUnavailable(
            "HermiT needs Java, and no 'java' is on PATH: install it (Debian: apt-get install "
            "openjdk-17-jre-headless, which `make setup` does) or skip reasoning with --no-reason"
        )
    _java_dies_with_us()
    world = World()
    world.get_ontology("https://w3id.org/tanbiao/build").load(fileobj=io.BytesIO(data), format="ntriples")
    try:
        # xsd:date and friends are not OWL 2 datatypes; they only occur on annotations here.
        sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
    except OwlReadyInconsistentOntologyError:
        return ReasonerResult(False, "HermiT: the ontology and data are INCONSISTENT", triples)
    except Exception as exc:  # HermiT failed to run: a Java or OWL API error
        raise ReasonerUnavailable(f"HermiT could not run: {str(exc).strip()[:500]}") from None
    return ReasonerResult(True, "HermiT: consistent", triples)
