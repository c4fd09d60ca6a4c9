"""Sign-in gate of the panel: only the sign-in page until someone signs in; pages offered
per role; the session token is checked on every run (expired -> back to sign-in with a
message); sign-out ends the session; first-run guidance and the demo accounts option."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import ACCOUNTS, PASSWORD
from streamlit.testing.v1 import AppTest
from ui_fakes import APP, REPO, texts

from diagnostics.ui import session

P = "diagnostics/ui/pages/"


def plain(markdown: str) -> str:
    """Markdown with its escapes removed (messages are escaped before drawing)."""
    return markdown.replace("\\", "")


def nav_pages(at: AppTest) -> set[str]:
    """Script paths (relative to the repo) that the app's st.navigation registered on the last run."""
    out = set()
    for info in at._registered_pages.values():  # AppTest keeps the navigation registry here
        path = info.get("script_path")
        if path:
            out.add(str(Path(path).resolve().relative_to(REPO)))
    return out


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="signin_username").set_value(username)
    at.text_input(key="signin_password").set_value(password)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, at.exception
    return at


def test_nobody_signed_in_gets_only_the_sign_in_page(app_as):
    at = app_as(None)
    assert at.title[0].value == "Sign in to Telltale"
    assert nav_pages(at) == {P + "signin.py"}
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(P + "diagnose.py")
    assert not at.sidebar.button, "no sign-out button before sign-in"


def test_wrong_password_is_refused_without_saying_which_part(app_as):
    at = _sign_in(app_as(None), ACCOUNTS["agent"], "not-the-password")
    assert [plain(e.value) for e in at.error] == ["The user name or password is not right."]
    at = _sign_in(at, "nobody-here", PASSWORD)
    assert [plain(e.value) for e in at.error] == ["The user name or password is not right."]
    assert at.title[0].value == "Sign in to Telltale"
    assert "tt_auth_token" not in at.session_state


@pytest.mark.parametrize("role, pages, first_title", [
    ("agent", {"diagnose.py", "kb_entries.py", "demo.py"}, "Diagnose a customer case"),
    ("reviewer", {"kb_entries.py", "kb_feedback.py", "demo.py"}, "Knowledge base"),
    ("manager", {"diagnose.py", "kb_entries.py", "kb_unmapped.py", "kb_import.py", "kb_feedback.py", "demo.py",
                 "users.py"}, "Diagnose a customer case"),
])
def test_sign_in_offers_the_pages_of_the_role(app_as, role, pages, first_title):
    at = _sign_in(app_as(None), ACCOUNTS[role], PASSWORD)
    assert at.title[0].value == first_title
    assert nav_pages(at) == {P + p for p in pages}
    who = at.sidebar.markdown[0].value.replace("\\", "")
    assert who == f"**{ACCOUNTS[role]}** · {session.ROLE_LABELS[role]}"


@pytest.mark.parametrize("role, forbidden", [
    ("agent", ["kb_unmapped.py", "kb_import.py", "kb_feedback.py", "users.py"]),
    ("reviewer", ["diagnose.py", "kb_unmapped.py", "kb_import.py", "users.py"]),
])
def test_roles_cannot_reach_other_pages(app_as, role, forbidden):
    at = app_as(role)
    for page in forbidden:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(P + page)


def test_expired_session_goes_back_to_sign_in_with_a_message(app_as, tokens, fake_backend):
    from diagnostics import api
    from diagnostics.knowledge.models import AuthSession

    at = app_as("agent")
    at.selectbox(key="sample_pick").set_value("washer_e21.png").run()
    at.button(key="run_diagnose").click().run()
    assert "Water does not drain" in at.success[0].value
    kb = api.get_knowledge_base()
    with kb.transaction("expire the sessions", write=True) as s:
        for row in s.query(AuthSession).all():
            row.expires_at = row.created_at - timedelta(seconds=1)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Sign in to Telltale"
    assert [plain(w.value) for w in at.warning] == ["Your session has expired. Please sign in again."]
    assert "tt_cases" not in at.session_state, "the expired session's cases are forgotten"
    assert "Water does not drain" not in texts(at)
    assert nav_pages(at) == {P + "signin.py"}


def test_sign_out_ends_the_session(app_as, tokens):
    from diagnostics import api
    from diagnostics.errors import SessionExpired

    at = app_as("manager")
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "Sign in to Telltale"
    assert [plain(w.value) for w in at.warning] == ["You are signed out."]
    with pytest.raises(SessionExpired):
        api.get_auth().session_user(tokens["manager"])


def test_deactivated_account_loses_its_session(app_as, tokens):
    from diagnostics import api

    at = app_as("agent")
    auth = api.get_auth()
    auth.set_active(auth.get_user(ACCOUNTS["manager"]), ACCOUNTS["agent"], False)
    at.run()
    assert at.title[0].value == "Sign in to Telltale"


def test_fresh_database_explains_how_to_make_the_first_account(monkeypatch, tmp_path):
    monkeypatch.setenv("TELLTALE_DATA_DIR", str(tmp_path / "fresh"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert "No account exists yet." in texts(at)
    assert [c.value for c in at.code] == [session.FIRST_USER_COMMAND]
    assert not at.warning, "no demo accounts unless asked for"


def test_demo_accounts_option(monkeypatch, tmp_path):
    monkeypatch.setenv("TELLTALE_DATA_DIR", str(tmp_path / "demo"))
    monkeypatch.setenv("TELLTALE_DEMO_USERS", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Demo accounts are on" in shown and "never use them on a real deployment" in shown
    for name, _role, password in session.DEMO_ACCOUNTS:
        assert f"`{name}` / `{password}`" in shown
    at = _sign_in(at, "demo-reviewer", "demo-reviewer-pw")
    assert at.title[0].value == "Knowledge base"


def test_demo_accounts_never_join_real_accounts(app_as, monkeypatch):
    """With users present (the template's), TELLTALE_DEMO_USERS creates nothing."""
    from diagnostics import api

    monkeypatch.setenv("TELLTALE_DEMO_USERS", "1")
    at = app_as(None)
    assert "Demo accounts are on" not in texts(at)
    assert session.ensure_demo_users(api.get_auth()) == []
    assert session.demo_accounts_present(api.get_auth()) == []


def test_pages_for_roles_without_streamlit():
    from diagnostics.auth import User

    titles = lambda role: [p.title for p in session.pages_for(User(1, "x", role))]  # noqa: E731
    assert titles("agent") == ["Diagnose", "Knowledge base", "Demo samples"]
    assert titles("reviewer") == ["Knowledge base", "Feedback metrics", "Demo samples"]
    assert titles("manager") == [p.title for p in session.PAGES]
    assert session.pages_for(User(1, "x", "manager", active=False)) == []
    assert session.pages_for(None) == []
