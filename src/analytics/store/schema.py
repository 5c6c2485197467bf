"""The schema: numbered migrations, applied in order and recorded, on both backends."""

from __future__ import annotations

import sys

from analytics import config, queries
from analytics.store.base import Connection
from analytics.store.database import transaction
from analytics.store.units import _replace_units, read_units_csv

MIGRATIONS: list[list[str]] = [
    # 1: the foundation
    [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE units (
            level VARCHAR NOT NULL,            -- province | district | commune
            code VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            unit_type VARCHAR,                 -- xã, phường, thị trấn, huyện, ...
            parent_code VARCHAR,               -- district (3 levels) or province (2 levels)
            province_code VARCHAR NOT NULL,
            district_code VARCHAR,             -- NULL in the two-level structure
            books_total BIGINT,                -- optional target of a commune
            sort_order INTEGER NOT NULL,
            PRIMARY KEY (level, code))""",
        "CREATE SEQUENCE upload_seq START 1",
        """CREATE TABLE uploads (
            id BIGINT PRIMARY KEY,
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL,
            row_count INTEGER NOT NULL,
            communes INTEGER,
            report_dates VARCHAR,              -- JSON list of ISO dates
            province_code VARCHAR,
            outcome VARCHAR NOT NULL,          -- loaded | rejected | withdrawn
            errors VARCHAR,                    -- JSON list of problems
            warnings VARCHAR,                  -- JSON list of problems
            user_name VARCHAR,
            source VARCHAR,                    -- cli | app | demo
            withdrawn_at TIMESTAMP,
            withdrawn_by VARCHAR)""",
        """CREATE TABLE report_rows (          -- every figure of every loaded upload
            upload_id BIGINT NOT NULL,
            row_no INTEGER,
            commune_code VARCHAR NOT NULL,
            report_date DATE NOT NULL,
            books_total BIGINT NOT NULL,
            books_digitized BIGINT NOT NULL,
            records_digitized BIGINT)""",
        """CREATE TABLE reports (              -- the figures in force: latest upload wins
            commune_code VARCHAR NOT NULL,
            report_date DATE NOT NULL,
            books_total BIGINT NOT NULL,
            books_digitized BIGINT NOT NULL,
            records_digitized BIGINT,
            upload_id BIGINT NOT NULL,
            PRIMARY KEY (commune_code, report_date))""",
        """CREATE TABLE campaigns (
            province_code VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            start_date DATE NOT NULL,
            deadline DATE NOT NULL,
            updated_at TIMESTAMP)""",
        """CREATE TABLE settings (
            province_code VARCHAR NOT NULL,
            key VARCHAR NOT NULL,
            value VARCHAR,
            PRIMARY KEY (province_code, key))""",
        """CREATE TABLE aliases (              -- names users confirmed for a unit
            province_code VARCHAR NOT NULL,
            district_code VARCHAR,
            alias_key VARCHAR NOT NULL,
            commune_code VARCHAR NOT NULL,
            created_at TIMESTAMP,
            created_by VARCHAR)""",
    ],
    # explanations: what a lagging unit said and what it committed to
    [
        "CREATE SEQUENCE explanation_seq START 1",
        """CREATE TABLE explanations (
            id BIGINT PRIMARY KEY,
            province_code VARCHAR NOT NULL,
            commune_code VARCHAR NOT NULL,
            explained_on DATE NOT NULL,        -- the day the unit gave the reason
            reason VARCHAR NOT NULL,
            new_completion_date DATE,          -- the unit's commitment
            responsible VARCHAR,               -- who answers for it
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR)""",
    ],
    # accounts, their assigned districts/communes, and the audit log of every write that is not an
    # upload (the uploads table is the upload log)
    [
        """CREATE TABLE users (
            name VARCHAR PRIMARY KEY,          -- sign-in name (lower case) or the OpenID e-mail
            role VARCHAR NOT NULL,             -- viewer | uploader | admin
            password_hash VARCHAR,             -- bcrypt; NULL: signs in through OpenID only
            display_name VARCHAR,
            active BOOLEAN NOT NULL,
            failed_logins INTEGER NOT NULL,    -- consecutive failures since the last success
            locked_until TIMESTAMP,            -- UTC; sign-in refused until then
            created_at TIMESTAMP,
            created_by VARCHAR,
            last_login TIMESTAMP)""",
        """CREATE TABLE user_scopes (           -- what an uploader may change
            user_name VARCHAR NOT NULL,
            level VARCHAR NOT NULL,            -- district | commune | province
            code VARCHAR NOT NULL,
            PRIMARY KEY (user_name, level, code))""",
        "CREATE SEQUENCE audit_seq START 1",
        """CREATE TABLE audit (
            id BIGINT PRIMARY KEY,
            logged_at TIMESTAMP NOT NULL,      -- UTC
            user_name VARCHAR,
            source VARCHAR,                    -- app | cli | oidc | open
            action VARCHAR NOT NULL,           -- settings | campaign | units | alias | withdraw | user.* | login.* | restore ...
            target VARCHAR,
            detail VARCHAR,                    -- JSON
            file_name VARCHAR)""",
    ],
    # unit lists as versions in time: a structure takes effect on a date (the first, "2024", has none and
    # holds the lists loaded without a date); a unit is one row of one structure, its id unique across
    # structures (the official code, or code@structure when another structure already uses the code), so
    # a code reused by a different unit in a later list never inherits the old unit's reports
    [
        """CREATE TABLE structures (
            id INTEGER PRIMARY KEY,
            key VARCHAR NOT NULL UNIQUE,       -- 2024 | 2025-01 | 2025-07 | a date given to `units --from`
            effective_from DATE,               -- NULL: the first list, in force until the next one
            label_vi VARCHAR,
            label_en VARCHAR,
            source VARCHAR,
            created_at TIMESTAMP)""",
        """INSERT INTO structures VALUES (1, '2024', NULL, 'Danh mục đơn vị trước 01/01/2025',
            'Unit list before 1 Jan 2025', 'data/quang_nam_units_2024.csv', NULL)""",
        "ALTER TABLE units ADD COLUMN structure_id INTEGER DEFAULT 1",
        "ALTER TABLE units ADD COLUMN ref_code VARCHAR",  # the official code, as files write it
        "ALTER TABLE units ADD COLUMN lat DOUBLE",
        "ALTER TABLE units ADD COLUMN lon DOUBLE",
        "ALTER TABLE units ADD COLUMN area_km2 DOUBLE",
        "UPDATE units SET ref_code = code, structure_id = 1",
        """CREATE TABLE unit_links (           -- commune of one structure -> commune of the next that took it in
            from_id VARCHAR NOT NULL,
            to_id VARCHAR NOT NULL,
            is_default BOOLEAN NOT NULL,       -- a commune split between several counts once, for this one
            PRIMARY KEY (from_id, to_id))""",
    ],
    # sign-in throttling instead of a lock-out: failures per (client, name tried) and per client, kept the
    # same way whether the name is an account or not, so no answer tells which accounts exist
    [
        """CREATE TABLE login_throttle (
            key VARCHAR PRIMARY KEY,           -- 'pair:<client>|<name>' or 'client:<client>'
            account VARCHAR,                   -- the name tried (NULL on a client row); maybe no account
            client VARCHAR NOT NULL,           -- the browser's IP address, or 'local'
            failures INTEGER NOT NULL,         -- failures in a row (forgotten after a quiet spell)
            last_failure TIMESTAMP NOT NULL,   -- UTC
            next_allowed TIMESTAMP)""",        # UTC; attempts before it are refused unchecked
        "UPDATE users SET locked_until = NULL",  # the old hard locks are lifted
    ],
    # deadlines of single districts or communes inside the campaign (slow districts until 7 March, the
    # others until 4 March): plan, pace needed and status of a unit use its own
    [
        """CREATE TABLE unit_deadlines (
            province_code VARCHAR NOT NULL,
            level VARCHAR NOT NULL,            -- district | commune
            unit_code VARCHAR NOT NULL,        -- the unit's id
            deadline DATE NOT NULL,
            updated_at TIMESTAMP,
            updated_by VARCHAR,
            PRIMARY KEY (province_code, level, unit_code))""",
    ],
    # district names users matched to a district on the Upload page (the commune ones are in aliases)
    [
        """CREATE TABLE district_aliases (
            province_code VARCHAR NOT NULL,
            alias_key VARCHAR NOT NULL,        -- units.name_key of the name in the file
            district_code VARCHAR NOT NULL,
            created_at TIMESTAMP,
            created_by VARCHAR,
            PRIMARY KEY (province_code, alias_key))""",
    ],
    # the records to do (the count a province may keep in records, beside its books)
    [
        "ALTER TABLE report_rows ADD COLUMN records_total BIGINT",
        "ALTER TABLE reports ADD COLUMN records_total BIGINT",
    ],
]


SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(con: Connection) -> int:
    has_meta = con.execute(queries.TABLE_EXISTS, ["meta"]).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute(queries.META_GET, ["schema_version"]).fetchone()
    return int(row[0]) if row else 0


def ensure_schema(con: Connection) -> None:
    """Create or migrate the schema; a new database also gets the shipped units and default campaign."""
    # read on the package, so a test can make a database of an earlier schema (store.SCHEMA_VERSION)
    target = sys.modules["analytics.store"].SCHEMA_VERSION
    current = schema_version(con)
    if current >= target:
        return
    with transaction(con) as con:
        current = schema_version(con)  # another process may have migrated meanwhile
        if current >= target:
            return
        for version in range(current, target):
            for statement in MIGRATIONS[version]:
                con.execute(statement)
        con.execute(queries.META_SET, ["schema_version", str(target)])
        if current == 0:
            con.execute(queries.META_SET, ["data_version", "0"])
            _replace_units(con, read_units_csv(config.UNITS_FILE))
