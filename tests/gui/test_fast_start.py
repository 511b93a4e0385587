"""The window shows before anything the first page does not need is imported (issue 15: 0.7 s of
imports before the first window). The timing is tests/bench/bench_startup.py's; this checks what
is loaded, in a fresh interpreter, at the moments that matter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("reportlab", "docx", "jinja2", "cryptography", "pikepdf", "PIL", "nh3", "dns", "rfc3161_client",
         "app.documents", "app.bundle", "app.sources.mail", "app.sources.outlook", "email.parser")
SCRIPT = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.gui.app import build_window
HEAVY = tuple(sys.argv[2:])
def loaded():
    return sorted({m for m in sys.modules if m.startswith(HEAVY)})
window = build_window(pages_now=False)
window.show()
seen = {"window shown": loaded()}
window.case_pages()
seen["case pages made"] = loaded()
if sys.argv[1]:
    window.open_case(__import__("pathlib").Path(sys.argv[1]))
    seen["case open"] = loaded()
print(json.dumps(seen))
window.close()
"""


def _loaded(case: str, home: Path) -> dict[str, list[str]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EVBUNDLE_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, case, *HEAVY], capture_output=True, text=True, env=env,
                          check=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_nothing_heavy_is_loaded_until_it_is_used(case_path: Path, isolated_home: Path) -> None:
    seen = _loaded(str(case_path), isolated_home)
    assert seen == {"window shown": [], "case pages made": [], "case open": []}, seen
