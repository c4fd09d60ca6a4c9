"""Who is signed in to the panel, and which pages each role gets.

The session token from :meth:`diagnostics.auth.AuthService.sign_in` is kept in the browser
session (``st.session_state``, server-side; never in the URL) and checked with
:meth:`~diagnostics.auth.AuthService.session_user` on every run of the app script, so an
expired, signed-out or deactivated session sends the person back to the sign-in page with
a message.  Pages read the checked user with :func:`page_user`, which also stops a page
whose permission the role lacks (the navigation only offers allowed pages; this is the
second fence, and the backend's :func:`diagnostics.auth.require` the third).

The functions that do not draw take the session mapping as an argument so they are
testable without a running app.

Demo accounts: with ``TELLTALE_DEMO_USERS=1`` and a database without any user,
:func:`ensure_demo_users` creates :data:`DEMO_ACCOUNTS` (documented in the README, shown
on the sign-in page).  They are for trying the panel on one machine, never for a real
deployment: their passwords are public.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

from ..auth import (
    DIAGNOSE,
    KB_IMPORT,
    KB_READ,
    METRICS_VIEW,
    ROLE_AGENT,
    ROLE_MANAGER,
    ROLE_REVIEWER,
    SAMPLES_VIEW,
    UNMAPPED_VIEW,
    USERS_MANAGE,
    User,
)
from ..errors import SessionExpired

log = logging.getLogger(__name__)

TOKEN_KEY = "tt_auth_token"
USER_KEY = "tt_auth_user"
NOTICE_KEY = "tt_auth_notice"

ROLE_LABELS = {ROLE_AGENT: "agent", ROLE_MANAGER: "knowledge manager", ROLE_REVIEWER: "reviewer"}

DEMO_ENV = "TELLTALE_DEMO_USERS"
DEMO_ACCOUNTS = (
    ("demo-manager", ROLE_MANAGER, "demo-manager-pw"),
    ("demo-agent", ROLE_AGENT, "demo-agent-pw"),
    ("demo-reviewer", ROLE_REVIEWER, "demo-reviewer-pw"),
)
"""``(user name, role, password)`` of the demo accounts; public (README), demo use only."""

FIRST_USER_COMMAND = ".venv/bin/python -m diagnostics user create --username admin --role manager"
"""The CLI command that creates the first knowledge manager (prompts for the password)."""


@dataclass(frozen=True)
class PageSpec:
    """One panel page.

    Attributes:
        path: the page script, relative to the repository root (where ``app.py`` is).
        title: navigation label.
        icon: Material icon shortcode.
        permission: the :mod:`diagnostics.auth` permission needed to see it.
        section: navigation group.
    """

    path: str
    title: str
    icon: str
    permission: str
    section: str


PAGES_DIR = "diagnostics/ui/pages"
SIGN_IN_PAGE = f"{PAGES_DIR}/signin.py"
PAGES: tuple[PageSpec, ...] = (
    PageSpec(f"{PAGES_DIR}/diagnose.py", "Diagnose", ":material/troubleshoot:", DIAGNOSE, "Cases"),
    PageSpec(f"{PAGES_DIR}/kb_entries.py", "Knowledge base", ":material/menu_book:", KB_READ, "Knowledge"),
    PageSpec(f"{PAGES_DIR}/kb_unmapped.py", "Unmapped codes", ":material/help_center:", UNMAPPED_VIEW, "Knowledge"),
    PageSpec(f"{PAGES_DIR}/kb_import.py", "Import and export", ":material/import_export:", KB_IMPORT, "Knowledge"),
    PageSpec(f"{PAGES_DIR}/kb_feedback.py", "Feedback metrics", ":material/monitoring:", METRICS_VIEW, "Review"),
    PageSpec(f"{PAGES_DIR}/demo.py", "Demo samples", ":material/photo_library:", SAMPLES_VIEW, "Review"),
    PageSpec(f"{PAGES_DIR}/users.py", "Users", ":material/group:", USERS_MANAGE, "Admin"),
)
"""Every page after sign-in, in navigation order; the first allowed one is the default."""


def pages_for(user: User | None) -> list[PageSpec]:
    """The pages ``user``'s role may open (none for nobody or a deactivated account)."""
    if user is None:
        return []
    return [p for p in PAGES if user.can(p.permission)]


