"""The Linux recipe, after PyInstaller: strip, report the size, tarball and .deb packages.

Called by ``packaging/build``. From ``dist/evbundle`` (and ``dist/evbundle-capture-engine``
when built) it makes:

- ``evbundle-<version>-linux-<arch>.tar.gz``: the folder, to unpack anywhere and run;
- ``evbundle_<version>_<debarch>.deb``: the folder in ``/opt/evbundle``, ``/usr/bin/evbundle``,
  a desktop entry, the ``.evcase`` MIME type (shared-mime-info XML) with the app as its
  handler, and the icons; Depends on the system libraries the folder links to but does not
  carry, found the way ``dpkg-shlibdeps`` would (each library's owning package here);
- with the engine: ``evbundle-capture-engine_<version>_<debarch>.deb`` (files laid into
  ``/opt/evbundle`` beside the app's, Depends on ``evbundle (= version)``) and its tarball.

A .deb rather than an AppImage: ``dpkg-deb`` and ``dpkg`` are on every Debian-family machine,
including this one, so the package is built *and* installed, checked and removed here
(tests/installers/test_linux_package.sh); ``appimagetool`` is not in Debian and is fetched from
GitHub, which this project's machines cannot reach, and an AppImage still needs FUSE to run.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tarfile
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path

from metadata import Metadata

INSTALL_DIR = "/opt/evbundle"
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}
# Never declared: the C library and the loader are on every system, and libGL/libEGL come from
# whichever driver package the machine uses (libgl1 and libegl1 are declared by name below).
NOT_DEPENDED_ON = {"libc6", "libgcc-s1", "libstdc++6"}
ALWAYS_DEPENDED_ON = ("libgl1", "libegl1", "libfontconfig1",
                      "fonts-dejavu-core | fonts-liberation2 | fonts-liberation")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def log(text: str) -> None:
    print(f"linux: {text}", flush=True)


# -- ELF files: strip, and the libraries they need --------------------------------------------


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def strip_binaries(folder: Path) -> int:
    """Strip symbols and debug information that the build carries (Python's own library has 18 MB of it).

    Libraries that auditwheel placed in ``*.libs`` folders are left alone: they were rewritten
    by patchelf, and stripping such a file can break it. Returns the bytes saved.
    """
    saved = 0
    for path in elf_files(folder):
        if any(part.endswith(".libs") for part in path.parts):
            continue
        info = subprocess.run(["file", "-b", str(path)], capture_output=True, text=True).stdout
        if "not stripped" not in info:
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def needed_libraries(files: Iterable[Path]) -> set[str]:
    needed = set()
    for path in files:
        out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "(NEEDED)" in line and "[" in line:
                needed.add(line.split("[", 1)[1].rstrip("]"))
    return needed


def system_packages(sonames: Iterable[str]) -> tuple[list[str], list[str]]:
    """The Debian packages that own these libraries here, and the libraries no package owns."""
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    arch = "x86-64" if platform.machine() == "x86_64" else ""
    paths: dict[str, str] = {}
    for line in cache.splitlines():
        line = line.strip()
        if "=>" not in line:
            continue
        name, path = line.split(" ", 1)[0], line.rsplit("=>", 1)[1].strip()
        if arch and arch not in line:
            continue
        paths.setdefault(name, path)
    packages, unknown = set(), []
    for soname in sorted(sonames):
        path = paths.get(soname)
        if path is None:
            unknown.append(soname)
            continue
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if owner.returncode != 0:
            unknown.append(soname)
            continue
        packages.add(owner.stdout.split(":", 1)[0].strip())
    return sorted(packages - NOT_DEPENDED_ON), unknown


def depends_of(folder: Path, also_bundled: Iterable[Path] = ()) -> list[str]:
    files = elf_files(folder)
    bundled = {p.name for p in files} | {p.name for p in also_bundled}
    missing = {name for name in needed_libraries(files) if name not in bundled}
    missing -= {"ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
    packages, unknown = system_packages(missing)
    if unknown:
        log(f"not in Depends (no package here has them; loaded only where present): {', '.join(unknown)}")
    return packages


# -- size -------------------------------------------------------------------------------------

APP_FOLDER_BUDGET = 200 * 10**6  # bytes: a laptop's installer, without the capture engine


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def report_size(folder: Path, label: str, count: int = 20) -> int:
    files = sorted((p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()),
                   key=lambda p: p.stat().st_size, reverse=True)
    total = sum(p.stat().st_size for p in files)
    log(f"{label}: {total / 1e6:.1f} MB in {len(files)} files; the largest {count}:")
    for path in files[:count]:
        print(f"    {path.stat().st_size / 1e6:7.1f} MB  {path.relative_to(folder)}")
    return total


# -- desktop integration ----------------------------------------------------------------------


def desktop_entry(meta: Metadata) -> str:
    return "\n".join((
        "[Desktop Entry]",
        "Type=Application",
        f"Name={meta.display_name}",
        "GenericName=Evidence bundle builder",
        f"Comment={meta.summary}",
        f"Exec={INSTALL_DIR}/{meta.name} %f",
        f"TryExec={INSTALL_DIR}/{meta.name}",
        f"Icon={meta.app_id}",
        "Terminal=false",
        "Categories=Office;",
        f"MimeType={meta.case_mime_type};",
        "Keywords=evidence;exhibit;bundle;declaration;BagIt;takedown;",
        "StartupNotify=true",
        "",
    ))


def mime_icon_name(meta: Metadata) -> str:
    return meta.case_mime_type.replace("/", "-")


def mime_xml(meta: Metadata) -> str:
    """The .evcase type: by its suffix, and by its content (SQLite with application_id "EVBD", app/store)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{meta.case_mime_type}">
    <comment>{meta.case_type_name}</comment>
    <sub-class-of type="application/vnd.sqlite3"/>
    <icon name="{mime_icon_name(meta)}"/>
    <glob pattern="*.{meta.case_suffix}"/>
    <magic priority="60">
      <match type="string" value="SQLite format 3" offset="0">
        <match type="big32" value="0x45564244" offset="68"/>
      </match>
    </magic>
  </mime-type>
</mime-info>
"""


def copyright_file(meta: Metadata, root: Path) -> str:
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {meta.name}\n\n"
        f"Files: *\nCopyright: {meta.publisher}\nLicense: {meta.licence}\n"
        " On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.\n\n"
        "Files: opt/evbundle/_internal/resources/fonts/*\nCopyright: Liberation fonts authors\n"
        "License: OFL-1.1\n See /opt/evbundle/_internal/resources/fonts/LICENSE-OFL.txt.\n\n"
        "Files: opt/evbundle/_internal/PySide6/*\nCopyright: The Qt Company Ltd.\n"
        "License: LGPL-3.0\n Qt for Python (PySide6), used under the LGPL: the Qt libraries are separate\n"
        " shared libraries in this folder and may be replaced.\n"
    )


# -- packages ---------------------------------------------------------------------------------


def make_tarball(folder: Path, out: Path, arcname: str) -> Path:
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=arcname)
    return out


def _control(meta: Metadata, package: str, depends: list[str], size_kib: int, description: str) -> str:
    return (
        f"Package: {package}\nVersion: {meta.version}\nArchitecture: {DEB_ARCH.get(platform.machine(), 'amd64')}\n"
        f"Maintainer: {meta.publisher} <evbundle@localhost>\nInstalled-Size: {size_kib}\n"
        f"Depends: {', '.join(depends)}\nSection: utils\nPriority: optional\n"
        f"Description: {description}\n"
    )


def build_deb(stage: Path, out: Path, compression: str) -> Path:
    """xz for releases (about 25% smaller, 80 s here); gzip for CI and quick checks (about 10 s)."""
    subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "-z6", "--build", str(stage), str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def stage_app(meta: Metadata, folder: Path, stage: Path, icons: Path, root: Path) -> None:
    shutil.copytree(folder, stage / INSTALL_DIR.lstrip("/"), symlinks=True)
    share = stage / "usr" / "share"
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / meta.name).symlink_to(f"{INSTALL_DIR}/{meta.name}")
    (share / "applications").mkdir(parents=True)
    (share / "applications" / f"{meta.app_id}.desktop").write_text(desktop_entry(meta), encoding="utf-8")
    (share / "mime" / "packages").mkdir(parents=True)
    (share / "mime" / "packages" / f"{meta.app_id}.xml").write_text(mime_xml(meta), encoding="utf-8")
    for size in ICON_SIZES:
        for kind, name in (("apps", meta.app_id), ("mimetypes", mime_icon_name(meta))):
            target = share / "icons" / "hicolor" / f"{size}x{size}" / kind / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(icons / f"evbundle-{size}.png", target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps" / f"{meta.app_id}.svg"
    scalable.parent.mkdir(parents=True)
    shutil.copyfile(root / "resources" / "icons" / "evbundle.svg", scalable)
    doc = share / "doc" / meta.name
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_file(meta, root), encoding="utf-8")


def package(meta: Metadata, dist: Path, root: Path, *, engine: bool, compression: str = "xz") -> list[Path]:
    """Strip, report, and write the tarballs and .deb packages into ``dist``; returns what was written."""
    arch = platform.machine()
    deb_arch = DEB_ARCH.get(arch, arch)
    app = dist / meta.name
    engine_folder = dist / f"{meta.name}-capture-engine"
    written = []
    started = time.perf_counter()
    saved = strip_binaries(app) + (strip_binaries(engine_folder) if engine else 0)
    log(f"stripped {saved / 1e6:.1f} MB of symbols and debug information")
    size = report_size(app, f"{app.name}/ (the app)")
    if size > APP_FOLDER_BUDGET:  # issue 18's goal; the capture engine is outside it (a component of its own)
        log(f"warning: the app's folder is {size / 1e6:.1f} MB, over its budget of {APP_FOLDER_BUDGET / 1e6:.0f} MB:"
            " see packaging/trim.py")
    if engine:
        engine_size = report_size(engine_folder, f"{engine_folder.name}/ (QtWebEngine, installed separately)", 10)
        log(f"app with the capture engine: {(size + engine_size) / 1e6:.1f} MB")
    written.append(make_tarball(app, dist / f"{meta.name}-{meta.version}-linux-{arch}.tar.gz", meta.name))
    if engine:
        written.append(make_tarball(engine_folder, dist / f"{meta.name}-capture-engine-{meta.version}-linux-{arch}"
                                    ".tar.gz", meta.name))
    if shutil.which("dpkg-deb") is None:
        log("dpkg-deb not found: no .deb made (the tarball is the package)")
    else:
        stage = dist / "deb-stage"
        shutil.rmtree(stage, ignore_errors=True)
        stage_app(meta, app, stage / "app", root / "packaging" / "icons", root)
        depends = sorted(set(depends_of(app)) | set(ALWAYS_DEPENDED_ON))
        (stage / "app" / "DEBIAN").mkdir()
        (stage / "app" / "DEBIAN" / "control").write_text(_control(
            meta, meta.name, depends, folder_size(stage / "app") // 1024,
            f"{meta.display_name}\n {textwrap.fill(meta.summary + '.', 78, subsequent_indent=' ')}\n"
            " Desktop app and command line; runs offline.\n"), "utf-8")
        written.append(build_deb(stage / "app", dist / f"{meta.name}_{meta.version}_{deb_arch}.deb", compression))
        if engine:
            target = stage / "engine" / INSTALL_DIR.lstrip("/")
            shutil.copytree(engine_folder, target, symlinks=True)
            engine_depends = depends_of(engine_folder, also_bundled=elf_files(app))
            (stage / "engine" / "DEBIAN").mkdir()
            (stage / "engine" / "DEBIAN" / "control").write_text(_control(
                meta, f"{meta.name}-capture-engine", [f"{meta.name} (= {meta.version})"] + engine_depends,
                folder_size(stage / "engine") // 1024,
                f"{meta.display_name}: web capture engine\n QtWebEngine (Chromium) for capturing web pages"
                " as evidence in evbundle.\n"), "utf-8")
            written.append(build_deb(stage / "engine",
                                     dist / f"{meta.name}-capture-engine_{meta.version}_{deb_arch}.deb", compression))
        shutil.rmtree(stage)
    for path in written:
        log(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    log(f"packaged in {time.perf_counter() - started:.0f} s")
    return written


def self_test_command(meta: Metadata, dist: Path) -> list[str]:
    return [str(dist / meta.name / meta.name), "--self-test"]
