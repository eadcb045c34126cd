"""Domain services shared by the CLI and the API: the query catalogue, record tables, gap analysis, reports,
what-if, compliance and pushing a build to a Graph Store."""
