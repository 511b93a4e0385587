"""Look-alike domain names: labels that mix scripts, and names written in one script that read as another.

A Cyrillic ``аррӏе.com`` is a different domain from ``apple.com`` but looks
the same on paper; an order naming the wrong one hits an innocent registrant
or misses the target. We flag, never refuse: counsel decides.

The Unicode data (scripts and confusable characters, UTS 39) comes from the
maintained ``confusable-homoglyphs`` package, which ships Unicode's
``confusables.txt`` and ``Scripts.txt`` as JSON. Mixed-script checking follows
UTS 39's "highly restrictive" profile: one script per label, or Latin with
Han and the Japanese or Korean scripts that are normally written together.
"""

from __future__ import annotations

import functools

from confusable_homoglyphs import categories, confusables

MIXED_SCRIPT = "mixed-script"
CONFUSABLE = "confusable"

# Script combinations that are normal in one label (UTS 39, highly restrictive).
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_NEUTRAL = frozenset({"COMMON", "INHERITED"})


def flag_lookalikes(unicode_name: str) -> tuple[str, ...]:
    """Flags for a domain's Unicode form: '<code>: <explanation>' strings; () for a plain ASCII name."""
    if unicode_name.isascii():
        return ()
    flags: list[str] = []
    for label in unicode_name.split("."):
        if label.isascii():
            continue
        flag = label_flag(label)
        if flag:
            flags.append(flag)
    return tuple(flags)


def label_flag(label: str) -> str:
    """The look-alike flag for one Unicode label, or '' when it is a plain one-script label."""
    scripts = label_scripts(label)
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
        names = ", ".join(s.title() for s in sorted(scripts))
        return f"{MIXED_SCRIPT}: label '{label}' mixes scripts ({names})"
    if len(scripts) == 1 and scripts != {"LATIN"}:
        skeleton = latin_reading(label)
        if skeleton:
            (script,) = scripts
            return (f"{CONFUSABLE}: {script.title()} label '{label}' reads as Latin '{skeleton}'"
                    " (whole-script confusable)")
    return ""


def label_scripts(label: str) -> frozenset[str]:
    """The scripts of a label's letters (digits, hyphens and combining marks are neutral)."""
    return frozenset(_script(ch) for ch in label) - _NEUTRAL


def latin_reading(label: str) -> str:
    """The Latin text a label looks like, when every letter of it has a Latin look-alike; else ''."""
    out: list[str] = []
    for ch in label:
        if ch.isascii():
            out.append(ch)
            continue
        latin = _latin_homoglyph(ch)
        if not latin:
            return ""
        out.append(latin)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    return str(categories.alias(ch))


@functools.lru_cache(maxsize=4096)
def _latin_homoglyph(ch: str) -> str:
    """An ASCII Latin letter or digit that looks like `ch`, or ''."""
    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin", "common"])
    for entry in found or []:
        for glyph in entry.get("homoglyphs", []):
            text = glyph.get("c", "")
            if text.isascii() and text.isalnum():
                return str(text).lower()
    return ""
