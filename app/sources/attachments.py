"""The bytes of a message's attachments, for hashing or a safe export; never opened, never run.

Only the parts a mail client would offer as attachments are returned. The
caller decides what to do with them: the one place that writes them to
disk (app.ops.attachments) names each file by its SHA-256 with a ``.bin``
extension and mode 0600, so no attachment can ever be started by a
double-click or run as a program.
"""

from __future__ import annotations

import email
from email import policy

from app.sources.detect import OLE2_MAGIC
from app.sources.mime_recover import declared_file_count, flat_named_parts
from app.sources.outlook import msg_attachment_payloads

MAX_PARTS = 200


def attachment_payloads(data: bytes) -> list[tuple[str, bytes]]:
    """(declared name, decoded bytes) of each attachment in an .eml / mbox message or an Outlook .msg."""
    if data.startswith(OLE2_MAGIC):
        return msg_attachment_payloads(data)
    try:
        message = email.message_from_bytes(data, policy=policy.compat32)
    except Exception:
        return []
    result: list[tuple[str, bytes]] = []
    for part in message.walk():
        if part.is_multipart() or len(result) >= MAX_PARTS:
            continue
        try:
            name = part.get_filename() or ""
            disposition = part.get_content_disposition()
            content_type = part.get_content_type()
            if content_type in ("text/plain", "text/html") and disposition != "attachment" and not name:
                continue
            payload = part.get_payload(decode=True)
        except Exception:
            continue
        if isinstance(payload, bytes):
            result.append((str(name), payload))
    if declared_file_count(data) > len(result):  # a broken MIME tree hid some: cut the body flat
        known = {payload for _, payload in result}
        for part in flat_named_parts(data):
            try:
                payload = part.get_payload(decode=True)
                name = part.get_filename() or ""
            except Exception:
                continue
            if isinstance(payload, bytes) and payload and payload not in known:
                known.add(payload)
                result.append((str(name), payload))
    return result[:MAX_PARTS]
