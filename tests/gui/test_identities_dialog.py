"""Signing identities from the window: create, import, export, trust, and choose the case's signer."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.bundle import identity as identity_module
from app.bundle.identity import fingerprint_of, list_identities
from app.gui.dialogs.identities import IdentitiesDialog
from app.gui.dialogs.identity_forms import CreateIdentityDialog, ImportIdentityDialog
from app.gui.models.identities import IdentitiesModel
from app.gui.window import MainWindow
from app.ops import identity as ops

from .conftest import Shown, banner_text

PASSPHRASE = "correct horse battery"
FINGERPRINT_COLUMN = IdentitiesModel.FINGERPRINT


@pytest.fixture(autouse=True)
def domains_settled(window: MainWindow) -> Iterator[None]:
    """Let the domains page's own query thread finish before the window closes the case under it."""
    yield
    window.domains_model.wait()


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)  # full strength: 0.3 s a key


@pytest.fixture
def dialog(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> IdentitiesDialog:
    """The dialog as Tools → Signing identities… opens it (show() is a no-op offscreen)."""
    monkeypatch.setattr(IdentitiesDialog, "show", lambda self: None)
    monkeypatch.setattr(IdentitiesDialog, "raise_", lambda self: None)
    window.window_actions.signing_identities.trigger()
    found = window.findChild(IdentitiesDialog)
    assert found is not None
    return found


def wait_idle(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not window.operations.is_busy(), timeout=60_000)


def cell(dialog: IdentitiesDialog, row: int, column: int) -> str:
    return str(dialog.model.index(row, column).data())


def test_create_an_identity_through_the_dialog_and_see_it_listed_with_its_fingerprint(
    window: MainWindow, dialog: IdentitiesDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
    shown: list[Shown],
) -> None:
    forms: list[CreateIdentityDialog] = []

    def fill(form: CreateIdentityDialog) -> int:
        forms.append(form)
        form.name.setText("Pat Investigator")
        form.organisation.setText("Test Corp.")
        form.email.setText("pat@example.com")
        form.pair.passphrase.setText(PASSPHRASE)
        form.pair.again.setText(PASSPHRASE + "!")
        form.accept()  # refused: the two differ
        assert form.problem.text() == "The two passphrases differ."
        assert form.pair.strength.text().startswith("Strength:")
        form.pair.again.setText(PASSPHRASE)
        form.accept()
        return int(form.result())

    monkeypatch.setattr(CreateIdentityDialog, "exec", fill)
    assert dialog.model.rowCount() == 0
    dialog.create_button.click()
    wait_idle(window, qtbot)
    assert shown == []
    [info] = list_identities()
    assert dialog.model.rowCount() == 1
    assert cell(dialog, 0, 0) == "Pat Investigator" and cell(dialog, 0, 1) == "Test Corp."
    assert cell(dialog, 0, 2) == "EC P-256" and cell(dialog, 0, 3) == "yes"
    assert cell(dialog, 0, FINGERPRINT_COLUMN) == info.fingerprint
    assert len(info.fingerprint) == 95 and info.fingerprint.count(":") == 31  # as `evbundle identity list`
    assert dialog.selected() is not None and dialog.selected().fingerprint == info.fingerprint
    assert info.fingerprint in dialog.details.text() and "pat@example.com" in dialog.details.text()
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert not shiboken6.isValid(forms[0])  # the form, and the passphrase typed in it, are gone


def test_rsa_identity_is_listed_and_becomes_the_signer_the_window_names(
    window: MainWindow, dialog: IdentitiesDialog, case_path: Path, qtbot: QtBot, shown: list[Shown]
) -> None:
    from app.gui.dialogs.identity_forms import NewIdentity

    window.open_case(case_path)
    assert "none yet" in banner_text(window)
    dialog.start_create(NewIdentity("Robin Analyst", "Test Corp.", "", "rsa-3072", PASSPHRASE))
    wait_idle(window, qtbot)
    assert cell(dialog, 0, 2) == "RSA-3072"
    assert cell(dialog, 0, FINGERPRINT_COLUMN) in banner_text(window)  # the newest signs


def make_pkcs12(path: Path, passphrase: str) -> str:
    """An organisation's PKCS#12 (here self-signed); returns its certificate's fingerprint."""
    import datetime

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Corp PKI User"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Corp")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
                   .sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"corp", key, certificate, None, serialization.BestAvailableEncryption(passphrase.encode())))
    return fingerprint_of(certificate)


