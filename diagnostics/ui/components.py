"""Streamlit building blocks of the panel: run a case safely, show its evidence,
suggestions and the editable customer reply.

Everything that came from a customer (file names, typed text, text read from a photo)
is shown as plain text: either through :func:`md_escape` inside markdown or through
widgets that never interpret it (dataframes, text areas).  ``unsafe_allow_html`` is
never used.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence

import streamlit as st

from ..errors import DiagnosticsError
from ..schema import CodeCandidate, Diagnosis, KBEntry, MediaResult, Suggestion
from . import state
from ..telltales import COLOUR_RANK, light_name, parse_light_code, safe_to_drive
from .draw import crop_around, draw_evidence

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Telltale could not finish analysing this case because of an internal problem."
GENERIC_HINT = "Try again in a moment; if it keeps happening, answer the customer by hand and report the case."

FAMILY_LABELS = {
    "appliance": "Appliance",
    "printer": "Printer",
    "obd2": "Car (OBD-II DTC)",
    "windows_stop": "Windows stop code",
    "router": "Router / modem",
    "telltale": "Car tell-tale",
}
"""Display names of the code families of :data:`diagnostics.schema.FAMILIES`."""

SEVERITY_COLOURS = {"low": "green", "medium": "blue", "high": "orange", "critical": "red"}

ISSUE_LABELS = {
    "blur": "blurred",
    "glare": "glare on the display",
    "too_small": "display too small in the picture",
    "overexposed": "too bright",
    "underexposed": "too dark",
    "no_display": "no display found",
}
"""Plain words for the machine tags of :class:`diagnostics.schema.QualityReport`."""

NOUNS = {"image": "photo", "video": "video", "audio": "recording"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def md_escape(text: object) -> str:
    """Escape ``text`` so markdown shows it literally (no links, images, emphasis or
    HTML); newlines are kept as spaces.  Use for every customer-controlled string put
    inside ``st.markdown``."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def family_label(family: str) -> str:
    """Display name of a code family (the raw tag for unknown ones)."""
    return FAMILY_LABELS.get(family, family or "unknown")


# --------------------------------------------------------------------------- errors


def describe_failure(exc: BaseException) -> tuple[str, str]:
    """Turn any exception from a run into ``(message, hint)`` for the agent.

    :class:`DiagnosticsError` gives its own ``user_message`` and ``hint``; anything
    else is logged with its traceback and shown as :data:`GENERIC_FAILURE` (never the
    exception text, which may hold paths or internals).
    """
    if isinstance(exc, DiagnosticsError):
        return exc.user_message, exc.hint
    log.exception("unexpected failure in the panel", exc_info=exc)
    return GENERIC_FAILURE, GENERIC_HINT


def run_case(
    files: Sequence[tuple[str, bytes]],
    text: str,
    diagnose: Callable[..., Diagnosis],
    progress: Callable[[float, str], None] | None = None,
) -> state.Case:
    """Run ``diagnose(files, progress=..., text=...)`` and wrap the outcome in a
    :class:`state.Case`.  The one place where the panel catches failures: any
    exception becomes ``Case.error`` / ``Case.hint`` via :func:`describe_failure`.

    Args:
        files: ``(name, bytes)`` pairs.
        text: the customer's typed text ("" for none).
        diagnose: the analysis function (:func:`diagnostics.api.diagnose`).
        progress: ``progress(fraction in [0, 1], message)``.
    """
    key = state.case_key(files, text)
    names = [n for n, _ in files]
    t0 = time.perf_counter()
    try:
        diagnosis = diagnose(list(files), progress=progress, text=text)
    except Exception as exc:  # noqa: BLE001 - the single place failures become messages
        message, hint = describe_failure(exc)
        return state.Case(key, names, text, Diagnosis(), time.perf_counter() - t0, message, hint)
    return state.Case(key, names, text, diagnosis, time.perf_counter() - t0,
                      media_bytes=state.player_bytes(files, diagnosis))


# --------------------------------------------------------------------------- evidence


