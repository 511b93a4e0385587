"""Render the app icon (resources/icons/evbundle.svg) into the sizes each OS wants.

    .venv/bin/python packaging/make_icons.py

Writes resources/icons/evbundle-256.png (window icon, Linux hicolor 256x256),
packaging/icons/evbundle-<n>.png (the other hicolor sizes), packaging/icons/evbundle.ico
(Windows: executable, installer, .evcase files) and packaging/icons/evbundle.icns (macOS).
The outputs are committed, so a build needs neither Qt's SVG renderer nor this script;
run it again after changing the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "evbundle.svg"
OUT = ROOT / "packaging" / "icons"
HICOLOR = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    path = OUT / f"evbundle-{size}.png"
    image.save(str(path))
    return Image.open(path).copy()


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    OUT.mkdir(exist_ok=True)
    images = {size: render(renderer, size) for size in HICOLOR + (1024,)}
    images[256].save(ROOT / "resources" / "icons" / "evbundle-256.png")
    images[256].save(OUT / "evbundle.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    images[1024].save(OUT / "evbundle.icns")
    (OUT / "evbundle-1024.png").unlink()
    print(f"wrote {OUT} and resources/icons/evbundle-256.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
