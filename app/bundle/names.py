"""Which file names may appear in a bundle, for writing and for reading.

The same rules guard both directions: a name must stay inside the bag on
every operating system that may unzip it, and no two names may land on the
same file there. Windows and macOS fold case and macOS normalises Unicode,
so names that differ only in case or normalisation would overwrite each
other when a lawyer unzips the bundle; they are refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_DRIVE = re.compile(r"^[A-Za-z]:")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")  # control characters but CR and LF
_LINE_BREAK = re.compile(r"[\r\n]")
_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                      *(f"LPT{n}" for n in range(1, 10))})
MAX_NAME_BYTES = 1024  # whole path, UTF-8
MAX_PART_BYTES = 255  # one folder or file name


def unsafe_reason(name: str, *, allow_line_breaks: bool = True) -> str | None:
    """Why ``name`` (a POSIX path relative to the bag) is unsafe, or None when it is fine."""
    if not name:
        return "the name is empty"
    if "\x00" in name:
        return "the name contains a NUL character"
    if "\\" in name:
        return "the name contains a backslash (a Windows path separator)"
    if name.startswith("/") or _DRIVE.match(name):
        return "the name is an absolute path"
    if _CONTROL.search(name) or (not allow_line_breaks and _LINE_BREAK.search(name)):
        return "the name contains a control character"
    parts = name.split("/")
    if any(part == ".." for part in parts):
        return "the name climbs out of its folder ('..')"
    if any(part in ("", ".") for part in parts):
        return "the name has an empty or '.' folder part"
    # Windows (and its extractors) drop a trailing dot or space, refuse or replace <>:"|?* (':' may open an
    # alternate data stream), and open a device for CON, NUL, COM1…: each would extract to another name there.
    if any(part.endswith((".", " ")) for part in parts):
        return "a part of the name ends with a dot or a space, which Windows drops (another file's name there)"
    if _WINDOWS_FORBIDDEN.search(name):
        return 'the name contains a character Windows does not allow in file names (< > : " | ? *)'
    if any(_is_device(part) for part in parts):
        return "a part of the name is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"the name is longer than {MAX_NAME_BYTES} bytes"
    if any(len(part.encode("utf-8")) > MAX_PART_BYTES for part in parts):
        return f"a part of the name is longer than {MAX_PART_BYTES} bytes"
    return None


def portable_name(name: str) -> str:
    """One file name (no folders) made safe for every system and every BagIt tool.

    Replaces what Windows forbids, control characters, '/', and '%' (which
    bagit-python does not percent-decode, so a bag holding it would fail
    ``bagit.py --validate``); keeps everything else, Unicode included, in NFC.
    """
    cleaned = "".join(
        "_" if (ord(ch) < 32 or ord(ch) == 127 or ch in '<>:"/\\|?*%') else ch
        for ch in unicodedata.normalize("NFC", name)
    ).strip().rstrip(". ")
    if cleaned in ("", ".", ".."):
        return "_"
    if _is_device(cleaned):
        cleaned = "_" + cleaned
    while len(cleaned.encode("utf-8")) > MAX_PART_BYTES:
        cleaned = cleaned[:-1]
    return cleaned


def clash_key(name: str) -> str:
    """Names with equal keys become one file on some system (Unicode NFC, then case folded)."""
    return unicodedata.normalize("NFC", name).casefold()


def find_clashes(names: Iterable[str]) -> list[tuple[str, str, str]]:
    """Pairs of names that would become the same file or folder: (first, second, why)."""
    clashes: list[tuple[str, str, str]] = []
    files: dict[str, str] = {}
    folders: dict[str, str] = {}
    for name in names:
        key = clash_key(name)
        if key in files:
            first = files[key]
            why = "listed twice" if first == name else "equal after Unicode normalisation or case folding"
            clashes.append((first, name, why))
            continue
        files[key] = name
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), name)
    for key, name in files.items():
        if key in folders:
            clashes.append((name, folders[key], "a file has the same name as a folder"))
    return clashes


def _is_device(part: str) -> bool:
    """A name Windows opens as a device, whatever its extension (``nul.txt``, ``COM1.pdf``)."""
    return part.split(".", 1)[0].rstrip(" ").upper() in _DEVICES
