"""User accounts (knowledge managers): list, create, change role, deactivate or reactivate,
set a password.  The first account of a fresh database is made on the command line
(``python -m diagnostics user create``); every later one can be made here."""

from __future__ import annotations

import streamlit as st

from diagnostics import api
from diagnostics.auth import MIN_PASSWORD_LEN, ROLES, USERS_MANAGE
from diagnostics.errors import DiagnosticsError
from diagnostics.ui import components as ui
from diagnostics.ui import session

user = session.page_user(USERS_MANAGE)
auth = api.get_auth()
state = st.session_state

st.title("Users")
note = state.pop("users_flash", None)
if note:
    getattr(st, note[0])(ui.md_escape(note[1]))

try:
    people = auth.list_users(user)
except DiagnosticsError as exc:
    st.error(ui.md_escape(exc.user_message))
    st.stop()

st.dataframe([{"User name": u.username, "Role": session.ROLE_LABELS.get(u.role, u.role),
               "Active": "yes" if u.active else "no"} for u in people], hide_index=True, width="stretch")


def _do(fn, success: str) -> None:
    try:
        fn()
    except DiagnosticsError as exc:
        state["users_flash"] = ("error", exc.user_message)
    else:
        state["users_flash"] = ("success", success)


c1, c2 = st.columns(2, gap="large")
with c1:
    st.subheader("New account")
    with st.form("users_create", clear_on_submit=True):
        name = st.text_input("User name", key="users_new_name")
        role = st.selectbox("Role", options=list(ROLES), key="users_new_role",
                            format_func=lambda r: session.ROLE_LABELS.get(r, r))
        pw = st.text_input(f"Password (at least {MIN_PASSWORD_LEN} characters)", type="password", key="users_new_pw")
        pw2 = st.text_input("Password again", type="password", key="users_new_pw2")
        if st.form_submit_button("Create account", type="primary", icon=":material/person_add:"):
            if pw != pw2:
                state["users_flash"] = ("error", "The two passwords differ; nothing was created.")
            else:
                _do(lambda: auth.create_user(name, pw, role, by=user), f"Created {role} '{name.strip()}'.")
            st.rerun()
with c2:
    st.subheader("Change an account")
    target = st.selectbox("Account", options=[u.username for u in people], key="users_target")
    current = next((u for u in people if u.username == target), None)
    if current is not None:
        new_role = st.selectbox("Role", options=list(ROLES), index=list(ROLES).index(current.role),
                                key=f"users_role_{current.username}",
                                format_func=lambda r: session.ROLE_LABELS.get(r, r))
        b1, b2 = st.columns(2)
        if b1.button("Change role", key="users_set_role", disabled=new_role == current.role):
            _do(lambda: auth.set_role(user, current.username, new_role),
                f"{current.username} is now a {session.ROLE_LABELS.get(new_role, new_role)} (signed out everywhere).")
            st.rerun()
        if b2.button("Deactivate" if current.active else "Reactivate", key="users_set_active"):
            _do(lambda: auth.set_active(user, current.username, not current.active),
                f"{current.username} {'deactivated' if current.active else 'reactivated'}.")
            st.rerun()
        with st.form("users_password", clear_on_submit=True):
            npw = st.text_input(f"New password for {ui.md_escape(current.username)}", type="password",
                                key="users_set_pw")
            if st.form_submit_button("Set password"):
                _do(lambda: auth.set_password(user, current.username, npw),
                    f"Password of {current.username} changed (signed out everywhere).")
                st.rerun()
