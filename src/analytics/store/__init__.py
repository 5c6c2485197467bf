"""The one package that owns the database: one module per concern, one ``Database`` per place.

``from analytics import store`` keeps working as it always did: every function callers use is
re-exported here. Every function takes the connection as its first argument; nothing connects at
import time. Reads that other modules need are named in ``queries``.

Backends: a DuckDB file (the default, ``HOTICH_DB=path/file.duckdb``) or PostgreSQL
(``HOTICH_DB=postgresql://…``), where the tables live in PostgreSQL and each process reads through an
in-memory DuckDB copy (``analytics.store.pg``).
"""

from __future__ import annotations

from analytics import queries  # noqa: F401  (store.queries: callers reach the SQL through the store)
from analytics.store import pg  # noqa: F401
from analytics.store.accounts import (  # noqa: F401
    clear_login_throttle,
    get_user,
    insert_user,
    login_throttle,
    record_login,
    update_user,
    user_communes,
    user_count,
    user_scopes,
    users,
)
from analytics.store.audit import (  # noqa: F401
    audit_log,
    record_audit,
    record_refusal,
)
from analytics.store.backup import (  # noqa: F401
    backup,
    find_backup,
    restore,
    table_counts,
)
from analytics.store.base import (  # noqa: F401
    LEVEL_WIDTH,
    Connection,
    _as_timestamps,
    _float,
    canonical_code,
    utcnow,
)
from analytics.store.base import utcnow as _now  # noqa: F401  (tests freeze it here: base._now reads it)
from analytics.store.campaigns import (  # noqa: F401
    CAMPAIGN_EARLIEST,
    CAMPAIGN_LATEST,
    CAMPAIGN_MAX_DAYS,
    Campaign,
    _ensure_campaign,
    campaign_starts,
    get_campaign,
    save_settings,
    set_campaign,
    set_unit_deadline,
    unit_deadlines,
)
from analytics.store.database import (  # noqa: F401
    _LOCAL,
    _OVERLAYS,
    _PARK_LOCK,
    _PARK_POLL,
    _PARK_SECONDS,
    _PARKED,
    _PARKED_USED,
    _SESSIONS,
    _SESSIONS_LOCK,
    _WRITE_LOCK,
    WAIT_MARKER_FRESH,
    Database,  # noqa: F401
    _is_conflict,
    _is_lock_error,
    _let_waiter_in,
    _limit_memory,
    _mark_waiting,
    _other_process_waiting,
    _release_loop,
    _wait_marker,
    cache_key,
    connect,
    in_transaction,
    keep_open,
    lock_timeout,
    release,
    retry_conflicts,
    session,
    transaction,
)
from analytics.store.explanations import (  # noqa: F401
    add_explanation,
    delete_explanation,
    explanations,
    explanations_commune,
    latest_explanations,
)
from analytics.store.meta import (  # noqa: F401
    bump_version,
    data_version,
    demo_replaced_by,
    get_meta,
    is_demo,
    set_demo,
    set_meta,
)
from analytics.store.schema import (  # noqa: F401
    MIGRATIONS,
    SCHEMA_VERSION,
    ensure_schema,
    schema_version,
)
from analytics.store.settings import (  # noqa: F401
    MEASURES,
    default_measure,
    get_setting,
    set_default_measure,
    set_setting,
)
from analytics.store.units import (  # noqa: F401
    _UNIT_FRAME_COLUMNS,
    BASE_STRUCTURE,
    UNIT_COLUMNS,
    _replace_units,
    _unit_ids,
    add_alias,
    add_district_alias,
    aliases,
    all_communes,
    default_province,
    district_aliases,
    preview_units,
    provinces,
    read_units_csv,
    replace_units,
    resolve_province,
    set_default_province,
    units_frame,
)
from analytics.store.uploads import (  # noqa: F401
    _with_records_total,
    _write_upload,
    clear_reports,
    commit_reports,
    compare_incoming,
    find_loaded_upload,
    log_rejected,
    previous_figures,
    replace_with_demo,
    report_count,
    reports_of,
    upload_communes,
    upload_communes_all,
    uploads,
    what_if,
    withdraw_upload,
)
