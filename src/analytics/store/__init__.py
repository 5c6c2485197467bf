"""The one package that owns the database: one module per concern, one ``Database`` per place.

``from analytics import store`` keeps working as it always did: every function callers use is
re-exported here. Every function takes the connection as its first argument; nothing connects at
import time. Reads that other modules need are named in ``queries``.

Backends: a DuckDB file (the default, ``HOTICH_DB=path/file.duckdb``) or PostgreSQL
(``HOTICH_DB=postgresql://…``), where the tables live in PostgreSQL and each process reads through an
in-memory DuckDB copy (``analytics.store.pg``).
"""

from __future__ import annotations

from analytics import queries

from analytics.store.base import (  # noqa: F401
    Connection,
    LEVEL_WIDTH,
    canonical_code,
    _float,
    utcnow,
    _as_timestamps,
)
from analytics.store.database import (  # noqa: F401
    lock_timeout,
    _is_lock_error,
    _WRITE_LOCK,
    _SESSIONS_LOCK,
    _SESSIONS,
    _LOCAL,
    WAIT_MARKER_FRESH,
    _wait_marker,
    _mark_waiting,
    _other_process_waiting,
    _is_conflict,
    retry_conflicts,
    connect,
    _let_waiter_in,
    session,
    transaction,
    _PARKED,
    _PARKED_USED,
    _PARK_LOCK,
    _PARK_SECONDS,
    _PARK_POLL,
    keep_open,
    _MEMORY_LIMIT,
    _limit_memory,
    release,
    _release_loop,
    _OVERLAYS,
    cache_key,
)
from analytics.store.meta import (  # noqa: F401
    get_meta,
    set_meta,
    data_version,
    bump_version,
    is_demo,
    set_demo,
    demo_replaced_by,
)
from analytics.store.audit import (  # noqa: F401
    record_audit,
    record_refusal,
    audit_log,
)
from analytics.store.campaigns import (  # noqa: F401
    Campaign,
    _ensure_campaign,
    get_campaign,
    CAMPAIGN_EARLIEST,
    CAMPAIGN_LATEST,
    CAMPAIGN_MAX_DAYS,
    set_campaign,
    unit_deadlines,
    set_unit_deadline,
    campaign_starts,
)
from analytics.store.settings import (  # noqa: F401
    get_setting,
    set_setting,
)
from analytics.store.units import (  # noqa: F401
    UNIT_COLUMNS,
    read_units_csv,
    BASE_STRUCTURE,
    _unit_ids,
    _replace_units,
    replace_units,
    provinces,
    default_province,
    resolve_province,
    set_default_province,
    units_frame,
    all_communes,
    aliases,
    add_alias,
    district_aliases,
    add_district_alias,
    preview_units,
    _UNIT_FRAME_COLUMNS,
)
from analytics.store.schema import (  # noqa: F401
    MIGRATIONS,
    SCHEMA_VERSION,
    schema_version,
    ensure_schema,
)
from analytics.store.uploads import (  # noqa: F401
    find_loaded_upload,
    log_rejected,
    commit_reports,
    replace_with_demo,
    _write_upload,
    withdraw_upload,
    uploads,
    reports_of,
    what_if,
    clear_reports,
    report_count,
    upload_communes,
    upload_communes_all,
    compare_incoming,
    previous_figures,
)
from analytics.store.explanations import (  # noqa: F401
    add_explanation,
    delete_explanation,
    explanations,
    latest_explanations,
    explanations_commune,
)
from analytics.store.accounts import (  # noqa: F401
    get_user,
    user_scopes,
    user_communes,
    user_count,
    users,
    insert_user,
    update_user,
    login_throttle,
    record_login,
    clear_login_throttle,
)
from analytics.store.backup import (  # noqa: F401
    backup,
    table_counts,
    find_backup,
    restore,
)
from analytics.store.base import utcnow as _now  # noqa: F401  (tests freeze it here: base._now reads it)
from analytics.store.database import Database  # noqa: F401
from analytics.store import pg  # noqa: F401
