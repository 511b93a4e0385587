"""Grab the signing dialogs for a person to look at (not a test): identities, create, import,
preferences, the build passphrase prompt, and the Exhibits & custody page's signer line.

    .venv/bin/python tests/gui/look_signing.py [OUT_FOLDER]      (default /tmp/look-signing)

Runs offscreen in a fresh EVBUNDLE_HOME with throwaway identities; writes one PNG per view.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["EVBUNDLE_HOME"] = tempfile.mkdtemp(prefix="evbundle-look-")

from PySide6.QtWidgets import QApplication, QWidget

from app.bundle import identity as identity_module
from app.core.model import CaseInfo
from app.gui.app import build_window, configure_application
from app.gui.dialogs.identities import signer_text
from app.gui.dialogs.identity_forms import CreateIdentityDialog, ImportIdentityDialog
from app.gui.dialogs.passphrase import PassphraseDialog
from app.ops import identity as ops
from app.ops.case import CaseFile
from app.ops.settings import Settings, save_settings


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "/tmp/look-signing")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(argv[:1])
    configure_application(app)
    identity_module.KDF_ROUNDS = 1000  # throwaway keys: no need to wait for full-strength PBKDF2

    def grab(widget: QWidget, name: str) -> None:
        widget.show()
        app.processEvents()
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    pat = ops.new_identity("Pat Investigator", "Test Corp. Digital Crimes Unit", "correct horse battery",
                           email="pat@example.com").identity
    robin = ops.new_identity("Robin Analyst", "Test Corp.", "correct horse battery", algorithm="rsa-3072",
                             label="RSA for court").identity
    ops.set_trusted(robin.fingerprint, False)
    save_settings(Settings(tsa_urls=("http://timestamp.example.com/tsa", "https://tsa.example.org/rfc3161")))
    case_path = Path(tempfile.mkdtemp(prefix="evbundle-look-case-")) / "sample.evcase"
    with CaseFile.create(case_path, CaseInfo(case_id="", title="Test Corp. v. John Does",
                                             declarant="Pat Investigator", organisation="Test Corp.")) as case:
        ops.choose_case_identity(case, pat.fingerprint)

    window = build_window(case_path)
    window.resize(1200, 720)
    window.tabs.setCurrentWidget(window.exhibits_page)
    grab(window, "window-exhibits")
    identities = window.open_identities_dialog()
    identities.select(robin.fingerprint)
    grab(identities, "identities")
    create = CreateIdentityDialog(identities, name="Pat Investigator", organisation="Test Corp.")
    create.pair.passphrase.setText("Pat2026")
    create.pair.again.setText("Pat2026")
    create.accept()  # shows the too-short problem under the strength hint
    grab(create, "create")
    imported = ImportIdentityDialog(case_path.parent, identities)
    imported.same.setChecked(False)
    imported.pair.passphrase.setText("correct horse battery staple")
    imported.accept()  # shows the missing-file problem
    grab(imported, "import")
    preferences = window.open_preferences_dialog()
    assert preferences is not None
    preferences.new_url.setText("ftp://not-a-tsa")
    preferences.add_url()
    preferences.list.setCurrentIndex(preferences.urls.index(1))
    grab(preferences, "preferences")
    signer = ops.case_signer(window.case.info()) if window.case is not None else None
    passphrase = PassphraseDialog(first_use=False, parent=window,
                                  signer=signer_text(signer) if signer is not None else "")
    grab(passphrase, "passphrase")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
