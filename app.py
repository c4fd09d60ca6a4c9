"""Telltale panel: ``streamlit run app.py``.  Declares the pages; nothing else."""

import streamlit as st

st.set_page_config(page_title="Telltale", page_icon=":material/troubleshoot:", layout="wide")

st.navigation(
    [
        st.Page("diagnostics/ui/pages/diagnose.py", title="Diagnose", icon=":material/troubleshoot:", default=True),
        st.Page("diagnostics/ui/pages/knowledge.py", title="Knowledge base", icon=":material/menu_book:"),
        st.Page("diagnostics/ui/pages/demo.py", title="Demo samples", icon=":material/photo_library:"),
    ]
).run()
