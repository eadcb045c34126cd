"""tanbiao.loaders — one module per source document, IRI minting, curated data and the build."""
