#!/usr/bin/env bash
# Build the Linux one-folder app and a tarball: dist/evbundle-<version>-linux-<arch>.tar.gz
# Build on the oldest distribution you support: the build bundles its glib and fontconfig.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-build
.venv-build/bin/pip install -q . pyinstaller
.venv-build/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/evbundle.spec
version=$(.venv-build/bin/python -c "import app; print(app.__version__)")
tar -C dist -czf "dist/evbundle-${version}-linux-$(uname -m).tar.gz" evbundle
# Smoke test: the frozen app runs the sample case headless.
smoke=$(mktemp -d)
dist/evbundle/evbundle demo "$smoke/demo" >/dev/null
dist/evbundle/evbundle verify "$smoke"/demo/*.zip >/dev/null
echo "built dist/evbundle-${version}-linux-$(uname -m).tar.gz (smoke test passed)"