def _scope(e: KBEntry) -> str:
    return " · ".join(x for x in (e.brand, e.appliance) if x)


COLOUR_WORDS = {"RED": "red", "AMBER": "amber", "GREEN": "green", "BLUE": "blue", "WHITE": "white", "": "off"}
URGENCY_WORDS = {3: "stop safely now", 2: "service soon", 1: "information", 0: ""}
"""What a light's colour asks for (ISO 2575 / UN R121: red = danger, amber = warning,
green / blue / white = information); status lights that are off: by their entry."""
SAFE_WORDS = {"no": "not safe to drive", "with care": "drive with care", "yes": "safe to drive"}


def light_suggestions(d: Diagnosis) -> list[Suggestion]:
    """The suggestions that answer lit indicators (one per light code), most urgent first
    (the ranking's order: colour, then severity)."""
    seen: set[str] = set()
    out = []
    for s in d.suggestions:
        if parse_light_code(s.candidate.code) and s.candidate.code not in seen:
            seen.add(s.candidate.code)
            out.append(s)
    return out


def light_line(s: Suggestion, rank: int) -> str:
    """One line of the lights summary (markdown-escaped): ``"1. **Oil pressure warning** ·
    red · stop safely now · not safe to drive"``."""
    lc = parse_light_code(s.candidate.code)
    colour = lc.colour if lc else ""
    parts = [f"{rank}. **{md_escape(s.entry.title)}**", COLOUR_WORDS.get(colour, colour.lower())]
    urgency = URGENCY_WORDS.get(COLOUR_RANK.get(colour, 0), "")
    if lc and lc.kind == "telltale" and urgency:
        parts.append(urgency)
    safe = safe_to_drive(s.entry)
    if safe:
        parts.append(SAFE_WORDS[safe])
    return "  ·  ".join(parts)


def render_summary(case: state.Case) -> None:
    """The answer in one glance: the best code and what it means (every meaning when
    several products share the code, plus what decides), or what to ask for.  Lit
    indicators are listed together, most urgent first, with colour, urgency and whether
    the car is safe to drive."""
    d = case.diagnosis
    if case.error:
        st.error(case.error, icon=":material/error:")
        if case.hint:
            st.info(case.hint, icon=":material/lightbulb:")
        return
    lights = light_suggestions(d)
    if lights and d.suggestions and parse_light_code(d.suggestions[0].candidate.code):
        n = len(lights)
        body = (f"**{n} light{'s' if n > 1 else ''} found**, most urgent first:\n\n"
                + "\n".join(light_line(s, i) for i, s in enumerate(lights, 1)))
        top = parse_light_code(lights[0].candidate.code)
        others = len({s.candidate.code for s in d.suggestions}) - n
        if others > 0:
            body += f"\n\n+{others} other code{'s' if others > 1 else ''} in the suggestions below"
        show = st.error if top and top.colour == "RED" else st.warning if top and top.colour == "AMBER" else st.success
        show(body, icon=":material/emergency_home:" if top and top.colour == "RED" else ":material/lightbulb:")
    elif d.suggestions:
        top = d.suggestions[0]
        same = [s for s in d.suggestions if s.candidate.code == top.candidate.code]
        if len(same) == 1:
            body = (f"**{md_escape(top.candidate.code)}** — {md_escape(top.entry.title)}"
                    + (f"  ·  {md_escape(_scope(top.entry))}" if _scope(top.entry) else "")
                    + f"  ·  confidence {top.confidence:.2f}")
        else:
            body = (f"**{md_escape(top.candidate.code)}** has {len(same)} possible meanings:\n"
                    + "\n".join(f"- {md_escape(_scope(s.entry) or family_label(s.entry.family))}: "
                                 f"{md_escape(s.entry.title)} ({s.confidence:.2f})" for s in same))
        others = len(d.suggestions) - len(same)
        if others:
            body += f"\n\n+{others} other suggestion{'s' if others > 1 else ''} below"
        st.success(body, icon=":material/check_circle:")
        details = list(dict.fromkeys(s.deciding_detail for s in same if s.deciding_detail))
        for detail in details:
            st.info(f"**Several products use this code.** What decides: {md_escape(detail)}",
                    icon=":material/call_split:")
    elif d.unmapped:
        codes = ", ".join(md_escape(c.code) for c in d.unmapped)
        st.warning(f"Code read but **not in the knowledge base**: {codes}. No fix suggested.",
                   icon=":material/help:")
    else:
        st.info("No error code found.", icon=":material/search_off:")
    if d.ask_customer and not d.suggestions:
        st.info(f"**Ask the customer:** {md_escape(d.ask_customer)}", icon=":material/chat:")


