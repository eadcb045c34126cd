"""tanbiao.api — serving the built graph: store backends (and, with the endpoint issue, the HTTP API)."""
