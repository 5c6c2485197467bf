"""Access (issue 7): roles, local accounts (bcrypt, lock-out), checked writes, the audit log, the CLI and the
app's sign-in gate and role-based navigation (AppTest through the real sign-in form)."""

from __future__ import annotations

import json
import pathlib
import shutil
from datetime import date, datetime, timedelta

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


@pytest.fixture
def clock(monkeypatch):
    """store._now (the clock of sign-ins and their throttle) under the test's control."""
    now = [datetime(2025, 3, 1, 8, 0, 0)]

    class Clock:
        def advance(self, seconds: float) -> None:
            now[0] += timedelta(seconds=seconds)

        def now(self) -> datetime:
            return now[0]

    monkeypatch.setattr(store, "_now", lambda: now[0])
    return Clock()


def _try(con, name, password, client="198.51.100.7"):
    """One sign-in attempt: the user on success, else (message key, values)."""
    try:
        return auth.authenticate(con, name, password, client=client)
    except auth.SignInFailed as exc:
        return exc.key, dict(exc.values)


def _throttle_rows(con, name, client):
    """The throttle state of a name from a client, with times relative to the clock's start."""
    out = []
    for key in (f"pair:{client}|{name}", f"client:{client}"):
        state = store.login_throttle(con, key)
        out.append(None if state is None else (state["failures"], state["next_allowed"]))
    return out


def test_real_and_unknown_names_get_the_same_answers_and_state(accounts, clock):
    """Wrong passwords for the admin and a name that is no account: the same messages, waits and stored state."""
    answers, states = {}, {}
    for name, client in (("boss", "198.51.100.1"), ("ghost", "198.51.100.2")):
        start = clock.now()
        seen = []
        for i in range(7):
            seen.append(_try(accounts, name, f"wrong-{i}-password", client))
            if i == 5:
                clock.advance(2)  # the sixth was refused unchecked: the wait after the fifth failure
        answers[name] = seen
        states[name] = [None if s is None else (s[0], s[1] and s[1] - start)
                        for s in _throttle_rows(accounts, name, client)]
        clock.advance(7200)  # the next name starts on a quiet clock
    assert answers["boss"] == answers["ghost"]
    assert answers["boss"][:4] == [("auth.bad_login", {})] * 4
    assert answers["boss"][4:] == [("auth.bad_login_wait", {"seconds": 2}), ("auth.bad_login_wait", {"seconds": 2}),
                                   ("auth.bad_login_wait", {"seconds": 4})]
    assert states["boss"] == states["ghost"] == [(6, timedelta(seconds=6)), (6, None)]
    en = auth.SignInFailed("auth.bad_login_wait", seconds=4).render("en")
    assert "locked" not in en.lower() and "4 seconds" in en


def test_delays_double_up_to_the_cap(accounts, clock, monkeypatch):
    monkeypatch.setenv("HOTICH_LOCKOUT_MINUTES", "1")
    waits = []
    for i in range(11):
        answer = _try(accounts, "mot", f"wrong-{i}-password")
        wait = answer[1].get("seconds", 0)
        waits.append(wait)
        clock.advance(wait)
    assert waits == [0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60]
    assert auth.throttle_delay(1000, 5) == 60  # no overflow however long it goes on


def test_right_password_waits_like_a_wrong_one_then_works(accounts, clock):
    for i in range(5):
        _try(accounts, "mot", f"wrong-{i}-password")
    assert _try(accounts, "mot", "mot-password") == ("auth.bad_login_wait", {"seconds": 2})
    clock.advance(2)
    assert _try(accounts, "mot", "mot-password").name == "mot"
    assert store.login_throttle(accounts, "pair:198.51.100.7|mot") is None  # success clears the pair's count
    assert _try(accounts, "mot", "wrong-again-pass") == ("auth.bad_login", {})
    log = store.audit_log(accounts)
    assert list(log["action"]).count("login.refused") == 1 and list(log["action"]).count("login.failed") == 6


