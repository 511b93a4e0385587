"""A message as its exhibit shows it: decoded headers, the text part (or the HTML source), attachments.

The exhibit renderer and the Rule 5.2 search both read messages through
:func:`view_message`, so what counsel review is what the court sees. The
parser is the standard library's with its modern policy; a message it cannot
split at all is shown as raw text, never refused.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from email.message import EmailMessage

from app.core.model import MessageView


def view_message(original: bytes) -> MessageView:
    """The message's headers, body text and attachments, as its exhibit shows them."""
    try:
        message = email.message_from_bytes(original, policy=email.policy.default)
    except Exception:  # a message the parser cannot even split: show it raw
        message = None
    if not isinstance(message, EmailMessage):
        return MessageView(False, (), original.decode("utf-8", errors="backslashreplace"))
    return MessageView(True, _headers(message), _body(message), _attachments(message))


def _headers(message: EmailMessage) -> tuple[tuple[str, str], ...]:
    headers = []
    for name, raw in message.raw_items():
        try:
            value = str(message.policy.header_fetch_parse(name, raw))
        except Exception:  # a header the policy cannot parse
            value = ""
        headers.append((name, value))
    return tuple(headers)


def _body(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return "(no text body)"
    try:
        body = part.get_content()
    except Exception:  # unknown charset, broken transfer encoding
        payload = part.get_payload(decode=True)
        body = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    if not isinstance(body, str):
        body = str(body)
    if part.get_content_subtype() == "html":
        body = "(HTML part shown as source; nothing was loaded)\n" + body
    return body


def _attachments(message: EmailMessage) -> tuple[tuple[str, int, str], ...]:
    found = []
    try:
        for part in message.iter_attachments():
            payload = part.get_payload(decode=True) or b""
            data = payload if isinstance(payload, bytes) else b""
            found.append((str(part.get_filename() or ""), len(data), hashlib.sha256(data).hexdigest()))
    except Exception:  # listing is best effort; the original is in the bundle
        pass
    return tuple(found)
