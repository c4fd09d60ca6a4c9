"""Telltale panel: ``streamlit run app.py``.

Checks who is signed in on every run (an expired session goes back to the sign-in page
with a message) and offers only the pages that person's role allows
(:data:`diagnostics.ui.session.PAGES`)."""

import os

import streamlit as st

from diagnostics import api
from diagnostics.config import Settings
from diagnostics.ui import components as ui
from diagnostics.ui import session

st.set_page_config(page_title="Telltale", page_icon=":material/troubleshoot:", layout="wide")


@st.cache_resource(show_spinner=False)
def _demo_users_once(enabled: bool, database_url: str) -> None:
    """With TELLTALE_DEMO_USERS=1, create the public demo accounts on a database without users
    (once per process and database)."""
    if enabled:
        session.ensure_demo_users(api.get_auth())


try:
    _demo_users_once(session.demo_enabled(os.environ), Settings.from_env().database_url)
    user = session.current_user(st.session_state, api.get_auth())
except Exception as exc:  # noqa: BLE001 - the database is down: say so instead of a traceback
    message, hint = ui.describe_failure(exc)
    st.error(message, icon=":material/error:")
    if hint:
        st.info(hint)
    st.stop()

if user is None:
    st.navigation([st.Page(session.SIGN_IN_PAGE, title="Sign in", icon=":material/login:", default=True)],
                  position="hidden").run()
else:
    sections: dict[str, list] = {}
    for i, p in enumerate(session.pages_for(user)):
        sections.setdefault(p.section, []).append(st.Page(p.path, title=p.title, icon=p.icon, default=i == 0))
    with st.sidebar:
        st.markdown(f"**{ui.md_escape(user.username)}** · {session.ROLE_LABELS.get(user.role, user.role)}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            session.sign_out(st.session_state, api.get_auth())
            st.rerun()
    st.navigation(sections).run()