def test_an_outsider_cannot_keep_the_admin_out(accounts, clock):
    outsider = "203.0.113.9"
    for i in range(30):  # as fast as the waits allow
        answer = _try(accounts, "boss", f"guess-{i}-password", outsider)
        clock.advance(answer[1].get("seconds", 0))
    assert _try(accounts, "boss", "guess-x-password", outsider)[0] == "auth.bad_login_wait"
    # the administrator at another address is not slowed at all
    assert _try(accounts, "boss", "boss-password", "192.0.2.10").name == "boss"
    # nor, after the wait, at the same address (one proxy in front of everyone), and nothing is locked
    for _ in range(2):
        answer = _try(accounts, "boss", "guess-y-password", outsider)
        clock.advance(answer[1].get("seconds", 0))
    assert _try(accounts, "boss", "boss-password", outsider).name == "boss"
    assert store.get_user(accounts, "boss")["locked_until"] is None


def test_one_client_trying_many_names_is_slowed(accounts, clock):
    free = auth.max_failures() * auth.CLIENT_FAILURE_FACTOR
    answers = [_try(accounts, f"name{i}", "some-password-1", "198.51.100.50") for i in range(free)]
    assert answers[:-1] == [("auth.bad_login", {})] * (free - 1) and answers[-1] == ("auth.bad_login_wait",
                                                                                      {"seconds": 2})
    assert _try(accounts, "xem", "xem-password", "198.51.100.50") == ("auth.bad_login_wait", {"seconds": 2})
    assert _try(accounts, "xem", "xem-password", "198.51.100.51").name == "xem"  # another client is not
    clock.advance(2)
    assert _try(accounts, "xem", "xem-password", "198.51.100.50").name == "xem"


def test_failures_are_forgotten_after_a_quiet_spell(accounts, clock):
    for i in range(4):
        _try(accounts, "le", f"wrong-{i}-password")
    clock.advance(auth.forget_after().total_seconds() + 1)
    assert _try(accounts, "le", "wrong-5-password") == ("auth.bad_login", {})  # counted from zero again


def test_parallel_attempts_cannot_slip_through_one_open_moment(accounts, db_path):
    """Twelve wrong passwords at once from one client: checked one at a time, so only five are tried."""
    import threading

    results = []

    def attempt(i):
        con = store.connect(db_path)
        try:
            results.append(_try(con, "boss", f"burst-{i}-password", "203.0.113.77")[0])
        finally:
            con.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    failed = accounts.execute("SELECT count(*) FROM audit WHERE action = 'login.failed'").fetchone()[0]
    assert failed == 5 and len(results) == 12
    assert results.count("auth.bad_login_wait") == 8  # the fifth failure and the seven refused after it


def test_unknown_names_cost_one_bcrypt_check_like_real_ones(accounts, monkeypatch):
    """A bcrypt comparison for every attempt (unknown name, disabled, no password): the time tells nothing."""
    calls = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda pw, h: calls.append(h) or real(pw, h))
    auth.add_user(accounts, auth.operator("t"), "oidc@example.org", "viewer", None)
    auth.change_user(accounts, auth.operator("t"), "xem", active=False)
    for name, client in (("boss", "a"), ("nobody", "b"), ("not a valid name!", "c"), ("xem", "d"),
                         ("oidc@example.org", "e")):
        calls.clear()
        with pytest.raises(auth.SignInFailed):
            auth.authenticate(accounts, name, "wrong-password", client=client)
        assert len(calls) == 1 and calls[0].startswith("$2b$04$"), name


def test_password_reset_lifts_the_wait(accounts, clock):
    for i in range(6):
        _try(accounts, "le", f"bad-{i}-password")
    assert _try(accounts, "le", "le-password")[0] == "auth.bad_login_wait"
    auth.set_password(accounts, auth.operator("t"), "le", "new-le-password")
    assert _try(accounts, "le", "new-le-password").name == "le"