def current_user(session: MutableMapping, auth) -> User | None:
    """The signed-in user, checked against the database on every call.

    Args:
        session: ``st.session_state`` (or any mapping in tests).
        auth: :class:`diagnostics.auth.AuthService`.

    Returns:
        The :class:`User`, also stored under :data:`USER_KEY`; ``None`` when nobody is
        signed in.  An expired or ended session is forgotten (every key of the browser
        session is dropped, so the next person sees nothing of it) and
        :data:`NOTICE_KEY` says why.

    Raises:
        KnowledgeBaseError: the database could not be read.
    """
    token = session.get(TOKEN_KEY)
    if not token:
        session.pop(USER_KEY, None)
        return None
    try:
        user = auth.session_user(token)
    except SessionExpired as exc:
        _forget(session)
        session[NOTICE_KEY] = exc.user_message
        return None
    session[USER_KEY] = user
    return user


def sign_in(session: MutableMapping, auth, username: str, password: str) -> User:
    """Check the password, open a session and keep its token.

    Raises:
        AuthenticationFailed: wrong name or password, or a deactivated account.
    """
    signed = auth.sign_in((username or "").strip(), password or "")
    _forget(session)
    session[TOKEN_KEY] = signed.token
    session[USER_KEY] = signed.user
    return signed.user


def sign_out(session: MutableMapping, auth) -> None:
    """End the session in the database and drop everything kept in the browser session."""
    token = session.get(TOKEN_KEY)
    try:
        if token:
            auth.sign_out(token)
    finally:
        _forget(session)
        session[NOTICE_KEY] = "You are signed out."


def _forget(session: MutableMapping) -> None:
    for key in list(session.keys()):
        try:
            del session[key]
        except KeyError:  # pragma: no cover - Streamlit may refuse to drop a widget key mid-run
            pass


def demo_enabled(env: Mapping[str, str]) -> bool:
    """True when ``TELLTALE_DEMO_USERS`` is ``1``/``true``/``yes``/``on``."""
    return (env.get(DEMO_ENV) or "").strip().lower() in ("1", "true", "yes", "on")


def ensure_demo_users(auth) -> list[str]:
    """Create :data:`DEMO_ACCOUNTS` when the database has no user at all.

    Returns:
        The user names created (empty when users existed already: a real first manager is
        never joined by public demo accounts).

    Raises:
        KnowledgeBaseError: the database could not be written.
    """
    if auth.has_users():
        return []
    manager = None
    made = []
    for name, role, password in DEMO_ACCOUNTS:
        user = auth.create_user(name, password, role, by=manager)
        if role == ROLE_MANAGER and manager is None:
            manager = user
        made.append(name)
    log.warning("created the public demo accounts %s (TELLTALE_DEMO_USERS is on)", ", ".join(made))
    return made


def demo_accounts_present(auth) -> list[tuple[str, str, str]]:
    """The :data:`DEMO_ACCOUNTS` that exist and are active in this database."""
    out = []
    for name, role, password in DEMO_ACCOUNTS:
        try:
            user = auth.get_user(name)
        except Exception:  # noqa: BLE001 - missing account (ValidationError) or database trouble
            continue
        if user.active:
            out.append((name, role, password))
    return out


# --------------------------------------------------------------------------- pages


def page_user(permission: str) -> User:
    """For a page script: the signed-in user, after checking ``permission``.

    Draws an error and stops the page (``st.stop()``) when nobody is signed in or the role
    lacks the permission, so a page opened by a stale link shows nothing it must not.
    """
    import streamlit as st

    user = st.session_state.get(USER_KEY)
    if not isinstance(user, User):
        st.error("Please sign in.", icon=":material/lock:")
        st.stop()
    if not user.can(permission):
        st.error(f"Your role ({ROLE_LABELS.get(user.role, user.role)}) cannot open this page.",
                 icon=":material/block:")
        st.stop()
    return user


def signed_in_user() -> User | None:
    """The user the app script checked on this run (``None`` when nobody is signed in)."""
    import streamlit as st

    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None