KIND_LABELS = {"image": "Photo", "video": "Video", "audio": "Recording"}
"""Header word of each ``MediaResult.kind``."""


def media_header(m: MediaResult, index: int) -> str:
    """Header line of one file (markdown-escaped): ``"**Video 1: clip.mp4**  ·  1280×720 px
    ·  5.0 s long  ·  analysed in 8.7 s"``."""
    label = KIND_LABELS.get(m.kind, "File")
    parts = [f"**{label} {index + 1}: {md_escape(m.name or 'unnamed')}**"]
    if m.size[0] and m.kind != "audio":
        parts.append(f"{m.size[0]}×{m.size[1]} px")
    if m.kind in ("video", "audio") and m.duration_s:
        parts.append(f"{m.duration_s:.1f} s long")
        parts.append(f"analysed in {m.seconds:.1f} s")
    else:
        parts.append(f"{m.seconds:.1f} s")
    return "  ·  ".join(parts)


def render_media(m: MediaResult, index: int, data: bytes | None = None) -> None:
    """One file: a photo with read regions drawn, a video (player, key frames, timeline)
    or a recording (player, transcript, waveform), then its findings, quality issues,
    retake hint and file error.  ``data`` (the uploaded bytes) feeds the players."""
    with st.container(border=True):
        st.markdown(media_header(m, index))
        if m.error:
            st.error(m.error, icon=":material/broken_image:")
            if m.hint:
                st.info(m.hint, icon=":material/lightbulb:")
            return
        if m.kind in ("video", "audio"):
            from . import av

            try:
                (av.render_video if m.kind == "video" else av.render_audio)(m, data)
            except Exception as exc:  # noqa: BLE001 - a view must not hide the findings
                log.exception("could not draw %s evidence", m.kind, exc_info=exc)
                st.caption("The evidence view could not be drawn; the findings are below.")
                _render_findings(m)
            return
        left, right = st.columns([1, 1], gap="medium")
        lights = lights_of(m)
        codes = [c for c in m.candidates if not parse_light_code(c.code)]
        with left:
            if m.image is not None:
                caption = "Blue: text read on the display · Orange: error code"
                if lights:
                    caption += " · Lights: boxed in their own colour and named (thin box: seen, not a finding)"
                try:
                    st.image(draw_evidence(m.image, m.readings, codes, lights=lights), caption=caption, width="stretch")
                except ValueError:
                    st.caption("The photo could not be drawn.")
                best = max((c for c in codes if c.bbox is not None), key=lambda c: c.confidence, default=None)
                if best is not None:
                    try:
                        st.image(crop_around(m.image, best.bbox), caption=f"Close-up of {best.code}", width=360)
                    except ValueError:
                        pass
        with right:
            _render_findings(m)


def lights_of(m: MediaResult) -> list[dict]:
    """The ``{"kind": "light"}`` evidence items of a file (lit indicators), findings first,
    most urgent colour first."""
    lights = [e for e in (m.events or []) if isinstance(e, dict) and e.get("kind") == "light"]
    return sorted(lights, key=lambda e: (not e.get("reported"), -COLOUR_RANK.get(str(e.get("colour") or ""), 0),
                                         -float(e.get("confidence") or 0.0)))


