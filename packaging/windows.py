"""The Windows recipe, after PyInstaller: sign, self-test, Inno Setup installers. NOT RUN on this project's machines.

Called by ``packaging/build`` on Windows (``py -3.11 packaging\\build``; Inno Setup 6 installed,
its ``ISCC.exe`` on PATH or in the default folder). PyInstaller has made ``dist\\evbundle\\``
with ``evbundle.exe`` (windowed: the desktop app) and ``evbundle-cli.exe`` (console: the
commands and ``--self-test``). Then:

1. Signing, only when ``EVBUNDLE_WINDOWS_SIGN_ARGS`` is set: the arguments given to
   ``signtool sign`` that choose the certificate, e.g. ``/f C:\\keys\\firm.pfx /p PASSWORD`` or
   ``/n "Firm LLP" /sm`` (certificate store) or ``/sha1 THUMBPRINT``; ``/fd SHA256 /tr URL /td SHA256``
   are added, the timestamp server from ``EVBUNDLE_WINDOWS_TIMESTAMP_URL`` (required then).
   Both executables are signed before the installer is made, the installer after.
2. ``dist\\evbundle-<version>-windows-setup.exe`` (packaging/evbundle.iss): a per-user install
   (no administrator rights) into %LOCALAPPDATA%\\Programs\\evbundle, a Start-menu entry, and the
   ``.evcase`` association in HKEY_CURRENT_USER\\Software\\Classes.
3. With ``--capture-engine``: ``dist\\evbundle-capture-engine-<version>-windows-setup.exe``
   (packaging/evbundle-capture-engine.iss), which adds QtWebEngine to the installed app's folder.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from metadata import Metadata


def log(text: str) -> None:
    print(f"windows: {text}", flush=True)


def iscc() -> str:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)", ""), os.environ.get("ProgramFiles", ""),
                 os.path.join(os.environ.get("LOCALAPPDATA", ""), "Programs")):
        candidate = Path(base) / "Inno Setup 6" / "ISCC.exe"
        if base and candidate.is_file():
            return str(candidate)
    raise SystemExit("Inno Setup 6 not found: install it (https://jrsoftware.org/isinfo.php) or put ISCC.exe on PATH")


def sign(paths: list[Path]) -> None:
    args = os.environ.get("EVBUNDLE_WINDOWS_SIGN_ARGS", "")
    if not args:
        log("EVBUNDLE_WINDOWS_SIGN_ARGS not set: not signed (SmartScreen will warn users)")
        return
    url = os.environ.get("EVBUNDLE_WINDOWS_TIMESTAMP_URL", "")
    if not url:
        raise SystemExit("EVBUNDLE_WINDOWS_TIMESTAMP_URL is needed with a signing certificate: an untimestamped "
                         "signature stops being valid when the certificate expires")
    signtool = shutil.which("signtool") or "signtool"
    command = [signtool, "sign", *shlex.split(args, posix=False), "/fd", "SHA256", "/tr", url, "/td", "SHA256",
               *map(str, paths)]
    subprocess.run(command, check=True)
    subprocess.run([signtool, "verify", "/pa", *map(str, paths)], check=True)


def defines(meta: Metadata) -> list[str]:
    values = {
        "AppVersion": meta.version, "AppId": meta.app_id, "AppName": meta.name,
        "DisplayName": meta.display_name, "Publisher": meta.publisher, "CaseSuffix": meta.case_suffix,
        "CaseProgId": meta.windows_case_progid, "CaseTypeName": meta.case_type_name,
        "CaseMimeType": meta.case_mime_type,
    }
    return [f"/D{key}={value}" for key, value in values.items()]


def package(meta: Metadata, dist: Path, root: Path, *, engine: bool, compression: str = "xz") -> list[Path]:
    del compression  # the .dmg is UDZO and Inno Setup uses LZMA2 whatever is asked
    app = dist / meta.name
    sign([app / f"{meta.name}.exe", app / f"{meta.name}-cli.exe"])
    written = []
    scripts = [("evbundle.iss", f"{meta.name}-{meta.version}-windows-setup.exe")]
    if engine:
        sign([dist / f"{meta.name}-capture-engine" / "evbundle-capture.exe"])
        scripts.append(("evbundle-capture-engine.iss", f"{meta.name}-capture-engine-{meta.version}-windows-setup.exe"))
    for script, output in scripts:
        subprocess.run([iscc(), "/Q", *defines(meta), str(root / "packaging" / script)], check=True)
        written.append(dist / output)
    sign(written)
    for path in written:
        log(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return written


def self_test_command(meta: Metadata, dist: Path) -> list[str]:
    return [str(dist / meta.name / f"{meta.name}-cli.exe"), "--self-test"]
