"""The other side's expert's third review (issue 12): one small regression test per finding.

Findings 1-3, 12 are in test_trust_purposes.py; 4, 5, 13, 17, 18 (the stock route) in
test_stock_route.py; 10 (zip headers) in test_zip_extractors.py.
"""

from __future__ import annotations

import datetime
import shutil
import zipfile
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from app.bundle import BuiltBundle, SigningIdentity, build_bundle, verify_bundle
from app.bundle.instructions import SIGNATURE_FILE
from app.bundle.timestamp import Timestamper

from .conftest import BAG_NAME, BUNDLE_DATE, payload_files, tag_files, unzip
from .tsa import LoopbackTSA

NOW = datetime.datetime.now(datetime.UTC)


def _with(golden: BuiltBundle, tmp_path: Path, files: dict[str, bytes], name: str = "changed.zip") -> Path:
    """A copy of the golden zip with ``files`` (bag-relative) added."""
    out = tmp_path / name
    shutil.copy(golden.path, out)
    with zipfile.ZipFile(out, "a") as archive:
        for relative, data in files.items():
            archive.writestr(f"{BAG_NAME}/{relative}", data)
    return out


def test_empty_archive_listings_give_one_problem_each(golden: BuiltBundle, tmp_path: Path) -> None:
    """Finding 6 (a3): N empty archive-NNNN.sha512 gave N^2/2 problems (4,000: 8 million, 7 GB)."""
    count = 400
    path = _with(golden, tmp_path, {f"signature/archive-{n:04d}.sha512": b"" for n in range(1, count + 1)})
    report = verify_bundle(path)
    assert count <= len(report.problems) <= count + 2, report.to_text()[:2000]
    listing = _with(golden, tmp_path, {f"signature/archive-{n:02d}.sha512": b"" for n in range(1, 60)}, "two.zip")
    report = verify_bundle(listing)  # properly numbered, but without tokens: a few problems each, not a square
    assert len(report.problems) <= 4 * 60, len(report.problems)


def test_empty_tokens_give_one_problem_each(golden: BuiltBundle, tmp_path: Path) -> None:
    """Finding 7 (a4): N empty .tsr files took time quadratic in N."""
    count = 500
    report = verify_bundle(_with(golden, tmp_path, {f"signature/t{n:06d}.tsr": b"" for n in range(count)}))
    assert len(report.problems) == count and {p.code for p in report.problems} == {"extra-file"}


