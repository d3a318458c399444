"""The package version, read by the build (hatch) and by the report."""

__version__ = "0.1.0"
