"""What an attachment really is, from its first bytes, whatever its name and declared type claim.

Spam routinely sends a Windows program named ``invoice.pdf`` or declared as
``application/pdf``; the declaration must say what the bytes are. Only
magic numbers are read: nothing is opened, unpacked or run.
"""

from __future__ import annotations

_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"MZ", "application/x-msdownload"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"\xca\xfe\xba\xbe", "application/x-mach-binary"),
    (0, b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (0, b"%PDF", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"BZh", "application/x-bzip2"),
    (0, b"\xfd7zXZ\x00", "application/x-xz"),
    (0, b"MSCF", "application/vnd.ms-cab-compressed"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"{\\rtf", "application/rtf"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\x00\x00\x01\x00", "image/vnd.microsoft.icon"),
    (32769, b"CD001", "application/x-iso9660-image"),
    (257, b"ustar", "application/x-tar"),
)

_TEXT_STARTS: tuple[tuple[bytes, str], ...] = (
    (b"<!doctype html", "text/html"),
    (b"<html", "text/html"),
    (b"<?xml", "text/xml"),
    (b"<svg", "image/svg+xml"),
    (b"#!", "text/x-script"),
)


def sniff_type(data: bytes) -> str:
    """The media type the bytes themselves show; 'text/plain' for text, 'application/octet-stream' if unknown."""
    if not data:
        return "application/x-empty"
    for offset, magic, media_type in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            if media_type == "application/zip":
                return _office_or_zip(data)
            return media_type
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "image/webp"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for start, media_type in _TEXT_STARTS:
        if head.startswith(start):
            return media_type
    if _looks_textual(data[:4096]):
        return "text/plain"
    return "application/octet-stream"


def _office_or_zip(data: bytes) -> str:
    head = data[:2048]
    if b"word/" in head:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if b"xl/" in head:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if b"ppt/" in head:
        return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    return "application/zip"


def _looks_textual(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls * 50 < len(head)


_ALIASES = {
    "application/x-zip-compressed": "application/zip",
    "application/x-zip": "application/zip",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "application/x-dosexec": "application/x-msdownload",
    "application/x-msdos-program": "application/x-msdownload",
    "application/x-rar-compressed": "application/vnd.rar",
    "application/x-rar": "application/vnd.rar",
    "application/x-gzip": "application/gzip",
    "application/x-iso9660": "application/x-iso9660-image",
    "application/x-cd-image": "application/x-iso9660-image",
    "application/msword": "application/x-ole-storage",
    "application/vnd.ms-excel": "application/x-ole-storage",
    "application/vnd.ms-outlook": "application/x-ole-storage",
    "text/rtf": "application/rtf",
}
_GENERIC = frozenset({"application/octet-stream", "text/plain", "application/x-empty"})


def types_disagree(declared: str, sniffed: str) -> bool:
    """Whether the declared type names something other than what the bytes are (an .exe sent as a PDF)."""
    name = declared.lower().split(";", 1)[0].strip()
    if not name or name == "application/octet-stream" or sniffed in _GENERIC:
        return False
    if sniffed == "application/zip" and ("openxmlformats" in name or name.endswith("+zip")):
        return False
    if sniffed.startswith("application/vnd.openxmlformats") and name == "application/zip":
        return False
    return _ALIASES.get(name, name) != sniffed


_EXTENSIONS = {
    "pdf": "application/pdf", "zip": "application/zip", "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed", "gz": "application/gzip", "iso": "application/x-iso9660-image",
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp",
    "doc": "application/x-ole-storage", "xls": "application/x-ole-storage", "msg": "application/x-ole-storage",
    "rtf": "application/rtf", "exe": "application/x-msdownload", "scr": "application/x-msdownload",
    "dll": "application/x-msdownload", "cab": "application/vnd.ms-cab-compressed",
}


def name_disagrees(name: str, sniffed: str) -> bool:
    """Whether a file name's extension promises one thing and the bytes are another ('invoice.pdf' that is a ZIP)."""
    extension = name.rsplit(".", 1)[-1].lower().strip() if "." in name else ""
    expected = _EXTENSIONS.get(extension)
    if expected is None or sniffed in _GENERIC:
        return False
    if expected == "application/zip" and sniffed.startswith("application/vnd.openxmlformats"):
        return False
    return expected != sniffed
