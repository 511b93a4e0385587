"""The macOS recipe, after PyInstaller: sign, disk image, notarise, staple. NOT RUN on this project's machines.

Called by ``packaging/build`` on a Mac (Python 3.11+ from python.org or Homebrew, Xcode command
line tools). PyInstaller's BUNDLE (evbundle.spec) has made ``dist/evbundle.app`` with the
``.evcase`` document type (CFBundleDocumentTypes, UTExportedTypeDeclarations). Then:

1. Signing, only when ``EVBUNDLE_MACOS_SIGN_IDENTITY`` names a "Developer ID Application: …"
   certificate in the keychain: the spec passes it to PyInstaller, which signs every binary
   with the hardened runtime and ``packaging/macos-entitlements.plist``; here the whole .app is
   signed again and checked with ``codesign --verify --deep --strict``. Without it the .app
   keeps PyInstaller's ad-hoc signature: it runs on the build Mac, and elsewhere only after
   right-click → Open (Gatekeeper).
2. ``dist/evbundle-<version>-macos-<arch>.dmg`` (hdiutil, UDZO) with the app and a link to
   /Applications; signed with the same identity.
3. Notarisation, only when ``EVBUNDLE_NOTARY_PROFILE`` names a keychain profile made once with
   ``xcrun notarytool store-credentials PROFILE --apple-id … --team-id … --password <app-specific>``:
   ``notarytool submit --wait``, then ``stapler staple`` and ``spctl --assess`` on the .dmg.

The capture engine is built *into* the .app on macOS (``--capture-engine``): a signed bundle
cannot take files added after signing, so there is no separate component there.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

from metadata import Metadata


def log(text: str) -> None:
    print(f"macos: {text}", flush=True)


def run(*command: str) -> None:
    log("$ " + " ".join(command))
    subprocess.run(command, check=True)


def package(meta: Metadata, dist: Path, root: Path, *, engine: bool, compression: str = "xz") -> list[Path]:
    del compression  # the .dmg is UDZO and Inno Setup uses LZMA2 whatever is asked
    app = dist / f"{meta.name}.app"
    identity = os.environ.get("EVBUNDLE_MACOS_SIGN_IDENTITY", "")
    entitlements = root / "packaging" / "macos-entitlements.plist"
    if identity:
        run("codesign", "--force", "--options", "runtime", "--timestamp", "--entitlements", str(entitlements),
            "--sign", identity, str(app))
        run("codesign", "--verify", "--deep", "--strict", "--verbose=2", str(app))
    else:
        log("EVBUNDLE_MACOS_SIGN_IDENTITY not set: the app is signed ad hoc only (not for distribution)")
    dmg = dist / f"{meta.name}-{meta.version}-macos-{platform.machine()}.dmg"
    with tempfile.TemporaryDirectory() as staging:
        shutil.copytree(app, Path(staging) / app.name, symlinks=True)
        (Path(staging) / "Applications").symlink_to("/Applications")
        run("hdiutil", "create", "-volname", meta.display_name, "-srcfolder", staging, "-ov", "-format", "UDZO",
            str(dmg))
    if identity:
        run("codesign", "--force", "--timestamp", "--sign", identity, str(dmg))
    profile = os.environ.get("EVBUNDLE_NOTARY_PROFILE", "")
    if profile and identity:
        run("xcrun", "notarytool", "submit", str(dmg), "--keychain-profile", profile, "--wait")
        run("xcrun", "stapler", "staple", str(dmg))
        run("spctl", "--assess", "--type", "open", "--context", "context:primary-signature", "--verbose", str(dmg))
    elif profile:
        log("EVBUNDLE_NOTARY_PROFILE is set but no signing identity: Apple notarises signed apps only")
    else:
        log("EVBUNDLE_NOTARY_PROFILE not set: not notarised")
    log(f"wrote {dmg} ({dmg.stat().st_size / 1e6:.1f} MB)")
    return [dmg]


def self_test_command(meta: Metadata, dist: Path) -> list[str]:
    return [str(dist / f"{meta.name}.app" / "Contents" / "MacOS" / meta.name), "--self-test"]
