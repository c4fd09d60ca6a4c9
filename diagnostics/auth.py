"""Sign-in, roles and permissions for the panel and the CLI.

Roles (the issue's three kinds of user):

``agent``     diagnose customer media and mark suggestions (used / edited / wrong);
``manager``   knowledge manager: everything an agent can do, plus curate the knowledge base
              (edit, create, duplicate, retire, restore, import, "try it"), the unmapped
              queue, metrics and user accounts;
``reviewer``  read-only: samples, results, metrics and knowledge-base entries.

Passwords are hashed with argon2id (``argon2-cffi``'s :class:`argon2.PasswordHasher`, its
RFC 9106 low-memory default parameters); only the PHC string is stored.  Sessions are
server-side rows keyed by the SHA-256 of a random 256-bit token (``secrets.token_urlsafe``),
expiring ``Settings.session_ttl_s`` seconds after sign-in.  The first user is created with
``python -m diagnostics user create`` (no sign-in needed while the users table is empty);
later users need a manager.

Every function that changes the knowledge base takes the acting :class:`User` and calls
:func:`require`, which raises :class:`~diagnostics.errors.PermissionDenied`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select

from .errors import AuthenticationFailed, PermissionDenied, SessionExpired, ValidationError
from .knowledge.models import AuthSession, User as UserRow, utcnow

ROLE_AGENT = "agent"
ROLE_MANAGER = "manager"
ROLE_REVIEWER = "reviewer"
ROLES = (ROLE_AGENT, ROLE_MANAGER, ROLE_REVIEWER)

# Permissions (strings so the panel can ask ``user.can("kb.edit")``).
DIAGNOSE = "diagnose"              # run a diagnosis on customer media
FEEDBACK_GIVE = "feedback.give"    # mark suggestions used / edited / wrong, keep media
KB_READ = "kb.read"                # browse, search, open entries, history, export
KB_EDIT = "kb.edit"                # create, update, duplicate, retire, restore, restore a version, try it
KB_IMPORT = "kb.import"            # bulk import (dry run and apply)
UNMAPPED_VIEW = "unmapped.view"    # the unmapped-codes queue and its thumbnails
METRICS_VIEW = "metrics.view"      # per-entry feedback figures, most-rejected list
SAMPLES_VIEW = "samples.view"      # demo samples and their results
USERS_MANAGE = "users.manage"      # create users, change roles, deactivate

PERMISSIONS = (DIAGNOSE, FEEDBACK_GIVE, KB_READ, KB_EDIT, KB_IMPORT, UNMAPPED_VIEW, METRICS_VIEW, SAMPLES_VIEW,
               USERS_MANAGE)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    ROLE_AGENT: frozenset({DIAGNOSE, FEEDBACK_GIVE, KB_READ, SAMPLES_VIEW}),
    ROLE_REVIEWER: frozenset({KB_READ, METRICS_VIEW, SAMPLES_VIEW}),
    ROLE_MANAGER: frozenset(PERMISSIONS),
}
"""Role -> permissions.  Our own table, from the issue's role descriptions."""

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD_LEN = 8
_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)


@dataclass(frozen=True)
class User:
    """A signed-in (or looked-up) user, detached from the database.

    Attributes:
        id: database id.
        username: unique sign-in name; written into history rows as ``changed_by``.
        role: one of :data:`ROLES`.
        active: False for a deactivated account (cannot sign in).
    """

    id: int
    username: str
    role: str
    active: bool = True

    def can(self, permission: str) -> bool:
        """True when this user's role grants ``permission`` (one of :data:`PERMISSIONS`)."""
        return self.active and permission in ROLE_PERMISSIONS.get(self.role, frozenset())

    @property
    def permissions(self) -> frozenset[str]:
        """Every permission the role grants (empty for a deactivated account)."""
        return ROLE_PERMISSIONS.get(self.role, frozenset()) if self.active else frozenset()


@dataclass(frozen=True)
class SignedIn:
    """A new session.

    Attributes:
        token: the session token to keep in the browser session / CLI memory (43 URL-safe
            characters); never stored in the database (only its SHA-256).
        user: who signed in.
        expires_at: timezone-aware UTC expiry.
    """

    token: str
    user: User
    expires_at: datetime


def require(user: User | None, permission: str) -> User:
    """Check that ``user`` may do ``permission``.

    Args:
        user: the acting user (``None`` = nobody signed in).
        permission: one of :data:`PERMISSIONS`.

    Returns:
        ``user`` (so callers can write ``actor = require(user, KB_EDIT)``).

    Raises:
        PermissionDenied: no user, a deactivated user, or a role without the permission;
            the message names the role and what it may not do.
    """
    if user is None:
        raise PermissionDenied("Please sign in first.", permission=permission)
    if not isinstance(user, User):
        raise PermissionDenied("Unknown user object; sign in again.", permission=permission)
    if not user.can(permission):
        what = _PERMISSION_WORDS.get(permission, permission)
        raise PermissionDenied(f"A{'n' if user.role[:1] in 'aeiou' else ''} {user.role} cannot {what}. "
                               "Ask a knowledge manager.", permission=permission, role=user.role)
    return user


