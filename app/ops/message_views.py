"""What the exhibit renderer and the Rule 5.2 search are given for a message: the mail reader's view of it."""

from __future__ import annotations

from app.core.model import Item, ItemKind, MessageView
from app.sources.detect import OLE2_MAGIC
from app.sources.mail_view import view_message
from app.sources.outlook import view_msg


def message_view(item: Item, original: bytes) -> MessageView | None:
    """The message as its exhibit shows it, for a message item; None for any other kind."""
    if item.kind in (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE):
        return view_msg(original) if original.startswith(OLE2_MAGIC) else view_message(original)  # as intake decided
    return None
