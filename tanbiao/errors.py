"""The one error hierarchy of tanbiao: every error a user can cause carries its exit code and HTTP status.

The CLI maps a ``TanbiaoError`` to ``error: <message>`` on stderr and ``exit_code`` (``tanbiao.cli``); the API maps
it to a plain-text response with ``http_status`` (``tanbiao.api.app``). Nothing else catches them, so a new error
kind is one subclass here, not a new ``except`` in every command and route.

Exit codes: 1 bad input or a failed build, 2 bad usage (unknown format, SPARQL syntax error, unknown filter).
"""

from __future__ import annotations

__all__ = [
    "TanbiaoError", "SourceError", "CuratedDataError", "BuildError", "ReasonerUnavailable", "QueryError",
    "CatalogueError", "FilterError", "WhatIfError", "UpdateError", "PushError", "NotFound", "Unavailable",
    "NotAcceptable", "DatasetConflict", "Forbidden", "TooLarge", "Busy",
]


class TanbiaoError(Exception):
    """Base of every error a user can cause; ``details`` are extra lines (e.g. one per bad row)."""

    exit_code = 1
    http_status = 400
    headers: dict[str, str] = {}  # extra HTTP headers of the response (Retry-After …)

    def __init__(self, message: str = "", details: list[str] | None = None):
        super().__init__(message)
        self.details = list(details or [])


class SourceError(TanbiaoError):
    """A document that cannot be read at all (missing, not text, not a kind any loader knows)."""


class CuratedDataError(TanbiaoError, ValueError):
    """A curated data file that breaks its own format (names the file and line)."""

    http_status = 500  # the server's own data, not the request


class BuildError(TanbiaoError):
    """A build that must not replace the previous one; ``details`` lists what went wrong."""

    http_status = 500


class ReasonerUnavailable(TanbiaoError):
    """HermiT cannot run here (no Java, or the reasoner failed to start)."""

    http_status = 503


class QueryError(TanbiaoError, ValueError):
    """A SPARQL query that does not parse or cannot be evaluated (the parser's message included)."""

    exit_code = 2


class CatalogueError(TanbiaoError, ValueError):
    """A catalogue file with a broken header, or a parameter value that does not fit its declaration."""

    exit_code = 2


class FilterError(TanbiaoError, ValueError):
    """An unknown filter or filter value; the message lists the allowed ones."""

    exit_code = 2


class WhatIfError(TanbiaoError, ValueError):
    """Proposals that cannot be read; the message names the row."""


class UpdateError(TanbiaoError, ValueError):
    """A SPARQL update that could not be applied (syntax or evaluation), with the engine's message."""


class DatasetConflict(UpdateError):
    """Protocol dataset parameters given for an update that names its own dataset (USING / WITH)."""


class PushError(TanbiaoError):
    """A Graph Store endpoint that cannot be reached or refused a graph."""

    http_status = 502


class NotFound(TanbiaoError):
    """An identifier (standard number, IRI, build folder) that names nothing."""

    http_status = 404


class Unavailable(TanbiaoError):
    """Something the request needs is not there yet (no build) or is busy."""

    http_status = 503


class NotAcceptable(TanbiaoError, ValueError):
    """None of the media types a client accepts can be produced."""

    exit_code = 2
    http_status = 406


class Forbidden(TanbiaoError):
    """A request this server refuses by policy (a SERVICE or LOAD target not on the allow-list, updates off)."""

    http_status = 403


class TooLarge(TanbiaoError):
    """A request or a result above a configured size limit."""

    http_status = 413


class Busy(Unavailable):
    """Every worker is busy and none came free in time: try again shortly."""

    headers = {"Retry-After": "2"}
