"""The API's routers, one module per group of routes (SPARQL protocol, catalogue, standards, gaps, pages,
editor)."""
