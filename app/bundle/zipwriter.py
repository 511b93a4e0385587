"""A zip writer whose output depends only on its input.

Every entry gets the same timestamp (the bundle date), the same owner-free
Unix mode and the same compression settings, so the same files written in
the same order give the same bytes. Already-compressed formats are stored;
text is deflated at zlib's default level.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import BinaryIO

FILE_MODE = 0o100644
FOLDER_MODE = 0o040755
_UNIX = 3  # "made by" system: Unix, so unzip applies the modes

# Formats that are compressed already: deflating them again costs time and saves nothing.
STORED_SUFFIXES = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic", ".tif", ".tiff",
        ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar",
        ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp",
        ".mp3", ".mp4", ".mov", ".m4a", ".webm", ".p7s", ".tsr",
    }
)


def compression_for(name: str) -> int:
    """ZIP_STORED for already-compressed formats, ZIP_DEFLATED for everything else."""
    suffix = PurePosixPath(name).suffix.lower()
    return zipfile.ZIP_STORED if suffix in STORED_SUFFIXES else zipfile.ZIP_DEFLATED


class ReproducibleZip:
    """Writes entries into a seekable binary stream, with fixed metadata."""

    def __init__(self, stream: BinaryIO, date_time: tuple[int, int, int, int, int, int]) -> None:
        self._zip = zipfile.ZipFile(stream, "w", allowZip64=True)
        self._date_time = date_time
        self.entries = 0

    def _info(self, name: str, mode: int, compression: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date_time)
        info.create_system = _UNIX
        info.external_attr = mode << 16
        info.compress_type = compression
        return info

    def add_folder(self, name: str) -> None:
        """A folder entry (``name`` ends with '/'), so unzip creates it with mode 0755."""
        info = self._info(name, FOLDER_MODE, zipfile.ZIP_STORED)
        info.external_attr |= 0x10  # MS-DOS directory bit
        self._zip.writestr(info, b"")
        self.entries += 1

    def add_bytes(self, name: str, data: bytes) -> None:
        with self.open_file(name, len(data)) as sink:
            sink.write(data)

    def open_file(self, name: str, size: int) -> BinaryIO:
        """A writable stream for one file entry; ``size`` decides ahead whether it needs Zip64."""
        info = self._info(name, FILE_MODE, compression_for(name))
        info.file_size = size
        self.entries += 1
        return self._zip.open(info, "w")  # type: ignore[return-value]

    def close(self) -> None:
        self._zip.close()

    def abandon(self) -> None:
        """Give up after an error: write no central directory (the caller deletes the file)."""
        self._zip.fp = None  # ZipFile.close() and __del__ then do nothing

