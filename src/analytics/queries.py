"""Named SQL. Every value is a parameter; nothing here is built from user data."""

TABLE_EXISTS = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
META_GET = "SELECT value FROM meta WHERE key = ?"
META_SET = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
BUMP_VERSION = "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"

# units
INSERT_UNIT = """INSERT INTO units (level, code, name, unit_type, parent_code, province_code, district_code,
                                    books_total, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
DELETE_UNITS_OF_PROVINCE = "DELETE FROM units WHERE province_code = ?"
COMMUNE_CODES_OF_PROVINCE = "SELECT code FROM units WHERE level = 'commune' AND province_code = ?"
COUNT_UNITS_OF_CODES = "SELECT count(*) FROM units WHERE level = ? AND list_contains(?, code)"
STRUCTURE_KEY = "SELECT key FROM structures WHERE id = ?"
UNIT_IDS_OF_STRUCTURE = "SELECT level, ref_code, code FROM units WHERE structure_id = ?"
UNIT_IDS_TAKEN = "SELECT level, code FROM units WHERE structure_id <> ? AND list_contains(?, code)"
DELETE_UNITS_OF_CODES = "DELETE FROM units WHERE level = ? AND list_contains(?, code)"
COUNT_REPORTS_OF_CODES = "SELECT count(*) FROM reports WHERE list_contains(?, commune_code)"
UNIT_NAME = "SELECT name FROM units WHERE level = ? AND code = ?"
UNIT_REF = "SELECT ref_code FROM units WHERE level = ? AND code = ?"
UNIT_EXISTS = "SELECT count(*) FROM units WHERE level = ? AND code = ?"
PROVINCES = """
SELECT p.code AS province_code, p.name AS province_name, coalesce(c.communes, 0) AS communes
FROM units p
LEFT JOIN (SELECT province_code, count(*) AS communes FROM units WHERE level = 'commune' GROUP BY province_code) c
       ON c.province_code = p.code
WHERE p.level = 'province' ORDER BY p.sort_order
"""
PROVINCE_REPORT_COUNTS = """
SELECT c.province_code, count(*) AS reports
FROM reports r JOIN units c ON c.level = 'commune' AND c.code = r.commune_code
GROUP BY c.province_code
"""
COMMUNES_OF_PROVINCE = """
SELECT c.code AS commune_code, c.name AS commune, c.unit_type AS commune_type,
       c.district_code, d.name AS district, c.books_total AS target_books_total
FROM units c LEFT JOIN units d ON d.level = 'district' AND d.code = c.district_code
WHERE c.level = 'commune' AND c.province_code = ?
ORDER BY c.sort_order
"""
ALL_COMMUNES = """
SELECT c.code AS commune_code, c.name AS commune, c.unit_type AS commune_type, c.province_code,
       p.name AS province, c.district_code, d.name AS district, c.books_total AS target_books_total,
       c.ref_code, c.structure_id, p.ref_code AS province_ref
FROM units c
LEFT JOIN units d ON d.level = 'district' AND d.code = c.district_code
LEFT JOIN units p ON p.level = 'province' AND p.code = c.province_code
WHERE c.level = 'commune'
ORDER BY c.sort_order
"""
ALIASES = "SELECT province_code, district_code, alias_key, commune_code FROM aliases"
DELETE_ALIAS = """DELETE FROM aliases WHERE province_code = ? AND district_code IS NOT DISTINCT FROM ?
                  AND alias_key = ?"""
INSERT_ALIAS = """INSERT INTO aliases (province_code, district_code, alias_key, commune_code, created_at, created_by)
                  VALUES (?, ?, ?, ?, ?, ?)"""
DISTRICT_ALIASES = "SELECT alias_key, district_code FROM district_aliases"
DELETE_DISTRICT_ALIAS = "DELETE FROM district_aliases WHERE province_code = ? AND alias_key = ?"
INSERT_DISTRICT_ALIAS = """INSERT INTO district_aliases (province_code, alias_key, district_code, created_at,
                           created_by) VALUES (?, ?, ?, ?, ?)"""

# campaign and settings
INSERT_CAMPAIGN_IF_MISSING = """INSERT INTO campaigns (province_code, name, start_date, deadline, updated_at)
                                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"""
CAMPAIGN_GET = "SELECT name, start_date, deadline FROM campaigns WHERE province_code = ?"
CAMPAIGN_UPSERT = "INSERT OR REPLACE INTO campaigns (province_code, name, start_date, deadline, updated_at) VALUES (?, ?, ?, ?, ?)"
SETTING_GET = "SELECT value FROM settings WHERE province_code = ? AND key = ?"
SETTING_SET = "INSERT OR REPLACE INTO settings (province_code, key, value) VALUES (?, ?, ?)"

# uploads
NEXT_UPLOAD_ID = "SELECT nextval('upload_seq')"
INSERT_UPLOAD = """INSERT INTO uploads (id, file_name, sha256, uploaded_at, row_count, communes, report_dates,
                   province_code, outcome, errors, warnings, user_name, source)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
