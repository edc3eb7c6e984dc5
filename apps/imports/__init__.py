"""Bulk import of people from CSV or XLSX: upload checks, parsing within bounds, the background job, the
per-row report, the downloadable template (template.py, built from the import's own columns), pages, API,
events (import.finished) and the `imports` API-key scope."""
