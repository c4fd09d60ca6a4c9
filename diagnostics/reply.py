"""Draft replies to the customer, for an asynchronous channel (WhatsApp, Messenger, RCS).

The reply says what was read, gives the knowledge base's customer text for the top
suggestion, asks for the one detail that would decide when several products share a
code, and sets expectations: the next answer may take hours, so the customer should
include everything useful in one message.
"""

from __future__ import annotations

import re

from .schema import Diagnosis
from .telltales import light_name, parse_light_code

MAX_LIGHTS_IN_REPLY = 4
"""Most lights explained in one reply (the most urgent ones; the agent sees them all)."""

_T = {
    "en": {
        "hello": "Hi, thanks for sending this.",
        "read": "We can see the code {code} in your {what}.",
        "several": "This code means different things on different models. Could you send a photo of the model label (rating plate, usually inside the door or on the back)?",
        "unmapped": "We read the code {code}, but we need to check what it means for your model. Could you send a photo of the model label and tell us the make?",
        "nothing": "We could not read a code from what you sent. {ask}",
        "symptom": "From what you describe, this sounds like it could be a {title} problem. To be sure, could you send a photo of the display showing any code or flashing lights?",
        "async": "We'll reply here as soon as we can; it may take a few hours. If anything changes, just add it to this chat so the next agent has the full picture.",
        "lights": "In your {what} we can see {n} lights; here is what each one means, most urgent first.",
        "light": "Here is what we can see in your {what}:",
        "unmapped_light": "We can see the {name} in your {what}, but we need to check what it means for your model. Could you tell us the make and model?",
        "photo": "photo",
        "photos": "photos",
        "video": "video",
        "audio": "voice note",
        "message": "message",
        "media": "messages",
    },
    "es": {
        "hello": "Hola, gracias por enviarnos esto.",
        "read": "Vemos el código {code} en su {what}.",
        "several": "Este código significa cosas distintas según el modelo. ¿Podría enviarnos una foto de la etiqueta del modelo (placa de características, normalmente dentro de la puerta o en la parte trasera)?",
        "unmapped": "Hemos leído el código {code}, pero necesitamos comprobar qué significa en su modelo. ¿Podría enviarnos una foto de la etiqueta del modelo e indicarnos la marca?",
        "nothing": "No hemos podido leer un código en lo que nos envió. {ask}",
        "symptom": "Por lo que nos describe, podría tratarse de un problema de este tipo: {title}. Para confirmarlo, ¿podría enviarnos una foto de la pantalla con el código o las luces que parpadean?",
        "async": "Le responderemos aquí lo antes posible; puede tardar unas horas. Si algo cambia, añádalo a este chat para que el siguiente agente tenga toda la información.",
        "lights": "En su {what} vemos {n} luces; le explicamos qué significa cada una, de la más urgente a la menos.",
        "light": "Esto es lo que vemos en su {what}:",
        "unmapped_light": "Vemos una luz en su {what}, pero necesitamos comprobar qué significa en su modelo. ¿Podría indicarnos la marca y el modelo?",
        "photo": "foto",
        "photos": "fotos",
        "video": "vídeo",
        "audio": "nota de voz",
        "message": "mensaje",
        "media": "mensajes",
    },
}


def _what(diagnosis: Diagnosis, t: dict[str, str]) -> str:
    """What the customer sent, in words: "photo", "photos", "video", "voice note"..."""
    kinds = [m.kind for m in diagnosis.media]
    if not kinds:
        return t["message"]
    if len(set(kinds)) > 1:
        return t["media"]
    if kinds[0] == "image":
        return t["photo"] if len(kinds) == 1 else t["photos"]
    return t[kinds[0]]


_TO_CUSTOMER = (
    (re.compile(r"\bPlease ask the customer to ", re.I), "Could you please "),
    (re.compile(r"\bAsk the customer for ", re.I), "Could you send "),
    (re.compile(r"\bask the customer to ", re.I), ""),
    (re.compile(r"\bthe customer\b", re.I), "you"),
)


def _to_customer(text: str) -> str:
    """Agent-facing hints ("Please ask the customer to send ...") in words for the
    customer ("Could you please send ...")."""
    for pattern, repl in _TO_CUSTOMER:
        text = pattern.sub(repl, text)
    return text


def _lights_parts(diagnosis: Diagnosis, language: str, t: dict[str, str], what: str) -> list[str]:
    """Paragraphs for lit indicators: how many lights, then each light's customer text from
    the knowledge base, most urgent first (the suggestions are already in that order)."""
    seen: set[str] = set()
    bodies = []
    for s in diagnosis.suggestions:
        if not parse_light_code(s.candidate.code) or s.candidate.code in seen:
            continue
        seen.add(s.candidate.code)
        body = s.entry.reply_es if language == "es" and s.entry.reply_es else s.entry.reply_en
        bodies.append(body)
    n = len(bodies)
    intro = t["light"].format(what=what) if n == 1 else t["lights"].format(what=what, n=n)
    return [intro] + bodies[:MAX_LIGHTS_IN_REPLY]


def compose_reply(diagnosis: Diagnosis, language: str = "en") -> str:
    """Draft a customer reply.

    Args:
        diagnosis: the case result.
        language: ``"en"`` or ``"es"`` (other values fall back to English).

    Returns:
        Plain text (no markup), a few short paragraphs.
    """
    t = _T.get(language, _T["en"])
    what = _what(diagnosis, t)
    parts = [t["hello"]]
    if diagnosis.suggestions and "symptom search" in diagnosis.suggestions[0].candidate.engines:
        top = diagnosis.suggestions[0]
        parts.append(t["symptom"].format(title=top.entry.title.lower()))
    elif diagnosis.suggestions and parse_light_code(diagnosis.suggestions[0].candidate.code):
        parts += _lights_parts(diagnosis, language, t, what)
    elif diagnosis.suggestions:
        top = diagnosis.suggestions[0]
        parts.append(t["read"].format(code=top.candidate.code, what=what))
        body = top.entry.reply_es if language == "es" and top.entry.reply_es else top.entry.reply_en
        if top.deciding_detail:
            parts.append(t["several"])
        else:
            parts.append(body)
    elif diagnosis.unmapped and parse_light_code(diagnosis.unmapped[0].code):
        parts.append(t["unmapped_light"].format(name=light_name(diagnosis.unmapped[0].code), what=what))
    elif diagnosis.unmapped:
        parts.append(t["unmapped"].format(code=diagnosis.unmapped[0].code))
    else:
        ask = _to_customer(diagnosis.ask_customer)
        if language == "es" and ask:
            ask = "¿Podría enviarnos otra foto del display, de frente, de cerca y sin flash?"
        parts.append(t["nothing"].format(ask=ask).strip())
    parts.append(t["async"])
    return "\n\n".join(p for p in parts if p)