LOADED_UPLOADS_BY_HASH = "SELECT id, report_dates FROM uploads WHERE sha256 = ? AND outcome = 'loaded' ORDER BY id"
UPLOAD_GET = "SELECT outcome, file_name FROM uploads WHERE id = ?"
UPLOADS_LIST = """SELECT id AS upload_id, uploaded_at, user_name, source, file_name, sha256, row_count, communes,
                         report_dates, outcome, errors, warnings, withdrawn_at, withdrawn_by
                  FROM uploads ORDER BY id DESC LIMIT ?"""
MARK_WITHDRAWN = "UPDATE uploads SET outcome = 'withdrawn', withdrawn_at = ?, withdrawn_by = ? WHERE id = ?"

INSERT_REPORT_ROWS_FROM_INCOMING = """
INSERT INTO report_rows (upload_id, row_no, commune_code, report_date, books_total, books_digitized, records_digitized,
                         records_total)
SELECT upload_id, row_no, commune_code, report_date, books_total, books_digitized, records_digitized, records_total
FROM _incoming
ORDER BY commune_code, report_date  -- a backfill lands clustered by commune: per-province reads skip row groups
"""
UPSERT_REPORTS_FROM_INCOMING = """
INSERT OR REPLACE INTO reports (commune_code, report_date, books_total, books_digitized, records_digitized,
                                records_total, upload_id)
SELECT commune_code, report_date, books_total, books_digitized, records_digitized, records_total, upload_id
FROM _incoming
ORDER BY commune_code, report_date
"""
KEYS_OF_UPLOAD = "SELECT DISTINCT commune_code, report_date FROM report_rows WHERE upload_id = ?"
DELETE_REPORTS_OF_UPLOAD_KEYS = """
DELETE FROM reports WHERE (commune_code, report_date) IN
  (SELECT commune_code, report_date FROM report_rows WHERE upload_id = ?)
"""
# after a withdrawal, the latest loaded upload still in force for each key wins again
RESTORE_REPORTS_FOR_UPLOAD_KEYS = """
INSERT INTO reports (commune_code, report_date, books_total, books_digitized, records_digitized, records_total,
                     upload_id)
SELECT rr.commune_code, rr.report_date,
       arg_max(rr.books_total, rr.upload_id), arg_max(rr.books_digitized, rr.upload_id),
       arg_max_null(rr.records_digitized, rr.upload_id), arg_max_null(rr.records_total, rr.upload_id),
       max(rr.upload_id)
FROM report_rows rr JOIN uploads u ON u.id = rr.upload_id AND u.outcome = 'loaded'
WHERE (rr.commune_code, rr.report_date) IN (SELECT commune_code, report_date FROM report_rows WHERE upload_id = ?)
GROUP BY rr.commune_code, rr.report_date
"""
REPORTS_OF_CODES = """SELECT commune_code, report_date, books_total, books_digitized, records_digitized, records_total,
                             upload_id
                      FROM reports WHERE list_contains(?, commune_code) ORDER BY commune_code, report_date"""
REPORT_COUNT = "SELECT count(*) FROM reports"
CLEAR_ALL = ["DELETE FROM reports", "DELETE FROM report_rows", "DELETE FROM uploads"]

# --- metrics ------------------------------------------------------------
# The as-of state of a province's communes on any day is read from two answers kept per data version
# (metrics._history): the communes of its unit list, and their whole rolled-up history in one scan.

