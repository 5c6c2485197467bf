"""Files the pages take in: the drop zone's own texts, a unit list read as the CLI reads one, a report file checked."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from analytics import ingest, store
from analytics.errors import HotichError

# Streamlit 1.67's file uploader has no parameter for its own texts ("Upload", "200MB per file • CSV…",
# "Drag and drop files here"; streamlit/streamlit#13500 is open), and they are English whatever the page's
# language. The least hacky supported way: a constant stylesheet shipped with the app, passed to st.html
# (style only: Streamlit puts it in the event container, sanitized, no script), scoped by the widget's
# key class (``st-key-upload_files``) and hiding only those texts; the page writes its own label and
# limits around the widget in the user's language. No data ever reaches it.
UPLOADER_CSS = Path(__file__).resolve().parent.parent / "assets" / "uploader.css"


def uploader_texts() -> None:
    """Hide the file uploader's built-in English texts (see UPLOADER_CSS); the page labels it itself."""
    st.html(UPLOADER_CSS)


def read_units_upload(data: bytes, name: str = "units.csv") -> list[dict]:
    """A unit list uploaded in the Settings page, read as ``store.read_units_csv`` reads a file.

    Errors name the uploaded file, not the temporary copy."""
    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "units.csv")
        with open(target, "wb") as fh:
            fh.write(data)
        try:
            return store.read_units_csv(target)
        except HotichError as exc:
            if "file" in exc.values:
                exc.values["file"] = os.path.basename(name)
            raise


def check_file(con: store.Connection, data: bytes, name: str, report_date: date | None,
               sheet: str | None) -> tuple[ingest.Prepared, dict[str, Any]]:
    """A report file checked, and what it would change (nothing is written): the Upload page's report."""
    prep = ingest.prepare(con, data, name, report_date=report_date, sheet=sheet)
    return prep, ingest.change_preview(con, prep) if prep.ok else {}
