"""Package data (files only); see the README in this folder."""