# The communes of a province's unit list in list order, each with its own deadline, else its district's
# (NULL: the campaign's). Parameters: $province.
STATUS_UNITS = """
SELECT c.code AS commune_code, c.ref_code, c.name AS commune, c.district_code, d.name AS district, c.sort_order,
       coalesce(cd.deadline, dd.deadline) AS own_deadline
FROM units c LEFT JOIN units d ON d.level = 'district' AND d.code = c.district_code
LEFT JOIN unit_deadlines cd ON cd.level = 'commune' AND cd.unit_code = c.code AND cd.province_code = $province
LEFT JOIN unit_deadlines dd ON dd.level = 'district' AND dd.unit_code = c.district_code
                            AND dd.province_code = $province
WHERE c.level = 'commune' AND c.province_code = $province
ORDER BY c.sort_order, c.code
"""

# Every figure in force of the province's communes (own reports, and sums of predecessors before them),
# every date up to $to, sorted by (the commune's place in STATUS_UNITS, date): ``key`` is that place times
# 2^32 plus the date's day number (days since 1970-01-01), one sorted integer to search; the figures as
# DOUBLE (NULL: NaN in numpy; exact, counts stay far below 2^53). Parameters:
# $province, $to.
ROLLED_HISTORY = """
WITH u AS (
    SELECT c.code AS commune_code, row_number() OVER (ORDER BY c.sort_order, c.code) - 1 AS pos
    FROM units c WHERE c.level = 'commune' AND c.province_code = $province
),
{ROLLED}
SELECT CAST(u.pos AS BIGINT) * 4294967296 + date_diff('day', DATE '1970-01-01', r.report_date) AS key,
       CAST(r.books_total AS DOUBLE) AS books_total, CAST(r.books_digitized AS DOUBLE) AS books_digitized,
       CAST(r.records_digitized AS DOUBLE) AS records_digitized, CAST(r.records_total AS DOUBLE) AS records_total
FROM rolled r JOIN u USING (commune_code)
ORDER BY key
"""

FIRST_REPORT_DATE = """
WITH u AS (SELECT c.code AS commune_code FROM units c WHERE c.level = 'commune' AND c.province_code = $province),
{ROLLED}
SELECT min(report_date), max(report_date) FROM rolled
"""

COMMUNE_HISTORY = """
SELECT r.report_date, r.books_total, r.books_digitized, r.records_digitized, r.upload_id, u.file_name
FROM reports r LEFT JOIN uploads u ON u.id = r.upload_id
WHERE r.commune_code = ? ORDER BY r.report_date
"""

# --- explanations and unit-list previews -------------------------------
NEXT_EXPLANATION_ID = "SELECT nextval('explanation_seq')"
INSERT_EXPLANATION = """INSERT INTO explanations (id, province_code, commune_code, explained_on, reason,
                        new_completion_date, responsible, created_at, created_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
DELETE_EXPLANATION = "DELETE FROM explanations WHERE id = ?"
EXPLANATION_EXISTS = "SELECT count(*) FROM explanations WHERE id = ?"
# Parameters: $province, $commune (NULL = all), $as_of (NULL = all dates): newest first.
EXPLANATIONS = """
SELECT e.id, e.commune_code, c.name AS commune, c.district_code, d.name AS district, e.explained_on, e.reason,
       e.new_completion_date, e.responsible, e.created_at, e.created_by
FROM explanations e
LEFT JOIN units c ON c.level = 'commune' AND c.code = e.commune_code
LEFT JOIN units d ON d.level = 'district' AND d.code = c.district_code
WHERE e.province_code = $province
  AND ($commune IS NULL OR e.commune_code = $commune)
  AND ($as_of IS NULL OR e.explained_on <= $as_of)
ORDER BY e.explained_on DESC, e.id DESC
"""
# The latest explanation of each commune given on or before $as_of.
LATEST_EXPLANATIONS = """
SELECT commune_code, arg_max(reason, (explained_on, id)) AS reason,
       arg_max(new_completion_date, (explained_on, id)) AS new_completion_date,
       arg_max(responsible, (explained_on, id)) AS responsible,
       max(explained_on) AS explained_on
FROM explanations WHERE province_code = $province AND explained_on <= $as_of
GROUP BY commune_code
"""
UNITS_OF_PROVINCE_FULL = """
SELECT c.code AS commune_code, c.name AS commune_name, c.district_code, d.name AS district_name
FROM units c LEFT JOIN units d ON d.level = 'district' AND d.code = c.district_code
WHERE c.level = 'commune' AND c.province_code = ?
"""
REPORT_COUNTS_OF_CODES = """SELECT commune_code, count(*) AS reports FROM reports
                            WHERE list_contains(?, commune_code) GROUP BY commune_code"""

# One commune's figures in force, all dates (its report history), with the upload each came from.
COMMUNE_REPORTS = """
SELECT r.report_date, r.books_total, r.books_digitized, r.records_digitized, r.records_total, r.upload_id,
       u.file_name, u.uploaded_at, u.user_name
