"""schemathesis hooks for tests/security/test_openapi.py (loaded with SCHEMATHESIS_HOOKS): the SPARQL Protocol's
own media types carry the query or update as plain UTF-8 text, which schemathesis has no serializer for."""

import schemathesis


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def sparql_text(ctx, value) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else str(value).encode("utf-8")
