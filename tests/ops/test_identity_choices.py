"""What the identities dialog relies on: rows, trust choices, export, the case's signer, the timestamp choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from app.bundle import identity as identity_module
from app.cli import main
from app.core.errors import IdentityError
from app.core.model import CaseInfo
from app.ops import identity as ops
from app.ops.settings import Settings, save_settings
from app.store import CaseFile

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity_module, "KDF_ROUNDS", 1000)


def test_rows_name_the_person_organisation_email_and_key() -> None:
    made = ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE, email="pat@example.com",
                            algorithm="ec-p256").identity
    [row] = ops.identity_rows()
    assert (row.name, row.organisation, row.email, row.key_type) == (
        "Pat Investigator", "Test Corp.", "pat@example.com", "EC P-256")
    assert row.own and row.trusted and row.fingerprint == made.fingerprint
    names = made.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.RFC822Name) == ["pat@example.com"]
    with pytest.raises(IdentityError, match="e-mail"):
        ops.new_identity("Pat", "", PASSPHRASE, email="not an address")


def test_trust_choices_and_their_errors() -> None:
    made = ops.new_identity("Pat Investigator", "Test Corp.", PASSPHRASE).identity
    ops.set_trusted(made.fingerprint, False)
    assert not ops.identity_rows()[0].trusted and made.fingerprint not in ops.machine_trust().fingerprints
    ops.set_trusted(made.fingerprint.lower().replace(":", ""), True)  # however it is typed
    assert ops.identity_rows()[0].trusted
    with pytest.raises(IdentityError, match="trust its certificate file"):
        ops.set_trusted("AB:CD", True)
    with pytest.raises(IdentityError, match="not a SHA-256 certificate fingerprint"):
        ops.set_trusted("AB:CD", False)  # a leaked key is named in full: a prefix could name another


def test_case_signer_is_the_chosen_identity_else_the_newest(tmp_path: Path) -> None:
    info = CaseInfo(case_id="x", title="T")
    assert ops.case_signer(info) is None
    first = ops.new_identity("A", "", PASSPHRASE).identity
    second = ops.new_identity("B", "", PASSPHRASE).identity
    assert ops.case_signer(info).fingerprint == second.fingerprint  # type: ignore[union-attr]
    chosen = CaseInfo(case_id="x", title="T", signer_fingerprint=first.fingerprint)
    assert ops.case_signer(chosen).fingerprint == first.fingerprint  # type: ignore[union-attr]
    assert ops.case_signer(CaseInfo(case_id="x", title="T", signer_fingerprint="AB:CD")) is None
    with pytest.raises(IdentityError):
        ops.export_certificate("AB:CD", tmp_path / "x.pem")


def test_cli_build_follows_the_case_timestamp_choice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE)
    case = tmp_path / "case.evcase"
    CaseFile.create(case, CaseInfo(case_id="", title="Sample v. Does", declarant="Ann"),).close()
    save_settings(Settings(tsa_urls=("http://127.0.0.1:9/tsa",), tsa_timeout_seconds=2))  # nobody listens
    build = ["build", str(case), "--out", str(tmp_path / "out"), "--no-documents", "--passphrase-file", str(secret)]
    assert main(build) == 2 and "timestamp" in capsys.readouterr().err  # the settings' authority was asked
    with CaseFile.open(case) as opened:
        opened.update_info(timestamp_when_building=False)
    assert main(build) == 0  # the case says no timestamp: nothing asked
    assert main([*build, "--tsa", "http://127.0.0.1:9/tsa"]) == 2  # naming --tsa overrides the case


def test_cli_untrust_makes_verification_say_the_signer_is_not_trusted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE)
    assert main(["identity", "create", "--name", "Ann", "--email", "ann@example.com",
                 "--passphrase-file", str(secret)]) == 0
    [row] = ops.identity_rows()
    assert row.email == "ann@example.com"
    case = tmp_path / "case.evcase"
    CaseFile.create(case, CaseInfo(case_id="", title="Sample v. Does", declarant="Ann")).close()
    out = tmp_path / "out"
    assert main(["build", str(case), "--out", str(out), "--no-documents", "--passphrase-file", str(secret)]) == 0
    bundle = out / "Sample-v-Does.zip"
    capsys.readouterr()
    assert main(["verify", "--json", str(bundle)]) == 0
    assert '"signer_trust": "trusted"' in capsys.readouterr().out
    assert main(["identity", "untrust", row.fingerprint[:11]]) == 0
    assert main(["identity", "list"]) == 0
    assert "(not trusted here)" in capsys.readouterr().out
    main(["verify", "--json", str(bundle)])
    assert '"signer_trust": "trusted"' not in capsys.readouterr().out
