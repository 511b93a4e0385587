# Build the Windows one-folder app and an installer (Inno Setup 6 on PATH as iscc.exe).
# Sign evbundle.exe and the installer with your code-signing certificate (signtool) before release.
# (Not built on this project's Linux machines; kept in step with the Linux script.)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
py -3.11 -m venv .venv-build
.venv-build\Scripts\pip install -q . pyinstaller
.venv-build\Scripts\pyinstaller --noconfirm --clean --distpath dist --workpath build packaging\evbundle.spec
$version = .venv-build\Scripts\python -c "import app; print(app.__version__)"
iscc /DAppVersion=$version packaging\evbundle.iss
