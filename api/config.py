"""Server settings, from environment variables (``TANBIAO_*``) with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["Settings", "settings_from_env"]


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    build_dir: Path = Path("data/build")
    store: str = "embedded"  # embedded | remote
    store_dir: Path = Path("data/store")  # on-disk pyoxigraph store (embedded backend)
    sparql_url: str = ""  # remote backend: the query endpoint
    update_url: str = ""  # remote backend: the update endpoint (default: sparql_url)
    graph_store_url: str = ""  # remote backend: Graph Store Protocol endpoint (for `tanbiao push`)
    # remote backend: the graphs every query runs over (default-graph-uri and named-graph-uri); empty: the named
    # graphs of the build in build_dir (summary.json), so an endpoint's other graphs never enter an answer
    sparql_graphs: tuple[str, ...] = field(default_factory=tuple)
    admin_token: str = ""  # updates are accepted only with "Authorization: Bearer <token>"
    query_timeout: float = 30.0  # seconds; a query running longer is stopped
    # the server's own catalogue queries (the gap report, record tables, pages) over data of any size: longer
    # time and result limits than a visitor's query, which never gets them
    internal_timeout: float = 600.0
    internal_max_bytes: int = 2_000_000_000
    max_result_bytes: int = 50_000_000  # a serialised result larger than this is refused
    workers: int = 4  # query worker processes (embedded backend)
    heavy_workers: int = 2  # of which at most this many run queries longer than light_seconds at once
    light_seconds: float = 0.5  # a query running longer is "heavy" (its worker's CPU priority drops)
    queue_wait: float = 10.0  # seconds a request may wait for a free worker before 503 + Retry-After
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)  # SERVICE endpoints allowed (full IRIs)
    base_url: str = ""  # the public base of this server (default: the address the server listens on)
    max_body_bytes: int = 1_000_000  # request bodies (413)
    max_url_bytes: int = 8192  # path + query string (414)
    max_query_bytes: int = 65536  # SPARQL text of one query or update (413)
    max_connections: int = 512  # open connections + requests in progress; beyond: 503
    header_timeout: float = 10.0  # seconds a client may take to send its request headers, or pause in a body
    whatif_max_rows: int = 200  # proposals per what-if request
    whatif_timeout: float = 60.0  # seconds
    whatif_memory: int = 3 * 1024**3  # bytes of address space for the what-if worker
    warm_gaps: bool = False  # compute the gap report at start-up, before the first visitor asks (`tanbiao serve`)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    s = Settings()
    return s.with_(
        build_dir=Path(env.get("TANBIAO_BUILD_DIR", s.build_dir)),
        store=env.get("TANBIAO_STORE", s.store),
        store_dir=Path(env.get("TANBIAO_STORE_DIR", s.store_dir)),
        sparql_url=env.get("TANBIAO_SPARQL_URL", ""),
        update_url=env.get("TANBIAO_SPARQL_UPDATE_URL", ""),
        graph_store_url=env.get("TANBIAO_GRAPH_STORE_URL", ""),
        sparql_graphs=_list(env.get("TANBIAO_SPARQL_GRAPHS")),
        admin_token=env.get("TANBIAO_ADMIN_TOKEN", ""),
        query_timeout=float(env.get("TANBIAO_QUERY_TIMEOUT", s.query_timeout)),
        internal_timeout=float(env.get("TANBIAO_INTERNAL_TIMEOUT", s.internal_timeout)),
        max_result_bytes=int(env.get("TANBIAO_MAX_RESULT_BYTES", s.max_result_bytes)),
        workers=int(env.get("TANBIAO_WORKERS", s.workers)),
        heavy_workers=int(env.get("TANBIAO_HEAVY_WORKERS", s.heavy_workers)),
        service_allowlist=_list(env.get("TANBIAO_SERVICE_ALLOWLIST")),
        base_url=env.get("TANBIAO_BASE_URL", ""),
        max_body_bytes=int(env.get("TANBIAO_MAX_BODY_BYTES", s.max_body_bytes)),
        max_query_bytes=int(env.get("TANBIAO_MAX_QUERY_BYTES", s.max_query_bytes)),
        whatif_max_rows=int(env.get("TANBIAO_WHATIF_MAX_ROWS", s.whatif_max_rows)),
        header_timeout=float(env.get("TANBIAO_HEADER_TIMEOUT", s.header_timeout)),
        queue_wait=float(env.get("TANBIAO_QUEUE_WAIT", s.queue_wait)),
        light_seconds=float(env.get("TANBIAO_LIGHT_SECONDS", s.light_seconds)),
        max_connections=int(env.get("TANBIAO_MAX_CONNECTIONS", s.max_connections)),
        warm_gaps=env.get("TANBIAO_WARM_GAPS", "1" if s.warm_gaps else "0") not in ("", "0", "false", "no"),
    )