FROM reports r LEFT JOIN uploads u ON u.id = r.upload_id
WHERE r.commune_code = ? AND r.report_date <= ? ORDER BY r.report_date DESC
"""
# Uploads whose rows named a commune (loaded, withdrawn or replaced), newest first.
COMMUNE_UPLOADS = """
SELECT u.id AS upload_id, u.uploaded_at, u.user_name, u.file_name, u.outcome, count(*) AS rows,
       min(rr.report_date) AS first_date, max(rr.report_date) AS last_date
FROM report_rows rr JOIN uploads u ON u.id = rr.upload_id
WHERE rr.commune_code = ? GROUP BY ALL ORDER BY u.id DESC
"""
RECORDS_REPORTED = """
SELECT count(*) FROM reports r JOIN units c ON c.level = 'commune' AND c.code = r.commune_code
WHERE c.province_code = ? AND r.records_digitized IS NOT NULL
"""

# Reports dated $as_of of the province's communes, and how many of them arrived late: the first upload still
# loaded that carries the report arrived after the day's cut-off ($cutoff_at, UTC; 17:00 Vietnam time by
# default, setting ``cutoff_time``), as in CUTOFF_ARRIVALS. Demo figures count as on time.
REPORTS_ON_DAY_TIMELINESS = """
WITH arrivals AS (
    SELECT rr.commune_code, min(up.uploaded_at) AS first_at, bool_or(up.source = 'demo') AS demo
    FROM report_rows rr JOIN uploads up ON up.id = rr.upload_id
    WHERE rr.report_date = $as_of AND up.outcome = 'loaded'
    GROUP BY rr.commune_code
)
SELECT count(*) AS on_day,
       count(*) FILTER (WHERE NOT coalesce(a.demo, FALSE)
                        AND (a.first_at IS NULL OR a.first_at > $cutoff_at)) AS late
FROM reports r
JOIN units c ON c.level = 'commune' AND c.code = r.commune_code
LEFT JOIN arrivals a ON a.commune_code = r.commune_code
WHERE c.province_code = $province AND r.report_date = $as_of
  AND ($district IS NULL OR c.district_code = $district)
"""

# --- accounts and the audit log ------------------------------------------
USER_GET = """SELECT name, role, password_hash, display_name, active, failed_logins, locked_until, last_login
              FROM users WHERE name = ?"""
USER_INSERT = """INSERT INTO users (name, role, password_hash, display_name, active, failed_logins, locked_until,
                 created_at, created_by, last_login) VALUES (?, ?, ?, ?, TRUE, 0, NULL, ?, ?, NULL)"""
USER_SET_PASSWORD = "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE name = ?"
USER_SET_ROLE = "UPDATE users SET role = ? WHERE name = ?"
USER_SET_ACTIVE = "UPDATE users SET active = ? WHERE name = ?"
# failures are counted for the administrator's view only; the wait is kept in login_throttle
USER_LOGIN_FAILED = "UPDATE users SET failed_logins = failed_logins + 1 WHERE name = ?"
USER_LOGIN_OK = "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login = ? WHERE name = ?"
USER_COUNT = "SELECT count(*) FROM users WHERE active"
USERS_LIST = """
SELECT u.name, u.role, u.display_name, u.active, u.failed_logins,
       (SELECT max(t.next_allowed) FROM login_throttle t WHERE t.account = u.name AND t.next_allowed > ?)
         AS locked_until, u.last_login, u.created_at,
       u.created_by, u.password_hash IS NOT NULL AS has_password,
       coalesce(string_agg(s.level || ':' || s.code, ', ' ORDER BY s.level, s.code), '') AS scopes
