"""Hộ tịch digitization progress analytics: ingest, store, metrics, charts.

Nothing in this package imports Streamlit: the CLI, the tests and the app all
call the same functions.
"""

__version__ = "0.1.0"