def test_cli_unlock_lets_the_admin_back_in(accounts, clock, run_cli):
    for i in range(8):
        _try(accounts, "boss", f"bad-{i}-password")
    assert _try(accounts, "boss", "boss-password")[0] == "auth.bad_login_wait"
    assert store.users(accounts).set_index("name").loc["boss", "locked_until"] is not None  # the admin sees it
    code, out, err = run_cli("users", "unlock", "boss", "--lang", "en")
    assert code == 0, err
    assert "boss" in out
    assert _try(accounts, "boss", "boss-password").name == "boss"
    log = store.audit_log(accounts)
    assert log.iloc[1]["action"] == "user.unlock" and log.iloc[1]["target"] == "boss"
    for i in range(20):  # a client slowed across names: only --all lifts that
        _try(accounts, f"x{i}", "bad-password-x")
    assert _try(accounts, "boss", "boss-password")[0] == "auth.bad_login_wait"
    assert run_cli("users", "unlock", "--all")[0] == 0
    assert _try(accounts, "boss", "boss-password").name == "boss"
    assert run_cli("users", "unlock", "nobody")[0] != 0
    assert run_cli("users", "unlock")[0] != 0


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
    assert e.value.key == "auth.outside.upload" and "90004" in e.value.values["communes"]
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
    # nothing changed, and every refused write left one line (reading the log is no write)
    added = accounts.execute("SELECT action, user_name FROM audit WHERE id > ? ORDER BY id", [before]).fetchall()
    assert added == [(a, who) for a in ("refused:settings", "refused:campaign", "refused:units", "refused:users",
                                        "refused:users", "refused:users")]


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


def test_first_delay_is_configurable(monkeypatch, accounts, clock):
    monkeypatch.setenv("HOTICH_MAX_FAILED_LOGINS", "2")
    monkeypatch.setenv("HOTICH_LOGIN_DELAY_SECONDS", "30")
    assert _try(accounts, "xem", "bad-password-1") == ("auth.bad_login", {})
    assert _try(accounts, "xem", "bad-password-2") == ("auth.bad_login_wait", {"seconds": 30})
    until = store.login_throttle(accounts, "pair:198.51.100.7|xem")["next_allowed"]
    assert until - clock.now() == timedelta(seconds=30)


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


# --- refused writes: logged with who and what, and worded for the action -------------------------------------


def _admin_upload(con, rows, name):
    return ingest.commit(con, _prep(con, rows, name), user=_user(con, "boss"), source="app").upload_id


def _refuse_upload(con, who):
    ingest.commit(con, _prep(con, [["2025-03-01", "90001", 10, 5], ["2025-03-01", "90004", 10, 5]], "mix.csv"),
                  user=_user(con, who), source="app")


def _refuse_withdraw(con, who):
    auth.withdraw_upload(con, _user(con, who), _admin_upload(con, [["2025-03-01", "90004", 10, 5]], "hai.csv"))


def _refuse_explain_delete(con, who):
    new_id = auth.add_explanation(con, _user(con, "boss"), "99", "90005", date(2025, 3, 1), "Thiếu máy")
    auth.delete_explanation(con, _user(con, who), new_id)


REFUSED = [
    # who, the attempt, message key, audit action, words the English message must (not) use
    ("mot", _refuse_upload, "auth.outside.upload", "refused:upload", "file", None),
    ("xem", _refuse_upload, "auth.forbidden.upload", "refused:upload", "upload", None),
    ("mot", _refuse_withdraw, "auth.outside.withdraw", "refused:withdraw", "upload 1", "file"),
    ("xem", _refuse_withdraw, "auth.forbidden.withdraw", "refused:withdraw", "withdraw", "file"),
    ("mot", lambda c, w: auth.add_explanation(c, _user(c, w), "99", "90005", date(2025, 3, 1), "Không phải xã tôi"),
     "auth.outside.explain", "refused:explain", "explanation", "file"),
    ("mot", _refuse_explain_delete, "auth.outside.explain", "refused:explain", "explanation", "file"),
    ("xem", lambda c, w: auth.add_explanation(c, _user(c, w), "99", "90001", date(2025, 3, 1), "Xem thôi"),
     "auth.forbidden.explain", "refused:explain", "explanations", "file"),
    ("mot", lambda c, w: auth.add_alias(c, _user(c, w), "99", "902", "tam ky cu", "90005"),
     "auth.outside.alias", "refused:alias", "name", "file"),
    ("mot", lambda c, w: auth.set_setting(c, _user(c, w), "99", "amber_points", "1"),
     "auth.forbidden.settings", "refused:settings", "settings", None),
    ("le", lambda c, w: auth.set_campaign(c, _user(c, w), "99", "Khác"), "auth.forbidden.campaign",
     "refused:campaign", "campaign", None),
    ("mot", lambda c, w: auth.replace_units(c, _user(c, w), [], file_name="dm.csv"), "auth.forbidden.units",
     "refused:units", "unit list", None),
    ("xem", lambda c, w: auth.add_user(c, _user(c, w), "evil", "admin", "evil-password"), "auth.forbidden.users",
     "refused:users", "accounts", None),
    (None, lambda c, w: auth.set_setting(c, None, "99", "amber_points", "1"), "auth.sign_in_needed",
     "refused:settings", "Sign in", None),
]