def test_wrong_pkcs12_passphrase_shows_a_clear_error_and_imports_nothing(
    window: MainWindow, dialog: IdentitiesDialog, qtbot: QtBot, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, shown: list[Shown],
) -> None:
    p12 = tmp_path / "corp.p12"
    fingerprint = make_pkcs12(p12, "org secret")

    def fill(form: ImportIdentityDialog) -> int:
        form.path.setText(str(p12))
        form.passphrase.setText("not the secret")
        form.accept()
        return int(form.result())

    monkeypatch.setattr(ImportIdentityDialog, "exec", fill)
    dialog.import_button.click()
    wait_idle(window, qtbot)
    assert len(shown) == 1 and shown[0].plain and shown[0].title == "The identity was not imported"
    assert "wrong passphrase" in shown[0].text and str(p12) in shown[0].text
    assert "not the secret" not in shown[0].text
    assert dialog.model.rowCount() == 0 and list_identities() == []
    identities = identity_module.identities_dir()
    assert not identities.exists() or list(identities.iterdir()) == []

    dialog.start_import(p12, "org secret", "org secret", "Corp PKI")  # the right one imports
    wait_idle(window, qtbot)
    assert len(shown) == 1
    assert cell(dialog, 0, FINGERPRINT_COLUMN) == fingerprint and cell(dialog, 0, 0) == "Corp PKI User"


def test_choose_the_identity_for_the_case_logs_it_and_the_window_shows_the_fingerprint(
    window: MainWindow, case_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, shown: list[Shown],
) -> None:
    first = ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE).identity
    second = ops.new_identity("Robin Analyst", "Test Corp.", PASSPHRASE, label="Robin").identity
    window.open_case(case_path)
    assert second.fingerprint in banner_text(window)  # none chosen: the newest signs
    assert "none chosen" in banner_text(window)
    monkeypatch.setattr(IdentitiesDialog, "show", lambda self: None)
    monkeypatch.setattr(IdentitiesDialog, "raise_", lambda self: None)
    dialog = window.open_identities_dialog()
    dialog.select(first.fingerprint)
    assert dialog.use_button.isEnabled()
    entries = window.custody_model.rowCount()
    with qtbot.waitSignal(window.events.infoChanged, timeout=30_000):
        dialog.use_button.click()
    assert shown == []
    assert window.case is not None
    last = window.case.custody()[-1]
    assert last.action == "case-edited" and last.details["signer_fingerprint"]["new"] == first.fingerprint
    assert window.custody_model.rowCount() == entries + 1
    assert window.case.info().signer_fingerprint == first.fingerprint
    banner = banner_text(window)
    assert first.fingerprint in banner and "Pat Investigator" in banner and "none chosen" not in banner
    row = dialog.model.row_of(first.fingerprint)
    assert cell(dialog, row, 4) == "yes" and cell(dialog, dialog.model.row_of(second.fingerprint), 4) == ""
    assert first.fingerprint in dialog.case_line.text()
    dialog.trust_button.click()  # untrusting the case's signer shows at once in the window
    assert "not to trust it" in banner_text(window)
    third = ops.new_identity("Sam Newer", "Test Corp.", PASSPHRASE).identity
    window.case.update_info(signer_fingerprint="")
    window.events.infoChanged.emit()
    assert third.fingerprint in banner_text(window)

    window.domains_model.wait()  # the domains page queries the case on its own thread
    window.close_case()  # no case: nothing to choose for
    dialog.select(first.fingerprint)
    assert not dialog.use_button.isEnabled()