def test_report_pdf_of_a_very_long_subject_is_written(build: object, tmp_path: Path) -> None:
    """Finding 8 (a14): `verify --report` died with reportlab's LayoutError on a 300-unit subject."""
    from app.ops.verify_report import write_report_pdf

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Jordan Sample (DEMO)")]
                        + [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"Unit {i:03d} " + "x" * 50)
                           for i in range(300)])
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(1).not_valid_before(NOW - datetime.timedelta(days=1))
                   .not_valid_after(NOW + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    identity = SigningIdentity(certificate, key)
    built = build_bundle(tmp_path / "long.zip", BAG_NAME, payload_files(), tag_files(identity),
                         {"External-Identifier": "1:24-cv-00042"}, identity, BUNDLE_DATE)
    report = verify_bundle(built.path)
    out = write_report_pdf(report, tmp_path / "report.pdf")
    assert out.read_bytes().startswith(b"%PDF")


def test_times_after_the_verification_are_impossible(signer: SigningIdentity, tmp_path: Path) -> None:
    """Finding 9 (a5): a token (and OCSP answers) dated after the verification were reported VALID."""
    with LoopbackTSA("Clock TSA") as tsa:
        built = build_bundle(tmp_path / "stamped.zip", BAG_NAME, payload_files(), tag_files(signer),
                             {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE,
                             timestamper=Timestamper([tsa.url]))
        root = tsa.ca
    assert verify_bundle(built.path, trusted_tsas=[root]).intact
    earlier = NOW - datetime.timedelta(days=2)  # as if the token came from two days ahead
    report = verify_bundle(built.path, trusted_tsas=[root], now=earlier)
    assert not report.intact
    messages = report.to_text()
    assert "states a time after this verification" in messages, messages
    assert not report.timestamps[0].valid


def test_a_garbage_signature_names_no_signer(golden: BuiltBundle, signer: SigningIdentity, tmp_path: Path) -> None:
    """Finding 14 (a17): a garbage .p7s still gave 'THE SIGNER YOU NAMED' (and trusted: true in JSON)."""
    path = _with(golden, tmp_path, {})
    bag = unzip(path, tmp_path / "bag")
    (bag / SIGNATURE_FILE).write_bytes(b"\x30\x03\x02\x01\x00")
    report = verify_bundle(bag, expected_signers=[signer.fingerprint])
    assert not report.intact and report.signer is not None
    assert not report.signer.trusted and not report.signer.signature_valid
    assert report.trust_text().startswith("UNKNOWN: the signature could not be checked")
    assert "THE SIGNER YOU NAMED" not in report.to_text() and "Signed by" not in report.to_text()
    assert "Named in signer.pem (NOT proven by any signature)" in report.to_text()
    assert report.to_json()["signer"]["trusted"] is False


def test_unsigned_attributes_are_reported(golden: BuiltBundle, tmp_path: Path) -> None:
    """Finding 15 (a11): an unsigned attribute (a home-made CAdES timestamp) and an extra certificate were silent."""
    bag = unzip(golden.path, tmp_path / "bag")
    info = cms.ContentInfo.load((bag / SIGNATURE_FILE).read_bytes())
    signer_info = info["content"]["signer_infos"][0]
    signer_info["unsigned_attrs"] = cms.CMSAttributes([cms.CMSAttribute(
        {"type": "signing_time", "values": [cms.Time({"utc_time": datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)})]})])
    (bag / SIGNATURE_FILE).write_bytes(info.dump(force=True))
    report = verify_bundle(bag)
    assert "carries unsigned attributes (signing_time)" in report.to_text(), report.to_text()


def test_a_renamed_bag_folder_is_a_problem(golden: BuiltBundle, tmp_path: Path) -> None:
    """Finding 16 (a8): the bag folder's name (the report's title) is covered by nothing but VERIFY.txt's text."""
    bag = unzip(golden.path, tmp_path / "bag")
    renamed = bag.rename(bag.parent / "Civil-Action-1-24-cv-00043-SEALED-COPY")
    report = verify_bundle(renamed)
    assert [p.code for p in report.problems] == ["bag-renamed"], report.to_text()
    assert report.problems[0].expected == BAG_NAME


@pytest.mark.parametrize("as_zip", [True, False])
def test_empty_folders_are_reported(golden: BuiltBundle, tmp_path: Path, as_zip: bool) -> None:
    """Finding 19 (a7 folders): empty folder entries (a 'WITHHELD-FROM-DEFENDANTS/') were unreported."""
    if as_zip:
        target: Path = tmp_path / "folders.zip"
        shutil.copy(golden.path, target)
        with zipfile.ZipFile(target, "a") as archive:
            archive.writestr(f"{BAG_NAME}/WITHHELD-FROM-DEFENDANTS/", b"")
    else:
        target = unzip(golden.path, tmp_path / "bag")
        (target / "WITHHELD-FROM-DEFENDANTS").mkdir()
    report = verify_bundle(target)
    assert "WITHHELD-FROM-DEFENDANTS/" in report.problem_paths(), report.to_text()


def test_an_expired_signer_certificate_is_remarked(golden: BuiltBundle) -> None:
    """Finding 20: a signer certificate expired at verification got no remark."""
    later = NOW + datetime.timedelta(days=40 * 365)
    report = verify_bundle(golden.path, now=later)
    assert any("expired on" in note and "no trusted timestamp" in note for note in report.notes), report.notes


@pytest.mark.parametrize("old_instructions", [True, False])
def test_the_root_where_old_instructions_said_to_save_it(
    signer: SigningIdentity, tmp_path: Path, request: pytest.FixtureRequest, old_instructions: bool
) -> None:
    """Finding 13 (a19): older bundles' VERIFY.txt said to save TSA-ROOT.pem in the bag folder; doing so made the
    bundle NOT VALID. Where the signed instructions said so, a file of certificates there is a note; else an
    added file."""
    bundle = request.getfixturevalue("old_bundle") if old_instructions else request.getfixturevalue("golden").path
    bag = unzip(bundle, tmp_path / "bag")
    (bag / "TSA-ROOT.pem").write_bytes(signer.certificate.public_bytes(Encoding.PEM))
    report = verify_bundle(bag)
    assert report.intact is old_instructions, report.to_text()
    (bag / "TSA-ROOT.pem").write_bytes(b"smuggled exhibit text\n")
    assert "TSA-ROOT.pem" in verify_bundle(bag).problem_paths()


def test_a_renewal_older_than_what_it_renews_is_a_problem() -> None:
    """Finding 9 (a5): an archive timestamp dated before the signature's own timestamp passed."""
    from app.bundle.report import VerificationReport
    from app.bundle.timestamp import TimestampFacts
    from app.bundle.verify_stamps import StampChecks

    def facts(when: datetime.datetime) -> TimestampFacts:
        return TimestampFacts(when, "CN=TSA", "AB", "sha256", 1, "1.2.3", True, NOW + datetime.timedelta(days=900),
                              signature_algorithm="ecdsa-with-SHA256 (256-bit key)")

    class Run(StampChecks):
        def __init__(self) -> None:
            self.report = VerificationReport(source="x", bag_name="x")
            self.now = NOW
            self.add = self.report.add

    check = Run()
    check._stamp_facts = [("signature/tagmanifest-sha256.txt.p7s.tsr", facts(NOW - datetime.timedelta(days=10))),
                          ("signature/archive-01.sha512.tsr", facts(NOW - datetime.timedelta(days=400)))]
    check._check_chain_of_timestamps()
    assert [(p.code, p.path) for p in check.report.problems] == [
        ("timestamp-out-of-order", "signature/archive-01.sha512.tsr")]


def test_a_rewritten_unsigned_tag_manifest_is_a_problem(golden: BuiltBundle, tmp_path: Path) -> None:
    """a12: tagmanifest-sha512.txt (signed by nothing) reordered, upper-cased, CRLF, with invisible lines passed."""
    bag = unzip(golden.path, tmp_path / "bag")
    manifest = bag / "tagmanifest-sha512.txt"
    lines = manifest.read_text("utf-8").splitlines()
    rewritten = [f"{line.split(' ', 1)[0].upper()} \t {line.split(' ', 1)[1].lstrip()}" for line in reversed(lines)]
    manifest.write_bytes(("\r\n".join([*rewritten, "\u2028", "\u3000"]) + "\r\n").encode())
    report = verify_bundle(bag)
    assert ("bad-manifest", "tagmanifest-sha512.txt") in {(p.code, p.path) for p in report.problems}, report.to_text()
    assert verify_bundle(golden.path).intact


def test_a_removed_timestamp_is_missed(signer: SigningIdentity, tmp_path: Path) -> None:
    """a18: a timestamped bundle with its token (and the token's validation data) removed passed as untimestamped."""
    with LoopbackTSA("Strip TSA") as tsa:
        built = build_bundle(tmp_path / "stamped.zip", BAG_NAME, payload_files(), tag_files(signer),
                             {"External-Identifier": "1:24-cv-00042"}, signer, BUNDLE_DATE,
                             timestamper=Timestamper([tsa.url]))
    bag = unzip(built.path, tmp_path / "bag")
    assert "Signature-Timestamp: RFC 3161" in (bag / "bag-info.txt").read_text("utf-8")
    for token_file in (bag / "signature").glob("tagmanifest-sha256.txt.p7s.tsr*"):
        token_file.unlink()
    report = verify_bundle(bag)
    assert [(p.code, p.path) for p in report.problems] == [("missing-file", f"{SIGNATURE_FILE}.tsr")], report.to_text()
    plain = unzip(built.path, tmp_path / "again")  # the untouched bundle
    assert verify_bundle(plain).intact