@pytest.mark.parametrize("who,attempt,key,action,says,never", REFUSED,
                         ids=[f"{r[3]}-{r[2].rsplit('.', 2)[-2]}-{r[0]}" for r in REFUSED])
def test_refused_write_is_logged_and_worded_for_its_action(accounts, who, attempt, key, action, says, never):
    reports = store.report_count(accounts)
    with pytest.raises(auth.Forbidden) as e:
        attempt(accounts, who)
    assert e.value.key == key
    english = e.value.render("en")
    assert says in english and (never is None or never not in english.lower()), english
    assert e.value.render("vi") != english
    row = store.audit_log(accounts).iloc[0]  # newest first: the refusal is the last line written
    assert row["action"] == action
    if who:
        assert (row["user_name"], row["source"]) == (who, "app")
    else:  # nobody signed in: logged without a name
        assert not isinstance(row["user_name"], str)
    assert json.loads(row["detail"])["reason"] == key
    assert list(store.audit_log(accounts)["action"]).count(action) == 1  # one line per refusal
    assert store.report_count(accounts) <= reports + 1  # only the admin's setup upload, if any


def test_refused_upload_names_the_file_and_the_communes_in_the_log(accounts):
    with pytest.raises(auth.Forbidden):
        _refuse_upload(accounts, "mot")
    row = store.audit_log(accounts).iloc[0]
    assert (row["action"], row["file_name"], row["target"]) == ("refused:upload", "mix.csv", "99")
    assert json.loads(row["detail"]) == {"reason": "auth.outside.upload", "role": "uploader", "communes": "90004",
                                         "count": 1}
    assert accounts.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0


# --- what an uploader sees of the upload log ---------------------------------------------------------------------


def test_uploader_sees_and_may_withdraw_only_uploads_of_its_communes(accounts):
    own = _admin_upload(accounts, [["2025-03-01", "90001", 10, 5]], "mot_901.csv")
    other = _admin_upload(accounts, [["2025-03-01", "90004", 10, 5]], "hai_902.csv")
    mixed = _admin_upload(accounts, [["2025-03-02", "90002", 10, 5], ["2025-03-02", "90005", 10, 5]], "ca_hai.csv")
    rejected = store.log_rejected(accounts, "mot_loi.csv", "x", 3, [], user="mot", source="app")
    history, units = store.uploads(accounts), store.upload_communes_all(accounts)
    mot = _user(accounts, "mot")
    assert set(auth.visible_uploads(mot, history, units)["upload_id"]) == {own, mixed, rejected}
    assert set(auth.withdrawable_uploads(mot, history, units)["upload_id"]) == {own}
    assert set(auth.visible_uploads(_user(accounts, "le"), history, units)["upload_id"]) == {other}
    assert len(auth.visible_uploads(_user(accounts, "boss"), history, units)) == 4
    assert auth.visible_uploads(mot, history.iloc[0:0], units).empty


def test_upload_page_withdraw_list_shows_an_uploader_only_its_own_units(db_path, monkeypatch, accounts):
    _admin_upload(accounts, [["2025-03-01", "90001", 10, 5]], "mot_901.csv")
    _admin_upload(accounts, [["2025-03-01", "90004", 10, 5]], "hai_902.csv")
    at = _app(db_path, monkeypatch)
    at.session_state["auth_user"] = "mot"
    at.run()
    at.switch_page("views/upload.py").run()
    assert not at.exception
    pick = at.selectbox(key="withdraw_pick")
    shown = list(pick.options)  # AppTest keeps the labels the page formatted
    assert len(shown) == 1 and "mot_901.csv" in shown[0]
    text = " ".join(" ".join(d.value.astype(str).to_numpy().ravel()) for d in at.dataframe)  # the upload log
    assert "mot_901.csv" in text and "hai_902.csv" not in text