FROM users u LEFT JOIN user_scopes s ON s.user_name = u.name
GROUP BY ALL ORDER BY u.name
"""
USER_SCOPES = "SELECT level, code FROM user_scopes WHERE user_name = ? ORDER BY level, code"
USER_SCOPES_DELETE = "DELETE FROM user_scopes WHERE user_name = ?"
USER_SCOPE_INSERT = "INSERT OR IGNORE INTO user_scopes (user_name, level, code) VALUES (?, ?, ?)"
# communes an uploader may change: assigned one by one, through their district, or through the province
USER_COMMUNES = """
SELECT DISTINCT c.code FROM units c JOIN user_scopes s ON s.user_name = ?
  AND ((s.level = 'commune' AND c.code = s.code)
    OR (s.level = 'district' AND c.district_code = s.code)
    OR (s.level = 'province' AND c.province_code = s.code))
WHERE c.level = 'commune'
"""
UPLOAD_COMMUNES = "SELECT DISTINCT commune_code FROM report_rows WHERE upload_id = ?"
# communes of every upload at once (the Upload page shows an uploader only the uploads of its units)
UPLOADS_COMMUNES = "SELECT upload_id, list(DISTINCT commune_code) FROM report_rows GROUP BY upload_id"
# sign-in throttling: one row per (client, name tried) and per client; kept for unknown names too
THROTTLE_GET = "SELECT failures, last_failure, next_allowed FROM login_throttle WHERE key = ?"
THROTTLE_PUT = """INSERT OR REPLACE INTO login_throttle (key, account, client, failures, last_failure, next_allowed)
                  VALUES (?, ?, ?, ?, ?, ?)"""
THROTTLE_DELETE = "DELETE FROM login_throttle WHERE key = ?"
THROTTLE_DELETE_ACCOUNT = "DELETE FROM login_throttle WHERE account = ?"
THROTTLE_DELETE_ALL = "DELETE FROM login_throttle"
THROTTLE_COUNT_ALL = "SELECT count(*) FROM login_throttle"
THROTTLE_COUNT_ACCOUNT = "SELECT count(*) FROM login_throttle WHERE account = ?"
NEXT_AUDIT_ID = "SELECT nextval('audit_seq')"
AUDIT_INSERT = """INSERT INTO audit (id, logged_at, user_name, source, action, target, detail, file_name)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?)"""
AUDIT_LIST = """SELECT id, logged_at, user_name, source, action, target, detail, file_name FROM audit
                ORDER BY id DESC LIMIT ?"""
# backup/restore: the tables and sequences of a database (names come from DuckDB's catalogue, not from users)
USER_TABLES = """SELECT table_name FROM information_schema.tables
                 WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"""
TABLE_COLUMNS = """SELECT column_name FROM information_schema.columns
                   WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position"""
SEQUENCES = "SELECT sequence_name, last_value FROM duckdb_sequences() WHERE schema_name = 'main'"


def _ident(name: str) -> str:
    """A table/column/sequence name from DuckDB's own catalogue, checked and quoted (never user data)."""
    import re

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name or ""):
        raise ValueError(f"unexpected identifier {name!r}")
    return '"' + name + '"'


def delete_all(table: str) -> str:
    return "DELETE FROM " + _ident(table)


def insert_from(table: str, columns: list[str], source: str) -> str:
    cols = ", ".join(_ident(c) for c in columns)
    return "INSERT INTO " + _ident(table) + " (" + cols + ") SELECT " + cols + " FROM " + _ident(source)


def recreate_sequence(name: str, start: int) -> list[str]:
    return ["DROP SEQUENCE " + _ident(name), "CREATE SEQUENCE " + _ident(name) + " START " + str(int(start))]


def count_rows(table: str) -> str:
    return "SELECT count(*) FROM " + _ident(table)


def select_all(table: str) -> str:
    return "SELECT * FROM " + _ident(table)

# import: the change preview empties the demo figures inside a rolled-back transaction
DELETE_ALL_REPORTS = "DELETE FROM reports"
EXPLANATION_COMMUNE = "SELECT commune_code FROM explanations WHERE id = ?"
DATABASE_PATH = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"

