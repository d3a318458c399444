"""The conformance report of ``python -m unirand``: targets, golden vectors, cells, claims, rendering."""