def _render_lights(m: MediaResult) -> None:
    """Table of the lights of a photo (name, colour, state, whether it is a finding,
    confidence, the classifier's best guesses) and close-ups of the lights found."""
    lights = lights_of(m)
    if not lights:
        return
    st.markdown(f"**Lights ({len(lights)})**")
    st.dataframe(
        [
            {
                "Light": e.get("name", ""),
                "Colour": COLOUR_WORDS.get(str(e.get("colour") or ""), str(e.get("colour") or "")),
                "State": str(e.get("state", "")),
                "Finding": "yes" if e.get("reported") else "seen only",
                "Confidence": float(e.get("confidence") or 0.0),
                "Symbol classifier": ", ".join(f"{lab} {p:.2f}" for lab, p in (e.get("classifier") or [])[:3]),
                "Code": e.get("code", ""),
            }
            for e in lights
        ],
        hide_index=True,
        width="stretch",
        column_config={"Confidence": st.column_config.NumberColumn(format="%.2f")},
    )
    crops = [(e, e.get("crop")) for e in lights if e.get("reported") and e.get("crop") is not None][:6]
    if crops:
        cols = st.columns(len(crops))
        for col, (e, crop) in zip(cols, crops):
            try:
                col.image(crop, caption=str(e.get("name", "")), width="stretch")
            except Exception:  # noqa: BLE001 - a close-up is optional
                pass


def _render_findings(m: MediaResult) -> None:
    _render_lights(m)
    if m.candidates:
        st.markdown("**Codes found**")
        st.dataframe(
            [
                {
                    "Code": c.code,
                    "Type": family_label(c.family),
                    "Confidence": float(c.confidence),
                    "Read as": c.text_as_read,
                    "Engines": ", ".join(c.engines),
                    "Repairs": "; ".join(c.repairs),
                    **({"Where / when": c.source} if m.kind != "image" else {}),
                }
                for c in m.candidates
            ],
            hide_index=True,
            width="stretch",
            column_config={"Confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")},
        )
    else:
        st.markdown(f"**No error code found in this {NOUNS.get(m.kind, 'file')}.**")
    if m.readings:
        st.markdown("**Everything read on the display**")
        st.dataframe(
            [
                {"Text": r.text, "Confidence": float(r.confidence), "Kind": r.kind.replace("_", "-"),
                 "Engines": ", ".join(r.engines)}
                for r in m.readings
            ],
            hide_index=True,
            width="stretch",
            height=min(36 * (len(m.readings) + 1) + 2, 260),
            column_config={"Confidence": st.column_config.NumberColumn(format="%.2f")},
        )
    if m.rejected:
        st.caption("Held back as too unsure: " + ", ".join(md_escape(f"{c.code} ({c.confidence:.2f})")
                                                           for c in m.rejected))
    q = m.quality
    if q.issues:
        issues = ", ".join(ISSUE_LABELS.get(i, i) for i in q.issues)
        st.warning(f"{'Photo' if m.kind == 'image' else 'Picture'} quality: {md_escape(issues)}.",
                   icon=":material/photo_camera:")
    if q.retake_hint:
        st.info(f"**Retake hint:** {md_escape(q.retake_hint)}", icon=":material/photo_camera:")
    if m.notes:
        st.caption("Notes: " + " · ".join(md_escape(n) for n in m.notes))


# --------------------------------------------------------------------------- suggestions


def suggestion_label(s: Suggestion, rank: int) -> str:
    """Header of a suggestion card: ``"1. E21 — Drain blocked · Samsung · washer · 0.87"``
    (markdown-escaped)."""
    scope = _scope(s.entry)
    what = s.candidate.code
    if parse_light_code(what):  # a light: its name ("oil pressure (red)") reads better than its code
        what = light_name(what)
        what = what[:1].upper() + what[1:]
    return (f"**{rank}. {md_escape(what)} — {md_escape(s.entry.title)}**"
            + (f" · {md_escape(scope)}" if scope else "") + f" · {s.confidence:.2f}")