# --- ingest checks at national scale: the incoming rows are registered as _incoming_cmp -------
# (row_no, commune_code, report_date, books_digitized)
INCOMING_REPLACED = """
SELECT count(*) FROM _incoming_cmp i
JOIN reports r ON r.commune_code = i.commune_code AND r.report_date = CAST(i.report_date AS DATE)
WHERE r.report_date BETWEEN $first AND $last  -- the file's dates: zone maps skip the rest of the history
"""
# Each incoming row against the report in force just before its date: the reports of the 31 days before
# the file's first date (and within its span) first, set-based (ASOF); the rest from the older history.
INCOMING_LOWER_THAN_BEFORE = """
WITH inc AS (
    SELECT row_no, commune_code, CAST(report_date AS DATE) AS report_date, books_digitized FROM _incoming_cmp
),
recent AS (
    SELECT r.commune_code, r.report_date, r.books_digitized FROM reports r
    WHERE r.report_date >= CAST($first AS DATE) - 31 AND r.report_date < $last
),
near AS (
    SELECT i.row_no, i.commune_code, i.books_digitized, p.report_date AS prev_date, p.books_digitized AS prev
    FROM inc i ASOF LEFT JOIN recent p ON i.commune_code = p.commune_code AND i.report_date > p.report_date
),
far AS (
    SELECT r.commune_code, max(r.report_date) AS prev_date, arg_max(r.books_digitized, r.report_date) AS prev
    FROM reports r
    WHERE r.report_date < CAST($first AS DATE) - 31
      AND r.commune_code IN (SELECT commune_code FROM near WHERE prev_date IS NULL)
    GROUP BY r.commune_code
)
SELECT n.row_no, n.books_digitized, coalesce(n.prev, f.prev) AS prev, coalesce(n.prev_date, f.prev_date) AS prev_date
FROM near n LEFT JOIN far f ON n.prev_date IS NULL AND f.commune_code = n.commune_code
WHERE n.books_digitized < coalesce(n.prev, f.prev)
ORDER BY n.row_no
"""
DATABASE_FILE = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
# a fingerprint of the unit list and the aliases: the importer's matching index is rebuilt only when it changes
UNITS_FINGERPRINT = """
SELECT (SELECT count(*) FROM units), (SELECT coalesce(sum(hash(level, code, name, parent_code, district_code,
        province_code, books_total, sort_order)), 0) FROM units),
       (SELECT count(*) FROM aliases), (SELECT coalesce(sum(hash(province_code, district_code, alias_key,
        commune_code)), 0) FROM aliases)
"""
INSERT_UNITS_FROM_FRAME = """INSERT INTO units (level, code, name, unit_type, parent_code, province_code,
                             district_code, books_total, sort_order, structure_id, ref_code, lat, lon, area_km2)
                             SELECT level, code, name, unit_type, parent_code, province_code, district_code,
                                    books_total, sort_order, structure_id, ref_code, lat, lon, area_km2
                             FROM _units_in"""
CAMPAIGN_STARTS = "SELECT province_code, start_date FROM campaigns"
# Each incoming row against the commune's report in force on or before its date (the same date when the
# row replaces it): what the Upload page shows as "before".
INCOMING_PREVIOUS = """
SELECT i.row_no, p.report_date AS prev_date, p.books_total AS prev_total, p.books_digitized AS prev_digitized
FROM _incoming_prev i
ASOF LEFT JOIN (SELECT commune_code, report_date, books_total, books_digitized FROM reports
                WHERE report_date <= $last) p
  ON i.commune_code = p.commune_code AND CAST(i.report_date AS DATE) >= p.report_date
ORDER BY i.row_no
"""
# an earlier refusal of these bytes for the same problems by the same user: a re-check of a refused file is
# not logged again
SAME_REJECTION = """SELECT min(id) FROM uploads WHERE sha256 = ? AND outcome = 'rejected' AND errors = ?
                    AND user_name IS NOT DISTINCT FROM ?"""

# --- closing the campaign: the daily cut-off, commitments --------------------------
# Each commune of the unit list with the first arrival (UTC) of a report for $day: the earliest upload, still
# loaded, that carries a row for the commune and the day, so a later correction does not make an on-time
# report late; ``demo`` when that data is the demonstration (which counts as on time).
CUTOFF_ARRIVALS = """
WITH arrivals AS (
    SELECT rr.commune_code, min(up.uploaded_at) AS first_at, bool_or(up.source = 'demo') AS demo
    FROM report_rows rr JOIN uploads up ON up.id = rr.upload_id
    WHERE rr.report_date = $day AND up.outcome = 'loaded'
    GROUP BY rr.commune_code
)
SELECT c.code AS commune_code, c.name AS commune, c.district_code, d.name AS district, c.sort_order,
       a.first_at, coalesce(a.demo, FALSE) AS demo
FROM units c
LEFT JOIN units d ON d.level = 'district' AND d.code = c.district_code
LEFT JOIN arrivals a ON a.commune_code = c.code
WHERE c.level = 'commune' AND c.province_code = $province
  AND ($district IS NULL OR c.district_code = $district)
ORDER BY c.sort_order
"""
# The first report date on or before $as_of on which each commune of the province stood at 100 %.
FIRST_COMPLETE_DATES = """
SELECT r.commune_code, min(r.report_date) AS completed_on
FROM reports r JOIN units c ON c.level = 'commune' AND c.code = r.commune_code
WHERE c.province_code = $province AND r.report_date <= $as_of AND r.books_digitized >= r.books_total
GROUP BY r.commune_code
"""
# --- unit structures (versions in time) -----------------------------------------------------------
STRUCTURES_ALL = """SELECT id, key, effective_from, label_vi, label_en FROM structures
                    ORDER BY effective_from NULLS FIRST, id"""
