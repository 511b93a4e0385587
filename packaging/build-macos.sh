#!/usr/bin/env bash
# Build evbundle.app and a disk image on macOS: dist/evbundle-<version>-macos.dmg
# Sign and notarise with your Developer ID before giving it to users:
#   codesign --deep --options runtime --sign "Developer ID Application: …" dist/evbundle.app
#   xcrun notarytool submit dist/evbundle-*.dmg --wait …
# (Not built on this project's Linux machines; kept in step with the Linux script.)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-build
.venv-build/bin/pip install -q . pyinstaller
.venv-build/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/evbundle.spec
version=$(.venv-build/bin/python -c "import app; print(app.__version__)")
hdiutil create -volname evbundle -srcfolder dist/evbundle.app -ov -format UDZO "dist/evbundle-${version}-macos.dmg"
