"""Characters that change what text looks like without showing themselves, made visible.

Spam uses right-to-left overrides to turn ``exe.pdf`` into ``fdp.exe`` on
screen, zero-width spaces to split words past filters, and soft hyphens or
fillers to hide them. A declaration must quote what was sent, so every
such character is shown as a marker like ``⟦U+202E⟧`` in headers and bodies.
"""

from __future__ import annotations

import re

_EXTRA = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x2800, 0x3164, 0xFFA0, 0xFFFC}
_KEEP = {"\n", "\t"}



def marker(char: str) -> str:
    return f"\u27e6U+{ord(char):04X}\u27e7"


_CANDIDATES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffc\U000e0000-\U000e007f]"
)


def reveal_invisible(text: str) -> str:
    """The text with every invisible or direction-changing character replaced by a visible ⟦U+XXXX⟧ marker."""
    if text.isascii() and text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CANDIDATES.sub(lambda m: marker(m.group(0)), text)


