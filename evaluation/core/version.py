"""The workbench's version (recorded in processed-data and report manifests)."""

__version__ = "0.1.0"
