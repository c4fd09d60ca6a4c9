"""Sign-in: argon2 hashes, sessions that expire, roles and permissions, account rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kb_helpers import PASSWORD, ckb, settings, template_db, users  # noqa: F401  (fixtures)
from sqlalchemy import select

from diagnostics.auth import (
    DIAGNOSE,
    FEEDBACK_GIVE,
    KB_EDIT,
    KB_IMPORT,
    KB_READ,
    METRICS_VIEW,
    PERMISSIONS,
    USERS_MANAGE,
    AuthService,
    User,
    require,
)
from diagnostics.config import Settings
from diagnostics.errors import AuthenticationFailed, PermissionDenied, SessionExpired, ValidationError
from diagnostics.knowledge.models import AuthSession
from diagnostics.knowledge.models import User as UserRow
from diagnostics.knowledge.store import KnowledgeBase
from diagnostics.knowledge.models import utcnow


class Clock:
    """A settable UTC clock."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


def test_first_user_needs_no_sign_in_later_ones_need_a_manager(tmp_path):
    kb = KnowledgeBase.open(Settings(data_dir=tmp_path / "d"))
    try:
        auth = AuthService(kb)
        assert not auth.has_users()
        admin = auth.create_user("admin", "first-admin-pw", "manager")
        assert admin.role == "manager" and auth.has_users()
        with pytest.raises(PermissionDenied):
            auth.create_user("second", "second-pw-123", "agent")  # nobody signed in
        agent = auth.create_user("ag", "agent-pw-123", "agent", by=admin)
        with pytest.raises(PermissionDenied) as err:
            auth.create_user("third", "third-pw-123", "agent", by=agent)
        assert "agent cannot manage user accounts" in err.value.user_message
        assert [u.username for u in auth.list_users(admin)] == ["admin", "ag"]
    finally:
        kb.close()


def test_password_is_stored_as_argon2id_hash_only(ckb, users):
    with ckb.transaction() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == "km"))
        assert row.password_hash.startswith("$argon2id$")
        assert PASSWORD not in row.password_hash


def test_authenticate_right_wrong_unknown(ckb, users):
    auth = AuthService(ckb)
    assert auth.authenticate("KM", PASSWORD) == users["manager"]  # user names are case-insensitive
    with pytest.raises(AuthenticationFailed) as wrong:
        auth.authenticate("km", PASSWORD + "x")
    with pytest.raises(AuthenticationFailed) as unknown:
        auth.authenticate("nobody", PASSWORD)
    assert wrong.value.user_message == unknown.value.user_message  # does not say which one was wrong


def test_sessions_expire_and_sign_out(ckb, users):
    clock = Clock()
    auth = AuthService(ckb, session_ttl_s=3600, clock=clock)
    signed = auth.sign_in("ag", PASSWORD)
    assert signed.user.role == "agent" and len(signed.token) >= 40
    assert (signed.expires_at - clock.now) == timedelta(seconds=3600)
    assert auth.session_user(signed.token) == users["agent"]
    with ckb.transaction() as s:  # only a hash of the token is stored
        assert s.get(AuthSession, signed.token) is None
    clock.now += timedelta(seconds=3599)
    assert auth.session_user(signed.token).username == "ag"
    clock.now += timedelta(seconds=2)
    with pytest.raises(SessionExpired):
        auth.session_user(signed.token)
    other = auth.sign_in("km", PASSWORD)
    auth.sign_out(other.token)
    with pytest.raises(SessionExpired):
        auth.session_user(other.token)
    with pytest.raises(SessionExpired):
        auth.session_user("not-a-token")


def test_session_ttl_comes_from_settings(ckb):
    auth = AuthService.from_settings(ckb, Settings(session_ttl_s=120))
    signed = auth.sign_in("rv", PASSWORD)
    assert (signed.expires_at - utcnow()).total_seconds() == pytest.approx(120, abs=5)
    assert Settings.from_env({"TELLTALE_SESSION_TTL_S": "60"}).session_ttl_s == 60


def test_role_permissions():
    agent, manager, reviewer = (User(1, "a", "agent"), User(2, "m", "manager"), User(3, "r", "reviewer"))
    assert agent.permissions == {DIAGNOSE, FEEDBACK_GIVE, KB_READ, "samples.view"}
    assert manager.permissions == set(PERMISSIONS)
    assert reviewer.permissions == {KB_READ, METRICS_VIEW, "samples.view"}
    for u in (agent, reviewer):
        for perm in (KB_EDIT, KB_IMPORT, USERS_MANAGE):
            with pytest.raises(PermissionDenied) as err:
                require(u, perm)
            assert err.value.permission == perm and err.value.role == u.role
    with pytest.raises(PermissionDenied):
        require(reviewer, FEEDBACK_GIVE)
    with pytest.raises(PermissionDenied):
        require(None, KB_READ)
    assert require(manager, KB_EDIT) is manager
    assert not User(4, "x", "manager", active=False).can(KB_READ)


def test_deactivated_user_cannot_sign_in_and_loses_sessions(ckb, users):
    auth = AuthService(ckb)
    signed = auth.sign_in("ag", PASSWORD)
    auth.set_active(users["manager"], "ag", False)
    with pytest.raises(SessionExpired):
        auth.session_user(signed.token)
    with pytest.raises(AuthenticationFailed):
        auth.sign_in("ag", PASSWORD)
    auth.set_active(users["manager"], "ag", True)
    assert auth.sign_in("ag", PASSWORD).user.active


def test_role_change_ends_sessions_and_keeps_a_manager(ckb, users):
    auth = AuthService(ckb)
    signed = auth.sign_in("rv", PASSWORD)
    assert auth.set_role(users["manager"], "rv", "agent").role == "agent"
    with pytest.raises(SessionExpired):
        auth.session_user(signed.token)
    auth.set_role(users["manager"], "km2", "reviewer")
    with pytest.raises(ValidationError) as err:
        auth.set_role(users["manager"], "km", "agent")  # km is now the only manager
    assert "last active knowledge manager" in err.value.user_message
    with pytest.raises(PermissionDenied):
        auth.set_role(users["agent"], "ag", "manager")  # no promoting yourself


def test_account_input_is_checked(ckb, users):
    auth = AuthService(ckb)
    km = users["manager"]
    for name, pw, role, field in [("a", "long-enough", "agent", "username"), ("bad name", "long-enough", "agent", "username"),
                                  ("ok.name", "short", "agent", "password"), ("ok.name", "long-enough", "admin", "role"),
                                  ("KM", "long-enough", "agent", "username")]:
        with pytest.raises(ValidationError) as err:
            auth.create_user(name, pw, role, by=km)
        assert err.value.detail == field, (name, pw, role)


def test_password_change_self_or_manager(ckb, users):
    auth = AuthService(ckb)
    auth.set_password(users["agent"], "ag", "a-new-password")
    assert auth.authenticate("ag", "a-new-password").username == "ag"
    with pytest.raises(PermissionDenied):
        auth.set_password(users["agent"], "rv", "hijacked-pw")
    auth.set_password(users["manager"], "rv", "reset-by-km")
    assert auth.authenticate("rv", "reset-by-km").role == "reviewer"