def render_suggestion(s: Suggestion, rank: int, *, expanded: bool = True, show_deciding: bool = True) -> None:
    """One ranked suggestion: title, scope, confidence, ordered steps, safety notes,
    severity, technician, why, source (and "not checked" when unverified), and what
    decides when several products share the code."""
    e: KBEntry = s.entry
    with st.expander(suggestion_label(s, rank), expanded=expanded):
        if e.model_scope:
            st.caption(f"Models: {md_escape(e.model_scope)}")
        badges = st.columns([1, 1, 1, 2])
        with badges[0]:
            st.badge(f"Confidence {s.confidence:.2f}", color="gray")
        with badges[1]:
            st.badge(f"Severity: {e.severity}", color=SEVERITY_COLOURS.get(e.severity, "gray"))
        with badges[2]:
            if e.technician:
                st.badge("Technician: yes", icon=":material/engineering:", color="orange")
            else:
                st.badge("Technician: no", icon=":material/home_repair_service:", color="green")
        with badges[3]:
            safe = safe_to_drive(e)
            if safe:
                st.badge(f"Safe to drive: {safe}", icon=":material/directions_car:",
                         color={"no": "red", "with care": "orange", "yes": "green"}[safe])
        if s.deciding_detail and show_deciding:
            st.caption(f"Several products use this code. What decides: {md_escape(s.deciding_detail)}")
        if e.meaning:
            st.markdown(f"**What it means:** {md_escape(e.meaning)}")
        if e.safety:
            st.error("**Safety:**\n" + "\n".join(f"- {md_escape(x)}" for x in e.safety), icon=":material/warning:")
        if e.steps:
            st.markdown("**Steps for the customer, in order:**\n" + "\n".join(
                f"{i}. {md_escape(step)}" for i, step in enumerate(e.steps, 1)))
        if e.causes:
            st.markdown("**Likely causes:** " + "; ".join(md_escape(c) for c in e.causes))
        if s.reasons:
            st.caption("Why: " + " · ".join(md_escape(r) for r in s.reasons))
        src = f"Source: {md_escape(e.source)}" if e.source else "Source: not recorded"
        if not e.verified:
            src += " · **not checked against a manufacturer's manual**"
        st.caption(src)


def render_unmapped(codes: Sequence[CodeCandidate]) -> None:
    """Codes read with confidence that the knowledge base does not know: listed, no fix."""
    if not codes:
        return
    st.markdown("##### Not in the knowledge base")
    for c in codes:
        where = f" in {md_escape(c.source)}" if c.source else ""
        st.warning(
            f"**{md_escape(c.code)}** ({family_label(c.family)}, confidence {c.confidence:.2f}){where}: "
            "not in the knowledge base. No fix is suggested; check the manufacturer's documentation "
            "or escalate.",
            icon=":material/help:",
        )


# --------------------------------------------------------------------------- reply


def compose(diagnosis: Diagnosis, language: str) -> str:
    """Draft reply from :func:`diagnostics.reply.compose_reply`; falls back to
    ``Diagnosis.reply`` (English) if the composer is missing or fails."""
    try:
        from ..reply import compose_reply

        return compose_reply(diagnosis, language=language)
    except Exception as exc:  # noqa: BLE001 - a missing draft must not break the page
        log.warning("reply composer failed: %s", exc)
        return diagnosis.reply


def render_reply(case: state.Case) -> None:
    """Editable reply for the customer (EN/ES).  The agent's edits are kept per case and
    language across reruns; a new diagnosis starts from a fresh draft."""
    st.markdown("#### Reply to the customer")
    language = st.segmented_control(
        "Language", options=["en", "es"], format_func={"en": "English", "es": "Español"}.get,
        default="en", key="reply_lang", selection_mode="single",
    ) or "en"
    widget_key = f"reply_text::{case.key}::{language}"
    if widget_key not in st.session_state:
        saved = state.reply_edit(st.session_state, case.key, language)
        st.session_state[widget_key] = saved if saved is not None else compose(case.diagnosis, language)

    def _keep() -> None:
        state.save_reply_edit(st.session_state, case.key, language, st.session_state[widget_key])

    st.text_area(
        "Draft (edit before sending)", key=widget_key, height=220, on_change=_keep,
        help="Written for an asynchronous channel: it tells the customer what to try and what to send back.",
    )
