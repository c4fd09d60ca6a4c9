"""Sign-in page: the only page shown until someone signs in.

Says why the person is here (session expired, signed out), how to create the first
account on a fresh database (the CLI; there is no sign-up in the panel), and lists the
public demo accounts when ``TELLTALE_DEMO_USERS`` is on."""

from __future__ import annotations

import os

import streamlit as st

from diagnostics import api
from diagnostics.errors import DiagnosticsError
from diagnostics.ui import components as ui
from diagnostics.ui import session

_, middle, _ = st.columns([1, 2, 1])
with middle:
    st.title("Sign in to Telltale")

    notice = st.session_state.pop(session.NOTICE_KEY, None)
    if notice:
        st.warning(ui.md_escape(notice), icon=":material/schedule:")

    auth = api.get_auth()
    try:
        has_users = auth.has_users()
    except DiagnosticsError as exc:
        st.error(exc.user_message, icon=":material/error:")
        st.stop()

    if not has_users:
        st.info(
            "**No account exists yet.** Accounts are made by a knowledge manager; the first one is made on the "
            "server's command line (it asks for the password twice):",
            icon=":material/person_add:",
        )
        st.code(session.FIRST_USER_COMMAND, language="bash")
        st.caption("To try the panel on one machine instead, start it with demo accounts: "
                   "`TELLTALE_DEMO_USERS=1 bash scripts/run_panel.sh` (see the README).")

    with st.form("sign_in_form", clear_on_submit=False):
        username = st.text_input("User name", key="signin_username", autocomplete="username")
        password = st.text_input("Password", key="signin_password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")

    if submitted:
        try:
            session.sign_in(st.session_state, auth, username, password)
        except DiagnosticsError as exc:
            st.error(ui.md_escape(exc.user_message), icon=":material/error:")
            if exc.hint:
                st.caption(ui.md_escape(exc.hint))
        else:
            st.rerun()

    if session.demo_enabled(os.environ):
        demo = session.demo_accounts_present(auth)
        if demo:
            st.warning(
                "**Demo accounts are on** (`TELLTALE_DEMO_USERS=1`). Their passwords are public: never use them on a "
                "real deployment.\n\n" + "\n".join(f"- {session.ROLE_LABELS[role]}: `{name}` / `{pw}`"
                                                     for name, role, pw in demo),
                icon=":material/science:",
            )

    st.caption("Roles: an **agent** diagnoses cases and marks suggestions; a **knowledge manager** also edits the "
               "knowledge base; a **reviewer** reads samples, results and metrics. Sessions end after "
               f"{api.get_auth().session_ttl_s / 3600:g} h.")