_PERMISSION_WORDS = {
    DIAGNOSE: "run diagnoses",
    FEEDBACK_GIVE: "give feedback on suggestions",
    KB_READ: "read the knowledge base",
    KB_EDIT: "change the knowledge base",
    KB_IMPORT: "import into the knowledge base",
    UNMAPPED_VIEW: "see the unmapped-codes queue",
    METRICS_VIEW: "see feedback metrics",
    SAMPLES_VIEW: "see the samples",
    USERS_MANAGE: "manage user accounts",
}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


def _to_user(row: UserRow) -> User:
    return User(id=row.id, username=row.username, role=row.role, active=bool(row.active))


class AuthService:
    """Users and sessions, stored in the knowledge-base database.

    Args:
        kb: an open :class:`diagnostics.knowledge.store.KnowledgeBase` (its engine and
            transactions are used; the tables come from migration ``0002_curation``).
        session_ttl_s: session lifetime in seconds, from sign-in (``Settings.session_ttl_s``).
        clock: ``() -> aware UTC datetime``; tests pass a fake clock to expire sessions.

    All methods raise :class:`~diagnostics.errors.KnowledgeBaseError` when the database fails.
    """

    def __init__(self, kb, *, session_ttl_s: int = 8 * 3600, clock=utcnow):
        if session_ttl_s <= 0:
            raise ValidationError("session_ttl_s: a session must last at least one second.", detail="session_ttl_s")
        self.kb = kb
        self.session_ttl_s = int(session_ttl_s)
        self._clock = clock

    @classmethod
    def from_settings(cls, kb, settings) -> "AuthService":
        """Service with ``settings.session_ttl_s`` (see :class:`diagnostics.config.Settings`)."""
        return cls(kb, session_ttl_s=settings.session_ttl_s)

    # ------------------------------------------------------------------ users
    def has_users(self) -> bool:
        """True once any user exists (the CLI's first-admin bootstrap is then closed)."""
        with self.kb.transaction("be read") as s:
            return bool(s.scalar(select(func.count()).select_from(UserRow)))

    def create_user(self, username: str, password: str, role: str, *, by: User | None = None) -> User:
        """Create an account.

        Args:
            username: 2-64 characters, letters, digits and ``. _ @ -``, starting with a letter
                or digit; compared case-insensitively for uniqueness.
            password: at least :data:`MIN_PASSWORD_LEN` characters; stored only as an argon2id hash.
            role: one of :data:`ROLES`.
            by: the manager creating it; may be ``None`` only while no user exists (the first
                admin, created from the CLI).

        Returns:
            The new :class:`User`.

        Raises:
            PermissionDenied: ``by`` is missing (and users exist) or is not a manager.
            ValidationError: bad user name, short password, unknown role, or the name is taken
                (``detail`` names the field).
        """
        username = (username or "").strip()
        if not USERNAME_RE.match(username):
            raise ValidationError("username: use 2-64 letters, digits or . _ @ - (starting with a letter or digit).",
                                  detail="username")
        if role not in ROLES:
            raise ValidationError(f"role: '{role}' is not one of {', '.join(ROLES)}.", detail="role")
        _check_password(password)
        with self.kb.transaction("create the user", write=True) as s:
            n_users = s.scalar(select(func.count()).select_from(UserRow)) or 0
            if n_users or by is not None:
                require(by, USERS_MANAGE)
            taken = s.scalar(select(UserRow.id).where(func.lower(UserRow.username) == username.lower()))
            if taken is not None:
                raise ValidationError(f"username: '{username}' is already taken.", detail="username")
            row = UserRow(username=username, password_hash=_HASHER.hash(password), role=role, active=True,
                          created_at=self._clock(), created_by=by.username if by else "cli-bootstrap")
            s.add(row)
            s.flush()
            return _to_user(row)

    def get_user(self, username: str) -> User:
        """The account with this user name (case-insensitive).

        Raises:
            ValidationError: no such user.
        """
        with self.kb.transaction("be read") as s:
            row = s.scalar(select(UserRow).where(func.lower(UserRow.username) == (username or "").strip().lower()))
            if row is None:
                raise ValidationError(f"username: there is no user '{username}'.", detail="username")
            return _to_user(row)

    def list_users(self, by: User) -> list[User]:
        """Every account, by user name.

        Raises:
            PermissionDenied: ``by`` is not a manager.
        """
        require(by, USERS_MANAGE)
        with self.kb.transaction("be read") as s:
            return [_to_user(r) for r in s.scalars(select(UserRow).order_by(func.lower(UserRow.username)))]

    def set_role(self, by: User, username: str, role: str) -> User:
        """Change an account's role; its open sessions end (it signs in again with the new role).

        Raises:
            PermissionDenied: ``by`` is not a manager.
            ValidationError: unknown user or role, or the last active manager would be demoted.
        """
        require(by, USERS_MANAGE)
        if role not in ROLES:
            raise ValidationError(f"role: '{role}' is not one of {', '.join(ROLES)}.", detail="role")
        with self.kb.transaction("change the role", write=True) as s:
            row = self._row(s, username)
            if row.role == ROLE_MANAGER and role != ROLE_MANAGER:
                self._keep_a_manager(s, row.id)
            row.role = role
            s.execute(delete(AuthSession).where(AuthSession.user_id == row.id))
            return _to_user(row)

    def set_active(self, by: User, username: str, active: bool) -> User:
        """Deactivate (``active=False``, sessions end, cannot sign in) or reactivate an account.

        Raises:
            PermissionDenied: ``by`` is not a manager.
            ValidationError: unknown user, or the last active manager would be deactivated.
        """
        require(by, USERS_MANAGE)
        with self.kb.transaction("change the account", write=True) as s:
            row = self._row(s, username)
            if not active and row.role == ROLE_MANAGER:
                self._keep_a_manager(s, row.id)
            row.active = bool(active)
            if not active:
                s.execute(delete(AuthSession).where(AuthSession.user_id == row.id))
            return _to_user(row)

    def set_password(self, by: User, username: str, new_password: str) -> None:
        """Set a password (a manager for anyone, any user for themself); that user's sessions end.

        Raises:
            PermissionDenied: someone else's password, and ``by`` is not a manager.
            ValidationError: unknown user or a password shorter than :data:`MIN_PASSWORD_LEN`.
        """
        if by is None or by.username.lower() != (username or "").strip().lower():
            require(by, USERS_MANAGE)
        _check_password(new_password)
        with self.kb.transaction("change the password", write=True) as s:
            row = self._row(s, username)
            row.password_hash = _HASHER.hash(new_password)
            s.execute(delete(AuthSession).where(AuthSession.user_id == row.id))

    # ------------------------------------------------------------------ sign-in
    def authenticate(self, username: str, password: str) -> User:
        """Check a user name and password (no session is made; the CLI uses this).

        Returns:
            The :class:`User`.

        Raises:
            AuthenticationFailed: unknown user, wrong password or deactivated account (one
                message for all three, and the same argon2 work either way).
        """
        with self.kb.transaction("check the password", write=True) as s:
            row = s.scalar(select(UserRow).where(func.lower(UserRow.username) == (username or "").strip().lower()))
            stored = row.password_hash if row is not None else _dummy_hash()
            try:
                _HASHER.verify(stored, password or "")
                ok = row is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if not ok or not row.active:
                raise AuthenticationFailed()
            if _HASHER.check_needs_rehash(row.password_hash):
                row.password_hash = _HASHER.hash(password)
            row.last_sign_in = self._clock()
            return _to_user(row)

    def sign_in(self, username: str, password: str) -> SignedIn:
        """Authenticate and open a session that expires ``session_ttl_s`` seconds from now.

        Raises:
            AuthenticationFailed: as :meth:`authenticate`.
        """
        user = self.authenticate(username, password)
        token = secrets.token_urlsafe(32)
        now = self._clock()
        expires = now + timedelta(seconds=self.session_ttl_s)
        with self.kb.transaction("open the session", write=True) as s:
            s.execute(delete(AuthSession).where(AuthSession.expires_at <= now))  # tidy expired ones
            s.add(AuthSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, expires_at=expires))
        return SignedIn(token=token, user=user, expires_at=expires)

    def session_user(self, token: str) -> User:
        """The user of a live session.

        Raises:
            SessionExpired: unknown or signed-out token, past its expiry, or the account was
                deactivated since.
        """
        if not token:
            raise SessionExpired("Please sign in.")
        with self.kb.transaction("check the session") as s:
            sess = s.get(AuthSession, _token_hash(token))
            if sess is None:
                raise SessionExpired()
            if _aware(sess.expires_at) <= self._clock():
                raise SessionExpired()
            row = s.get(UserRow, sess.user_id)
            if row is None or not row.active:
                raise SessionExpired()
            return _to_user(row)

    def sign_out(self, token: str) -> None:
        """End a session (no error if it is already gone)."""
        if not token:
            return
        with self.kb.transaction("close the session", write=True) as s:
            s.execute(delete(AuthSession).where(AuthSession.token_hash == _token_hash(token)))

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _row(s, username: str) -> UserRow:
        row = s.scalar(select(UserRow).where(func.lower(UserRow.username) == (username or "").strip().lower()))
        if row is None:
            raise ValidationError(f"username: there is no user '{username}'.", detail="username")
        return row

    @staticmethod
    def _keep_a_manager(s, leaving_id: int) -> None:
        others = s.scalar(select(func.count()).select_from(UserRow).where(
            UserRow.role == ROLE_MANAGER, UserRow.active.is_(True), UserRow.id != leaving_id)) or 0
        if not others:
            raise ValidationError("role: this is the last active knowledge manager; make another one first.",
                                  detail="role")


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LEN:
        raise ValidationError(f"password: use at least {MIN_PASSWORD_LEN} characters.", detail="password")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash verified for unknown users, so they cost the same argon2 work as a real one."""
    return _HASHER.hash("telltale-timing-equaliser")
