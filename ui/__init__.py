"""The Streamlit side of the dashboard: what app.py and the pages in views/ call, so a page reads as what it shows.

- ``state``: the sidebar's choices and their URL (``Sidebar``, ``sidebar``);
- ``data``: every figure through one cache keyed on the database, its data version and the arguments (``data``);
- ``charts``: charts and their images, the brief and the report downloads (``plot``);
- ``auth``: who is signed in and what the role may do (``require_role``);
- ``actions``: writes, each one role check, one transaction, its error shown (``act``);
- ``text``/``files``: the language, safe text and tables; the files the pages take in.
"""

from ui.actions import Outcome, act, commit_upload, load_demo, log_rejected
from ui.auth import can_view, client_address, current_user, oidc_configured, open_mode_allowed, require_role, sign_in, sign_in_state
from ui.charts import (
    brief_button,
    chart_meta,
    commune_trend,
    country_map_chart,
    country_ranking,
    country_trend,
    image_meta,
    plot,
    report_button,
    selected_labels,
)
from ui.data import (
    MEASURES,
    Ask,
    At,
    Scope,
    ask,
    built,
    chart,
    communes,
    country_map,
    current,
    cutoff_label,
    cutoff_table,
    data,
    db_path,
    deadline_units,
    demo_removed,
    districts_of,
    explanations,
    keep_open_seconds,
    make,
    preview_units,
    read,
    same_place,
    settings_of,
    shipped_provinces,
    structure_list,
    summon,
    summon_table,
    template_files,
    unit_deadlines,
    upload_communes,
    uploads,
    view,
)
from ui.datefield import date_field
from ui.datefield import pending as dates_pending
from ui.datefield import reset as reset_dates
from ui.files import UPLOADER_CSS, check_file, read_units_upload, uploader_texts
from ui.state import (
    Sidebar,
    demo_banner,
    district_name,
    district_name_of,
    ensure_demo_on_first_start,
    language_changed,
    open_province,
    sidebar,
    url_day,
)
from ui.text import lang, md, num_format, show_error, table, tr

__all__ = [
    "chart_meta", "commune_trend", "country_map_chart", "country_ranking", "country_trend", "cutoff_table", "summon_table",
    "ask", "built", "chart", "districts_of", "make",
    "MEASURES", "Ask", "At", "Outcome", "Scope", "Sidebar", "UPLOADER_CSS", "brief_button", "can_view", "check_file", "client_address",
    "commit_upload", "communes", "country_map", "current", "current_user", "cutoff_label", "data", "date_field", "dates_pending", "db_path",
    "deadline_units", "demo_banner", "demo_removed", "district_name", "district_name_of",
    "ensure_demo_on_first_start", "explanations", "image_meta", "keep_open_seconds", "lang", "language_changed",
    "load_demo", "log_rejected", "md", "num_format", "oidc_configured", "open_mode_allowed", "open_province",
    "plot", "preview_units", "read", "read_units_upload", "report_button", "reset_dates", "require_role", "same_place",
    "selected_labels", "settings_of", "shipped_provinces", "show_error", "sidebar", "sign_in", "sign_in_state",
    "structure_list", "summon", "table", "template_files", "tr", "unit_deadlines", "upload_communes",
    "uploader_texts", "uploads", "url_day", "view", "act",
]