def test_untrust_and_trust_again_changes_what_verification_trusts(
    dialog: IdentitiesDialog, tmp_path: Path, shown: list[Shown]
) -> None:
    mine = ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE).identity
    dialog.reload()
    dialog.select(mine.fingerprint)
    assert dialog.trust_button.text() == "Untrust"
    dialog.trust_button.click()
    assert cell(dialog, 0, 3) == "no" and dialog.trust_button.text() == "Trust"
    assert mine.fingerprint not in ops.machine_trust().fingerprints
    assert list_identities()  # the identity itself stays
    dialog.trust_button.click()
    assert cell(dialog, 0, 3) == "yes" and mine.fingerprint in ops.machine_trust().fingerprints

    # A colleague's certificate: trusted from its file, untrusted by removing it from the trust store.
    colleague = tmp_path / "colleague.p12"
    fingerprint = make_pkcs12(colleague, "x")
    loaded = pkcs12.load_pkcs12(colleague.read_bytes(), b"x")
    assert loaded.cert is not None
    pem = tmp_path / "colleague.pem"
    from cryptography.hazmat.primitives.serialization import Encoding

    pem.write_bytes(loaded.cert.certificate.public_bytes(Encoding.PEM))
    dialog.trust_file(pem)
    row = dialog.model.row_of(fingerprint)
    assert row == 1 and cell(dialog, row, 0) == "Corp PKI User (certificate only)" and cell(dialog, row, 3) == "yes"
    assert not dialog.export_button.isEnabled() and not dialog.use_button.isEnabled()
    dialog.trust_button.click()
    assert dialog.model.row_of(fingerprint) == -1 and ops.trusted_certificates() == []
    assert shown == []


def test_export_certificate_writes_the_public_certificate_only(
    dialog: IdentitiesDialog, tmp_path: Path, shown: list[Shown]
) -> None:
    mine = ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE).identity
    dialog.reload()
    target = tmp_path / "pat.pem"
    assert dialog.export_to(mine.fingerprint, target)
    data = target.read_bytes()
    assert b"PRIVATE KEY" not in data
    assert fingerprint_of(x509.load_pem_x509_certificate(data)) == mine.fingerprint
    assert shown[-1].title == "Certificate exported" and mine.fingerprint in shown[-1].text


def test_identities_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = IdentitiesModel()
    model.reload()
    qtmodeltester.check(model)
    ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE)
    model.reload()
    qtmodeltester.check(model)
    assert model.rowCount() == 1


def test_trusting_a_ca_asks_what_it_vouches_for(
    dialog: IdentitiesDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: list[Shown]
) -> None:
    """A CA is trusted only for a purpose the user picks (signers it issued, or timestamps); cancel trusts nothing."""
    import datetime

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Corp Root CA")])
    now = datetime.datetime.now(datetime.UTC)
    ca = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
          .serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
    pem = tmp_path / "ca.pem"
    pem.write_bytes(ca.public_bytes(Encoding.PEM))
    asked: list[list[str]] = []

    def answer(choice: tuple[str, ...] | None) -> None:
        def ask(subjects: list[str]) -> tuple[str, ...] | None:
            asked.append(subjects)
            return choice
        monkeypatch.setattr(dialog, "ask_authority_purpose", ask)

    answer(None)
    dialog.trust_file(pem)
    assert asked == [["CN=Corp Root CA"]] and ops.trusted_certificates() == []
    answer(("ca",))
    dialog.trust_file(pem)
    [entry] = ops.trusted_certificates()
    assert entry.purposes == {"ca"} and ops.machine_trust().cas and not ops.machine_trust().tsas
    assert cell(dialog, dialog.model.row_of(entry.fingerprint), 3) == "yes"
    [row] = [r for r in ops.identity_rows() if r.fingerprint == entry.fingerprint]
    assert "CA for the signers it issued" in row.why
    assert shown == []
