"""Access (issue 7): roles, local accounts (bcrypt, lock-out), checked writes, the audit log, the CLI and the
app's sign-in gate and role-based navigation (AppTest through the real sign-in form)."""

from __future__ import annotations

import json
import pathlib
import shutil
from datetime import date, timedelta

import pytest

from analytics import auth, ingest, store
from analytics.errors import InvalidArgument
from support import csv_bytes

APP = pathlib.Path(__file__).resolve().parent.parent / "app.py"
HEADER = ["report_date", "commune_code", "books_total", "books_digitized"]


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch):
    monkeypatch.setenv("HOTICH_BCRYPT_ROUNDS", "4")  # the cost, not the scheme: keeps the suite fast
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    monkeypatch.delenv("HOTICH_VIEW_REQUIRES_LOGIN", raising=False)
    monkeypatch.delenv("HOTICH_OPEN_MODE", raising=False)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Built once per module, copied per test: the tiny province without and with accounts."""
    from support import fast_bcrypt, write_units_csv

    folder = tmp_path_factory.mktemp("auth_templates")
    with fast_bcrypt():
        plain, with_accounts = folder / "plain.duckdb", folder / "accounts.duckdb"
        with store.session(plain) as con:
            store.replace_units(con, store.read_units_csv(write_units_csv(folder / "units.csv")))
            con.execute("DELETE FROM units WHERE province_code = '49'")
            con.execute("CHECKPOINT")
        shutil.copyfile(plain, with_accounts)
        with store.session(with_accounts) as con:
            op = auth.operator("tester")
            auth.add_user(con, op, "boss", "admin", "boss-password")
            auth.add_user(con, op, "mot", "uploader", "mot-password", scopes=["district:901"])
            auth.add_user(con, op, "le", "uploader", "le-password", scopes=["commune:90004"])
            auth.add_user(con, op, "xem", "viewer", "xem-password")
            con.execute("CHECKPOINT")
    return plain, with_accounts


@pytest.fixture
def tiny_con(templates, db_path):
    """The tiny province (99: districts 901, 902; communes 90001-90005), no accounts."""
    shutil.copyfile(templates[0], db_path)
    con = store.connect(db_path)
    yield con
    con.close()


@pytest.fixture
def accounts(templates, db_path):
    """admin 'boss', uploader 'mot' (district 901: communes 90001-90003), uploader 'le' (commune 90004), viewer 'xem'."""
    shutil.copyfile(templates[1], db_path)
    con = store.connect(db_path)
    yield con
    con.close()


def _user(con, name):
    return auth.load_user(con, name)


def _prep(con, rows, name="f.csv"):
    prep = ingest.prepare(con, csv_bytes(HEADER, rows), name)
    assert prep.ok, prep.errors
    return prep


# --- passwords -------------------------------------------------------------------------


def test_hash_is_salted_bcrypt_and_verifies():
    h1, h2 = auth.hash_password("correct horse"), auth.hash_password("correct horse")
    assert h1.startswith("$2b$04$") and h1 != h2  # salted: same password, different hashes
    assert auth.verify_password("correct horse", h1) and auth.verify_password("correct horse", h2)
    assert not auth.verify_password("correct hors", h1)
    assert not auth.verify_password("x" * 100, h1)


@pytest.mark.parametrize("password,key", [("short", "auth.password_short"), ("é" * 40, "auth.password_long")])
def test_bad_passwords_refused(password, key):
    with pytest.raises(InvalidArgument) as e:
        auth.hash_password(password)
    assert e.value.key == key


def test_password_stored_only_as_hash(accounts):
    row = store.get_user(accounts, "boss")
    assert row["password_hash"].startswith("$2b$") and "boss-password" not in row["password_hash"]
    dump = accounts.execute("SELECT * FROM users").fetchall()
    assert "boss-password" not in repr(dump)


# --- sign-in and lock-out -------------------------------------------------------------------


def test_sign_in_ok_and_wrong(accounts):
    assert auth.authenticate(accounts, "  BOSS ", "boss-password").role == "admin"
    with pytest.raises(auth.SignInFailed) as e:
        auth.authenticate(accounts, "boss", "wrong-password")
    assert e.value.key == "auth.bad_login"
    with pytest.raises(auth.SignInFailed) as e:
        auth.authenticate(accounts, "nobody", "whatever-pass")
    assert e.value.key == "auth.bad_login"  # an unknown name looks the same as a wrong password


def test_lockout_after_five_failures_then_expires(accounts, monkeypatch):
    for i in range(4):
        with pytest.raises(auth.SignInFailed) as e:
            auth.authenticate(accounts, "mot", f"wrong-{i}-pass")
        assert e.value.key == "auth.bad_login"
    assert store.get_user(accounts, "mot")["failed_logins"] == 4
    with pytest.raises(auth.SignInFailed) as e:
        auth.authenticate(accounts, "mot", "wrong-5-pass")
    assert e.value.key == "auth.locked"
    # the right password does not help while locked
    with pytest.raises(auth.SignInFailed) as e:
        auth.authenticate(accounts, "mot", "mot-password")
    assert e.value.key == "auth.locked" and e.value.values["minutes"] == 15
    # 15 minutes later (moved back in the database) it works again and the count resets
    accounts.execute("UPDATE users SET locked_until = locked_until - INTERVAL 16 MINUTE WHERE name = 'mot'")
    assert auth.authenticate(accounts, "mot", "mot-password").name == "mot"
    assert store.get_user(accounts, "mot")["failed_logins"] == 0
    failed = accounts.execute("SELECT count(*) FROM audit WHERE action = 'login.failed' AND user_name = 'mot'").fetchone()
    assert failed[0] == 5


def test_password_reset_lifts_lockout(accounts):
    for i in range(5):
        with pytest.raises(auth.SignInFailed):
            auth.authenticate(accounts, "le", f"bad-{i}-password")
    auth.set_password(accounts, auth.operator("t"), "le", "new-le-password")
    assert auth.authenticate(accounts, "le", "new-le-password").name == "le"


def test_disabled_account_cannot_sign_in(accounts):
    auth.change_user(accounts, _user(accounts, "boss"), "xem", active=False)
    with pytest.raises(auth.SignInFailed):
        auth.authenticate(accounts, "xem", "xem-password")
    assert auth.load_user(accounts, "xem") is None


# --- the permission matrix ---------------------------------------------------------------------

MATRIX = [
    # role, action, allowed
    ("viewer", "view", True), ("viewer", "upload", False), ("viewer", "withdraw", False),
    ("viewer", "settings", False), ("viewer", "users", False), ("viewer", "units", False),
    ("uploader", "view", True), ("uploader", "upload", True), ("uploader", "withdraw", True),
    ("uploader", "settings", False), ("uploader", "campaign", False), ("uploader", "units", False),
    ("uploader", "users", False), ("uploader", "audit", False),
    ("admin", "upload", True), ("admin", "settings", True), ("admin", "units", True), ("admin", "users", True),
    ("admin", "audit", True), ("admin", "campaign", True),
]


@pytest.mark.parametrize("role,action,allowed", MATRIX)
def test_permission_matrix(role, action, allowed):
    user = auth.User("u", role, communes=frozenset({"90001"}))
    if allowed:
        auth.require(user, action)
    else:
        with pytest.raises(auth.Forbidden):
            auth.require(user, action)


def test_anonymous_may_only_view_and_only_when_open(monkeypatch):
    auth.require(None, "view")
    with pytest.raises(auth.Forbidden):
        auth.require(None, "upload")
    monkeypatch.setenv("HOTICH_VIEW_REQUIRES_LOGIN", "1")
    with pytest.raises(auth.Forbidden):
        auth.require(None, "view")


def test_uploader_scope_resolved_from_district(accounts):
    assert _user(accounts, "mot").communes == {"90001", "90002", "90003"}
    assert _user(accounts, "le").communes == {"90004"}
    assert _user(accounts, "boss").communes == frozenset()


# --- checked writes ----------------------------------------------------------------------------------


def test_uploader_cannot_upload_other_communes_nothing_written(accounts):
    prep = _prep(accounts, [["2025-03-01", "90001", 10, 5], ["2025-03-01", "90004", 10, 5]])
    with pytest.raises(auth.Forbidden) as e:
        ingest.commit(accounts, prep, user=_user(accounts, "mot"), source="app")
    assert e.value.key == "auth.outside_scope" and "90004" in e.value.values["communes"]
    assert store.report_count(accounts) == 0
    assert accounts.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0


def test_uploader_uploads_own_communes_and_is_logged(accounts):
    prep = _prep(accounts, [["2025-03-01", "90001", 10, 5], ["2025-03-01", "90003", 20, 7]], "mot.csv")
    result = ingest.commit(accounts, prep, user=_user(accounts, "mot"), source="app")
    row = accounts.execute("SELECT user_name, source, file_name, outcome FROM uploads WHERE id = ?",
                           [result.upload_id]).fetchone()
    assert row == ("mot", "app", "mot.csv", "loaded")
    assert store.report_count(accounts) == 2


def test_viewer_cannot_upload(accounts):
    prep = _prep(accounts, [["2025-03-01", "90001", 10, 5]])
    with pytest.raises(auth.Forbidden):
        ingest.commit(accounts, prep, user=_user(accounts, "xem"), source="app")
    assert store.report_count(accounts) == 0


def test_withdraw_only_within_scope(accounts):
    admin = _user(accounts, "boss")
    prep = _prep(accounts, [["2025-03-01", "90004", 10, 5]], "le.csv")
    up = ingest.commit(accounts, prep, user=admin, source="app").upload_id
    with pytest.raises(auth.Forbidden):
        auth.withdraw_upload(accounts, _user(accounts, "mot"), up)
    with pytest.raises(auth.Forbidden):
        auth.withdraw_upload(accounts, _user(accounts, "xem"), up)
    assert auth.withdraw_upload(accounts, _user(accounts, "le"), up) == 1
    audit = store.audit_log(accounts)
    row = audit[audit["action"] == "withdraw"].iloc[0]
    assert (row["user_name"], row["target"], row["file_name"]) == ("le", str(up), "le.csv")


@pytest.mark.parametrize("who", ["mot", "xem"])
def test_non_admin_cannot_change_settings_campaign_units_users(accounts, who, tmp_path):
    user = _user(accounts, who)
    before = accounts.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(auth.Forbidden):
        auth.set_setting(accounts, user, "99", "amber_points", "5")
    with pytest.raises(auth.Forbidden):
        auth.set_campaign(accounts, user, "99", "Hacked")
    with pytest.raises(auth.Forbidden):
        auth.replace_units(accounts, user, [])
    with pytest.raises(auth.Forbidden):
        auth.add_user(accounts, user, "evil", "admin", "evil-password")
    with pytest.raises(auth.Forbidden):
        auth.change_user(accounts, user, who, role="admin")
    with pytest.raises(auth.Forbidden):
        auth.set_password(accounts, user, "boss", "taken-over-1")
    with pytest.raises(auth.Forbidden):
        auth.audit_log(accounts, user)
    assert store.get_setting(accounts, "99", "amber_points") is None
    assert store.get_campaign(accounts, "99").name != "Hacked"
    assert store.get_user(accounts, "evil") is None and store.get_user(accounts, who)["role"] != "admin"
    assert accounts.execute("SELECT count(*) FROM audit").fetchone()[0] == before


def test_admin_writes_are_audited(accounts):
    admin = _user(accounts, "boss")
    auth.set_setting(accounts, admin, "99", "amber_points", "7.5")
    auth.set_campaign(accounts, admin, "99", "Đợt 2", date(2025, 3, 1), date(2025, 3, 30))
    auth.add_alias(accounts, admin, "99", "901", "an hoa cu", "90001")
    log = store.audit_log(accounts)
    by_action = {r["action"]: r for r in log.to_dict("records")}
    assert by_action["settings"]["user_name"] == "boss" and by_action["settings"]["source"] == "app"
    assert json.loads(by_action["settings"]["detail"]) == {"key": "amber_points", "value": "7.5"}
    assert json.loads(by_action["campaign"]["detail"])["name"] == "Đợt 2"
    assert by_action["alias"]["target"] == "90001"
    assert by_action["user.add"]["user_name"] == "cli:tester"
    table = auth.audit_table(log, "en")
    assert list(table.columns)[:3] == ["When (UTC)", "By", "Source"]


def test_uploader_alias_and_explanation_limited_to_scope(accounts):
    mot = _user(accounts, "mot")
    auth.add_alias(accounts, mot, "99", "901", "an hoa xua", "90001")
    with pytest.raises(auth.Forbidden):
        auth.add_alias(accounts, mot, "99", "902", "tam ky xua", "90005")
    if hasattr(store, "add_explanation"):
        auth.add_explanation(accounts, mot, "99", "90002", date(2025, 3, 1), "Thiếu người")
        with pytest.raises(auth.Forbidden):
            auth.add_explanation(accounts, mot, "99", "90005", date(2025, 3, 1), "Không phải xã của tôi")


def test_cli_without_user_object_still_works_as_operator(accounts):
    """The CLI path (a name or nothing) is the local operator: not limited by assignments."""
    prep = _prep(accounts, [["2025-03-01", "90005", 10, 5]])
    assert not ingest.commit(accounts, prep, user="cron", source="cli").unchanged
    assert accounts.execute("SELECT user_name, source FROM uploads").fetchone() == ("cron", "cli")


# --- CLI ---------------------------------------------------------------------------------------------------


def test_cli_users_add_passwd_list_assign(run_cli, monkeypatch, db_path):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("first-password\n"))
    code, out, err = run_cli("users", "add", "Officer", "--role", "uploader", "--scope", "district:502",
                             "--lang", "en")
    assert code == 0, err
    assert "officer" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("second-password\n"))
    assert run_cli("users", "passwd", "officer")[0] == 0
    code, out, _ = run_cli("users", "assign", "officer", "--scope", "commune:20335", "--scope", "district:503")
    assert code == 0
    code, out, _ = run_cli("users", "list", "--json")
    rows = json.loads(out)
    assert rows == [{"name": "officer", "role": "uploader", "active": True,
                     "scopes": "commune:20335, district:503", "failed_logins": 0, "locked_until": None,
                     "has_password": True}]
    with store.session(db_path) as con:
        assert auth.authenticate(con, "officer", "second-password").role == "uploader"
        with pytest.raises(auth.SignInFailed):
            auth.authenticate(con, "officer", "first-password")
        assert set(store.audit_log(con)["action"]) >= {"user.add", "user.change", "login.ok", "login.failed"}
    # bad input: a unit that does not exist, a role that does not exist
    assert run_cli("users", "assign", "officer", "--scope", "district:999")[0] == 1
    assert run_cli("users", "passwd", "nobody")[0] != 0


# --- the app: sign-in gate and role-based navigation ---------------------------------------------------------


def _app(db_path, monkeypatch, **env):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTICH_DB", str(db_path))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return AppTest.from_file(str(APP), default_timeout=60)


def _paths(at) -> set[str]:
    """The pages in the menu of the last run, by file stem (AppTest's record of st.navigation)."""
    return {pathlib.Path(info["script_path"]).stem for info in at._registered_pages.values()}


def _sign_in(at, name, password):
    at.switch_page("views/login.py").run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    [b for b in at.button if b.label in ("Đăng nhập", "Sign in")][0].click().run()
    return at


def test_app_open_mode_without_accounts(db_path, monkeypatch, tiny_con):
    at = _app(db_path, monkeypatch).run()
    assert not at.exception
    assert any("python -m analytics users add" in w.value for w in at.sidebar.warning)
    assert {"upload", "admin"} <= _paths(at)


def test_app_roles_through_real_sign_in(db_path, monkeypatch, accounts):
    at = _app(db_path, monkeypatch).run()
    assert not at.exception
    paths = _paths(at)
    assert "upload" not in paths and "settings" not in paths and "admin" not in paths and "login" in paths
    assert "overview" in paths  # viewing is open by default

    at = _sign_in(_app(db_path, monkeypatch).run(), "mot", "wrong-password")
    assert [e.value for e in at.error] == ["Sai tên đăng nhập hoặc mật khẩu."]
    assert "auth_user" not in at.session_state

    at = _sign_in(_app(db_path, monkeypatch).run(), "mot", "mot-password")
    assert not at.exception and at.session_state["auth_user"] == "mot"
    paths = _paths(at)
    assert "upload" in paths and "settings" not in paths and "admin" not in paths and "login" not in paths

    at = _sign_in(_app(db_path, monkeypatch).run(), "boss", "boss-password")
    assert {"upload", "admin"} <= _paths(at)
    at.switch_page("views/admin.py").run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    assert set(tables[0].iloc[:, 0]) == {"boss", "mot", "le", "xem"}
    assert "login.ok" in set(tables[1].iloc[:, 3])  # the audit log shows the sign-ins


def test_pages_refuse_even_when_reached_directly(db_path, monkeypatch, accounts):
    """The admin page checks the role itself, not only the menu."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTICH_DB", str(db_path))
    for who in ("xem", "mot", None):
        at = AppTest.from_file(str(APP.parent / "views" / "admin.py"), default_timeout=60)
        if who:
            at.session_state["auth_user"] = who
        at.run()
        assert not at.exception
        assert [e.value for e in at.error] and not at.dataframe  # refused, nothing shown


def test_view_can_require_sign_in(db_path, monkeypatch, accounts):
    at = _app(db_path, monkeypatch, HOTICH_VIEW_REQUIRES_LOGIN="1").run()
    assert not at.exception
    assert _paths(at) == {"login"}
    at = _sign_in(at, "xem", "xem-password")
    assert "overview" in _paths(at) and "upload" not in _paths(at)


def test_disabled_account_loses_access_at_next_run(db_path, monkeypatch, accounts):
    at = _sign_in(_app(db_path, monkeypatch).run(), "le", "le-password")
    assert "upload" in _paths(at)
    auth.change_user(accounts, auth.operator("t"), "le", active=False)
    at.run()
    assert "upload" not in _paths(at) and "auth_user" not in at.session_state


def test_lockout_horizon_is_configurable(monkeypatch, accounts):
    monkeypatch.setenv("HOTICH_MAX_FAILED_LOGINS", "2")
    monkeypatch.setenv("HOTICH_LOCKOUT_MINUTES", "1")
    with pytest.raises(auth.SignInFailed):
        auth.authenticate(accounts, "xem", "bad-password-1")
    with pytest.raises(auth.SignInFailed) as e:
        auth.authenticate(accounts, "xem", "bad-password-2")
    assert e.value.key == "auth.locked"
    until = store.get_user(accounts, "xem")["locked_until"]
    assert timedelta(seconds=50) < until - store._now() <= timedelta(minutes=1)


# --- the Upload and Settings pages check the role themselves (not only the menu) -----------------------------


def _page_alone(db_path, monkeypatch, page: str, who: str | None):
    """Run one page directly, as if reached without the menu, with the sidebar state the router would set."""
    import sys

    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(APP.parent))
    import ui

    monkeypatch.setenv("HOTICH_DB", str(db_path))
    at = AppTest.from_file(str(APP.parent / "views" / f"{page}.py"), default_timeout=60)
    at.session_state["view"] = ui.Sidebar(str(db_path), 1, "99", date(2025, 3, 1), "vi", False)
    if who:
        at.session_state["auth_user"] = who
    return at.run()


@pytest.mark.parametrize("page,who", [("upload", "xem"), ("upload", None), ("settings", "mot"),
                                      ("settings", "xem"), ("settings", None)])
def test_write_pages_refuse_roles_that_may_not(db_path, monkeypatch, accounts, page, who):
    at = _page_alone(db_path, monkeypatch, page, who)
    assert not at.exception
    assert at.error and not at.file_uploader and not at.button  # a message, and nothing to act on


def test_uploader_cannot_load_another_communes_file_through_the_page(db_path, monkeypatch, accounts):
    at = _app(db_path, monkeypatch)
    at.session_state["auth_user"] = "mot"
    at.run()
    at.switch_page("views/upload.py").run()
    assert not at.exception
    other = csv_bytes(HEADER, [["2025-03-01", "90001", 10, 5], ["2025-03-01", "90004", 10, 5]])
    at.file_uploader(key="upload_files").set_value([("other.csv", other, "text/csv")]).run()
    [b for b in at.button if b.key and b.key.startswith("confirm_")][0].click().run()
    assert not at.exception
    assert any("90004" in e.value for e in at.error)
    assert store.report_count(accounts) == 0
    own = csv_bytes(HEADER, [["2025-03-01", "90001", 10, 5], ["2025-03-01", "90002", 10, 6]])
    at.file_uploader(key="upload_files").set_value([("own.csv", own, "text/csv")]).run()
    [b for b in at.button if b.key and b.key.startswith("confirm_")][0].click().run()
    assert not at.exception
    assert accounts.execute("SELECT user_name, source, file_name FROM uploads WHERE outcome = 'loaded'").fetchall() == [
        ("mot", "app", "own.csv")]


def test_openid_email_maps_to_an_account(accounts):
    auth.add_user(accounts, auth.operator("t"), "Officer@Example.org", "uploader", None, scopes=["commune:90005"])
    user = auth.oidc_user(accounts, "officer@example.org")
    assert (user.name, user.role, user.source, set(user.communes)) == ("officer@example.org", "uploader", "oidc",
                                                                       {"90005"})
    assert auth.oidc_user(accounts, "stranger@example.org") is None
    assert auth.oidc_user(accounts, None) is None
    with pytest.raises(auth.SignInFailed):  # no password: cannot sign in with the local form
        auth.authenticate(accounts, "officer@example.org", "anything-at-all")


@pytest.mark.parametrize(("who", "form_shown"), [("xem", False), (None, False), ("mot", True), ("boss", True)])
def test_only_staff_get_the_explanation_form(db_path, monkeypatch, accounts, who, form_shown):
    at = _page_alone(db_path, monkeypatch, "underperformers", who)
    assert not at.exception
    shown = any(ta.key == "explain_reason" for ta in at.text_area)
    assert shown is form_shown