STRUCTURES_WITH_UNITS = """SELECT s.id, s.key, s.effective_from, s.label_vi, s.label_en FROM structures s
                           WHERE EXISTS (SELECT 1 FROM units u WHERE u.structure_id = s.id AND u.level = 'commune')
                           ORDER BY s.effective_from NULLS FIRST, s.id"""
STRUCTURE_GET = "SELECT id, key, effective_from, label_vi, label_en FROM structures WHERE id = ?"
STRUCTURE_BY_KEY = "SELECT id FROM structures WHERE key = ?"
STRUCTURE_BY_DATE = "SELECT id FROM structures WHERE effective_from = ?"
STRUCTURE_NEXT_ID = "SELECT coalesce(max(id), 0) + 1 FROM structures"
STRUCTURE_INSERT = """INSERT INTO structures (id, key, effective_from, label_vi, label_en, source, created_at)
                      VALUES (?, ?, ?, ?, ?, ?, ?)"""
STRUCTURE_OF_UNIT = "SELECT structure_id FROM units WHERE level = ? AND code = ?"
COMMUNES_IN_STRUCTURE = "SELECT count(*) FROM units WHERE level = 'commune' AND structure_id = ?"
COMMUNE_REFS_OF_STRUCTURE = "SELECT ref_code FROM units WHERE level = 'commune' AND structure_id = ?"
COUNT_LINKS_BETWEEN = """
SELECT count(*) FROM unit_links l
JOIN units o ON o.level = 'commune' AND o.code = l.from_id AND o.structure_id = $from_s
JOIN units n ON n.level = 'commune' AND n.code = l.to_id AND n.structure_id = $to_s
"""
# the links into the new units a mapping names are replaced; links into other units stay
DELETE_LINKS_INTO = """
DELETE FROM unit_links
WHERE from_id IN (SELECT code FROM units WHERE level = 'commune' AND structure_id = $from_s)
  AND to_id IN (SELECT code FROM units WHERE level = 'commune' AND structure_id = $to_s
                AND ref_code IN (SELECT new_commune_code FROM _map_in))
"""
INSERT_LINKS_FROM_MAP = """
INSERT INTO unit_links (from_id, to_id, is_default)
SELECT o.code, n.code, bool_or(m.is_default)
FROM _map_in m
JOIN units o ON o.level = 'commune' AND o.structure_id = $from_s AND o.ref_code = m.old_commune_code
JOIN units n ON n.level = 'commune' AND n.structure_id = $to_s AND n.ref_code = m.new_commune_code
GROUP BY o.code, n.code
"""
LINKS_FROM = """
SELECT l.to_id AS commune_code, n.ref_code, n.name AS commune, l.is_default
FROM unit_links l JOIN units n ON n.level = 'commune' AND n.code = l.to_id
WHERE l.from_id = ? ORDER BY l.is_default DESC, n.sort_order
"""
# how far back (in structures) the default links reach from a province's communes
LINEAGE_DEPTH = """
WITH RECURSIVE chain(id, d) AS (
    SELECT code, 0 FROM units WHERE level = 'commune' AND province_code = $province
    UNION ALL
    SELECT l.from_id, c.d + 1 FROM unit_links l JOIN chain c ON l.to_id = c.id
    WHERE l.is_default AND c.d < $max_depth
)
SELECT max(d) FROM chain
"""
NEWER_REPORTS = """
WITH RECURSIVE down(id, d) AS (
    SELECT code, 0 FROM units WHERE level = 'commune' AND province_code = $province
    UNION
    SELECT l.to_id, c.d + 1 FROM unit_links l JOIN down c ON l.from_id = c.id
    WHERE l.is_default AND c.d < $max_depth
)

SELECT count(*) FROM reports WHERE commune_code IN (SELECT DISTINCT id FROM down WHERE d > 0)
"""
PROVINCE_SUCCESSOR = """
WITH RECURSIVE down(id, d) AS (
    SELECT code, 0 FROM units WHERE level = 'commune' AND province_code = $province
    UNION
    SELECT l.to_id, c.d + 1 FROM unit_links l JOIN down c ON l.from_id = c.id
    WHERE l.is_default AND c.d < $max_depth
)

SELECT u.province_code FROM (SELECT DISTINCT id FROM down WHERE d > 0) x
JOIN units u ON u.level = 'commune' AND u.code = x.id
WHERE u.structure_id = $structure GROUP BY u.province_code ORDER BY count(*) DESC, u.province_code LIMIT 1
"""
PROVINCE_PREDECESSOR = """
WITH RECURSIVE up(id, d) AS (
    SELECT code, 0 FROM units WHERE level = 'commune' AND province_code = $province
    UNION
    SELECT l.from_id, c.d + 1 FROM unit_links l JOIN up c ON l.to_id = c.id
    WHERE l.is_default AND c.d < $max_depth
)

SELECT u.province_code FROM (SELECT DISTINCT id FROM up WHERE d > 0) x
JOIN units u ON u.level = 'commune' AND u.code = x.id
WHERE u.structure_id = $structure GROUP BY u.province_code ORDER BY count(*) DESC, u.province_code LIMIT 1
"""
# provinces (all structures, or one), those with reports first
PROVINCES_OF_STRUCTURE = """
SELECT p.code AS province_code, p.ref_code AS province_ref, p.name AS province_name, p.structure_id,
       s.key AS structure_key, s.effective_from, coalesce(c.communes, 0) AS communes,
       coalesce(r.reports, 0) AS reports
FROM units p JOIN structures s ON s.id = p.structure_id
LEFT JOIN (SELECT province_code, count(*) AS communes FROM units WHERE level = 'commune' GROUP BY province_code) c
       ON c.province_code = p.code
LEFT JOIN (SELECT u.province_code, count(*) AS reports FROM reports r
           JOIN units u ON u.level = 'commune' AND u.code = r.commune_code GROUP BY u.province_code) r
       ON r.province_code = p.code
WHERE p.level = 'province' AND ($structure IS NULL OR p.structure_id = $structure)
ORDER BY coalesce(r.reports, 0) > 0 DESC, s.effective_from NULLS FIRST, p.sort_order
"""


# communes with their centroids (the maps), of one structure or of one province
COMMUNES_WITH_CENTROIDS = """
SELECT c.code AS commune_code, c.name AS commune, p.name AS province, d.name AS district, c.lat, c.lon
FROM units c
LEFT JOIN units p ON p.level = 'province' AND p.code = c.province_code
LEFT JOIN units d ON d.level = 'district' AND d.code = c.district_code
WHERE c.level = 'commune' AND c.structure_id = ?
ORDER BY c.sort_order
"""
CENTROIDS_OF_PROVINCE = "SELECT code AS commune_code, lat, lon FROM units WHERE level = 'commune' AND province_code = ?"

# deadlines of single units
UNIT_DEADLINES = """
SELECT dl.level, dl.unit_code, u.ref_code, u.name, dl.deadline, dl.updated_at, dl.updated_by
FROM unit_deadlines dl LEFT JOIN units u ON u.level = dl.level AND u.code = dl.unit_code
WHERE dl.province_code = ? ORDER BY dl.level DESC, u.sort_order
"""
UNIT_OF_PROVINCE = "SELECT code FROM units WHERE level = ? AND code = ? AND province_code = ?"
UNIT_DEADLINE_DELETE = "DELETE FROM unit_deadlines WHERE province_code = ? AND level = ? AND unit_code = ?"
UNIT_DEADLINE_INSERT = """INSERT INTO unit_deadlines (province_code, level, unit_code, deadline, updated_at, updated_by)
                          VALUES (?, ?, ?, ?, ?, ?)"""
UNIT_BY_REF_IN_PROVINCE = """SELECT code FROM units WHERE level = ? AND province_code = ? AND (ref_code = ? OR code = ?)
                             ORDER BY sort_order LIMIT 1"""
