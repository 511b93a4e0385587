"""Timestamps that outlive their authority's certificate, and renewal with archive timestamps.

The loopback TSA's certificate is made to expire a few weeks from now; the tests
move verification's clock past that day (``now=``), never sleeping. openssl is
told the time with ``-attime``, as VERIFY.txt tells a reader.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import bagit
import bagit_profile
import pytest

from app.bundle import SigningIdentity, verify_bundle
from app.bundle.archive import renewal_due
from app.bundle.instructions import SIGNATURE_FILE, TIMESTAMP_FILE
from app.bundle.profile import PROFILE_FILE, PROFILE_IDENTIFIER
from app.bundle.renew import default_output, renew_bundle
from app.bundle.timestamp import Timestamper, TimestampError
from app.bundle.validation import collect, http_fetch
from app.core.errors import BundleError
from app.core.paths import resource

from .conftest import BAG_NAME, Build, unzip
from .test_stock_tamper import timestamp_check, timestamps_hold
from .tsa import LoopbackTSA

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")

NOW = datetime.datetime.now(datetime.UTC)
AFTER_EXPIRY = NOW + datetime.timedelta(days=120)  # the short-lived TSA's certificate lasts 30 days
ARCHIVE = "signature/archive-01.sha512"


@pytest.fixture(scope="module")
def short() -> LoopbackTSA:
    with LoopbackTSA("Short-Lived TSA", valid_days=30) as authority:
        yield authority  # type: ignore[misc]


@pytest.fixture(scope="module")
def lasting() -> LoopbackTSA:
    with LoopbackTSA("Lasting TSA", valid_days=3000) as authority:
        yield authority  # type: ignore[misc]


def _entries(path: Path) -> dict[str, tuple[bytes, int, tuple[int, ...], int, int]]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: (archive.read(i), i.CRC, i.date_time, i.external_attr, i.compress_type)
                for i in archive.infolist()}


def test_sealing_keeps_the_authority_chain_and_revocation_data(build: Build, short: LoopbackTSA) -> None:
    short.fetches.clear()
    built = build(timestamper=Timestamper([short.url]))
    names = set(_entries(built.path))
    stored = {n.removeprefix(f"{BAG_NAME}/") for n in names if ".tsr." in n}
    assert stored == {f"{TIMESTAMP_FILE}.chain.pem", f"{TIMESTAMP_FILE}.revocation-1.ocsp",
                      f"{TIMESTAMP_FILE}.revocation-2.crl"}
    # caIssuers gave the issuing CA and the root; the issuing CA's OCSP responder answered for the TSA's
    # certificate, the (offline) root's CRL for the issuing CA.
    assert sorted(short.fetches) == ["/ca/1.der", "/ca/2.der", "/crl/1.crl", "/ocsp"]
    chain = zipfile.ZipFile(built.path).read(f"{BAG_NAME}/{TIMESTAMP_FILE}.chain.pem")
    assert chain.count(b"BEGIN CERTIFICATE") == 2  # the issuing CA and the root; the TSA's own is in the token
    assert built.timestamp is not None and built.timestamp.chain.proven and not built.validation_notes


def test_no_validation_data_is_fetched_without_a_timestamp(build: Build, short: LoopbackTSA) -> None:
    short.fetches.clear()
    built = build()
    assert short.fetches == [] and not any("/signature/" in n and n.endswith((".pem", ".ocsp", ".crl"))
                                           and not n.endswith("signer.pem") for n in _entries(built.path))


def test_bundle_sealed_before_expiry_verifies_after_it(build: Build, short: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([short.url]))
    report = verify_bundle(built.path, trusted_tsas=[short.ca], now=AFTER_EXPIRY)
    assert report.intact, report.to_text()
    [stamp] = report.timestamps
    assert stamp.valid and stamp.trusted and stamp.long_term
    text = report.to_text()
    assert "checked as of the timestamp's time with the chain and revocation data" in text
    assert report.renewal is not None and "expired on" in report.renewal
    assert any("not revoked (OCSP" in line for line in stamp.chain)

    # openssl: the same token checks at its own time (VERIFY.txt's -attime), and not at the later clock.
    bag = unzip(built.path, tmp_path / "bag")
    shutil.copy(short.ca_file, bag.parent.parent / "TSA-ROOT.pem")  # beside BUNDLE.zip, as VERIFY.txt says
    assert timestamps_hold(timestamp_check(bag), 1)
    later = subprocess.run(
        ["openssl", "ts", "-verify", "-in", TIMESTAMP_FILE, "-data", SIGNATURE_FILE, "-CAfile", "../../TSA-ROOT.pem",
         "-untrusted", f"{TIMESTAMP_FILE}.chain.pem", "-attime", str(int(AFTER_EXPIRY.timestamp()))],
        cwd=bag, capture_output=True, text=True, timeout=60)
    assert "Verification: OK" not in later.stdout and "expired" in later.stderr


def test_without_stored_revocation_data_the_time_rests_on_the_authority(
        build: Build, short: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([short.url]))
    bag = unzip(built.path, tmp_path / "bag")
    for answer in (bag / "signature").glob("*.ocsp"):
        answer.unlink()
    report = verify_bundle(bag, trusted_tsas=[short.ca], now=AFTER_EXPIRY)
    assert report.intact and not report.timestamps[0].long_term
    assert "rests on the authority's word alone" in report.to_text()
    # Before expiry it is only a reminder to renew, 180 days ahead.
    soon = verify_bundle(bag, now=NOW + datetime.timedelta(days=10))
    assert soon.renewal is not None and "expires on" in soon.renewal


def test_altered_validation_data_is_named(build: Build, short: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([short.url]))
    bag = unzip(built.path, tmp_path / "bag")
    with LoopbackTSA("Other TSA") as other:  # a sound OCSP answer, but about another authority's certificate
        other_built = build(tmp_path / "other.zip", timestamper=Timestamper([other.url]))
    swapped = f"{TIMESTAMP_FILE}.revocation-1.ocsp"
    (bag / swapped).write_bytes(zipfile.ZipFile(other_built.path).read(f"{BAG_NAME}/{swapped}"))
    report = verify_bundle(bag)
    assert [(p.code, p.path) for p in report.problems] == [("validation-data-invalid", swapped)]


def test_authority_revoked_before_the_token_is_refused_at_sealing(build: Build, tmp_path: Path) -> None:
    with LoopbackTSA("Revoked TSA") as revoked:
        revoked.revoke(NOW - datetime.timedelta(hours=1))
        with pytest.raises(TimestampError, match="revoked"):
            build(tmp_path / "never.zip", timestamper=Timestamper([revoked.url]))
    assert not (tmp_path / "never.zip").exists()


def test_renewal_rule() -> None:
    far = NOW + datetime.timedelta(days=800)
    assert renewal_due(far, "sha256", "EC secp256r1 (256-bit)", NOW) is None
    assert "expires on" in (renewal_due(NOW + datetime.timedelta(days=100), "sha256", "EC secp256r1 (256-bit)", NOW)
                            or "")
    assert "SHA1" in (renewal_due(far, "sha1", "EC secp256r1 (256-bit)", NOW) or "")
    assert "1024-bit RSA" in (renewal_due(far, "sha256", "RSA (1024-bit)", NOW) or "")


# --- renewal ------------------------------------------------------------------------------------


def test_renewed_zip_keeps_every_file_and_verifies_with_both_timestamps(
        build: Build, short: LoopbackTSA, lasting: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([short.url]))
    original = built.path.read_bytes()
    renewed = renew_bundle(built.path, Timestamper([lasting.url]),
                           now=lambda: NOW + datetime.timedelta(days=20))
    assert renewed.path == default_output(built.path, (NOW + datetime.timedelta(days=20)).date())
    assert renewed.path.name.startswith("bundle-renewed-") and built.path.read_bytes() == original
    before, after = _entries(built.path), _entries(renewed.path)
    assert {n: after[n] for n in before} == before  # every entry as it was: bytes, CRC, date, mode, method
    added = sorted(n.removeprefix(f"{BAG_NAME}/") for n in set(after) - set(before))
    assert added == [ARCHIVE, f"{ARCHIVE}.tsr", f"{ARCHIVE}.tsr.chain.pem", f"{ARCHIVE}.tsr.revocation-1.ocsp",
                     f"{ARCHIVE}.tsr.revocation-2.crl"]
    listing = after[f"{BAG_NAME}/{ARCHIVE}"][0].decode()
    assert f"  {TIMESTAMP_FILE}.revocation-1.ocsp\n" in listing and "  manifest-sha512.txt\n" in listing
    assert "data/" not in listing

    report = verify_bundle(renewed.path, trusted_tsas=[short.ca, lasting.ca], now=AFTER_EXPIRY)
    assert report.intact, report.to_text()
    first, second = report.timestamps
    assert (first.role, second.role) == ("signature timestamp", "archive timestamp 1")
    assert first.valid and second.valid and first.trusted and second.trusted and second.covers == ARCHIVE
    assert report.renewal is None  # the lasting authority's certificate runs for years
    assert "Archive timestamp 1 over signature/archive-01.sha512" in report.to_text()

    # Stock tools, as VERIFY.txt says: both tokens at their own time, and the listing with sha512sum.
    bag = unzip(renewed.path, tmp_path / "bag")
    (bag.parent.parent / "TSA-ROOT.pem").write_bytes(short.ca_file.read_bytes() + lasting.ca_file.read_bytes())
    result = timestamp_check(bag)
    assert timestamps_hold(result, 2), result.stdout + result.stderr
    assert f"{ARCHIVE.removeprefix('signature/')}" not in result.stderr
    assert result.stdout.count(": OK") >= listing.count("\n")

    # The shipped BagIt Profile describes every file a renewal adds.
    profile = bagit_profile.Profile(PROFILE_IDENTIFIER, profile=resource(PROFILE_FILE).read_text('utf-8'))
    profile.validate_tag_files_allowed(bagit.Bag(str(bag)))  # raises for a file the profile does not allow


def test_renewing_twice_chains_the_listings(build: Build, short: LoopbackTSA, lasting: LoopbackTSA,
                                            tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([short.url]))
    once = renew_bundle(built.path, Timestamper([lasting.url]), out=tmp_path / "once.zip")
    twice = renew_bundle(once.path, Timestamper([lasting.url]), out=tmp_path / "twice.zip")
    assert twice.number == 2
    listing = _entries(twice.path)[f"{BAG_NAME}/signature/archive-02.sha512"][0].decode()
    assert f"  {ARCHIVE}\n" in listing and f"  {ARCHIVE}.tsr\n" in listing
    assert [t.role for t in verify_bundle(twice.path).timestamps] == [
        "signature timestamp", "archive timestamp 1", "archive timestamp 2"]

    bag = unzip(twice.path, tmp_path / "bag")
    changed = bag / f"{ARCHIVE}.tsr.chain.pem"
    changed.write_bytes(changed.read_bytes() + b"\n")
    (bag / "signature" / "notes.txt").write_text("added later")
    report = verify_bundle(bag)
    codes = {(p.code, p.path) for p in report.problems}
    assert ("changed-file", f"{ARCHIVE}.tsr.chain.pem") in codes
    assert ("extra-file", "signature/notes.txt") in codes


def test_a_bundle_that_does_not_verify_is_not_renewed(build: Build, lasting: LoopbackTSA, tmp_path: Path) -> None:
    built = build()
    bag = unzip(built.path, tmp_path / "bag")
    (bag / "data" / "exhibits" / "Exhibit-001" / "original" / "spam.eml").write_bytes(b"altered")
    with pytest.raises(BundleError, match="does not verify"):
        renew_bundle(bag, Timestamper([lasting.url]), in_place=True)
    assert not list((bag / "signature").glob("archive-*"))


def test_unzipped_bundle_is_renewed_only_in_place(build: Build, lasting: LoopbackTSA, tmp_path: Path) -> None:
    built = build()  # never timestamped: renewal gives it its first timestamp, over everything
    bag = unzip(built.path, tmp_path / "bag")
    with pytest.raises(BundleError, match="--in-place"):
        renew_bundle(bag, Timestamper([lasting.url]))
    renewed = renew_bundle(bag, Timestamper([lasting.url]), in_place=True)
    assert renewed.path == bag and (bag / ARCHIVE).is_file()
    report = verify_bundle(bag)
    assert report.intact and [t.role for t in report.timestamps] == ["archive timestamp 1"]
    digest = hashlib.sha512((bag / "bag-info.txt").read_bytes()).hexdigest()
    assert f"{digest}  bag-info.txt" in (bag / ARCHIVE).read_text()


def test_renewing_over_an_existing_file_is_refused(build: Build, lasting: LoopbackTSA, tmp_path: Path) -> None:
    built = build()
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"mine")
    with pytest.raises(BundleError, match="already exists"):
        renew_bundle(built.path, Timestamper([lasting.url]), out=taken)
    assert taken.read_bytes() == b"mine"
    in_place = renew_bundle(built.path, Timestamper([lasting.url]), in_place=True)
    assert in_place.path == built.path and verify_bundle(built.path).intact


def test_a_signer_with_a_chain_gets_its_validation_data_too(build: Build, tmp_path: Path) -> None:

    with LoopbackTSA("PKI TSA") as pki:
        certificate, key = pki.issue_signer("Pat Investigator (FICTIONAL)")
        identity = SigningIdentity(certificate, key, (pki.intermediate, pki.ca))
        from app.bundle import build_bundle

        from .conftest import payload_files, tag_files

        built = build_bundle(tmp_path / "pki.zip", BAG_NAME, payload_files(), tag_files(identity),
                             {"External-Identifier": "1:24-cv-00042"}, identity, "2024-05-01",
                             timestamper=Timestamper([pki.url]))
        names = {n.removeprefix(f"{BAG_NAME}/") for n in _entries(built.path)}
        assert {"signature/signer.chain.pem", "signature/signer.revocation-1.ocsp",
                "signature/signer.revocation-2.crl"} <= names
        report = verify_bundle(built.path, trusted_cas=[pki.ca], trusted_tsas=[pki.ca])
        assert report.intact and report.signer is not None and report.signer.trusted, report.to_text()

        # An answer showing the signer's certificate revoked before the timestamp makes the bundle NOT VALID.
        pki.revoke(NOW - datetime.timedelta(days=1), certificate)
        revoked = collect(certificate, identity.chain, fetch=http_fetch)
        bag = unzip(built.path, tmp_path / "bag")
        (bag / "signature" / "signer.revocation-1.ocsp").write_bytes(
            next(r.der for r in revoked.revocation if r.position == 1))
        codes = {(p.code, p.path) for p in verify_bundle(bag).problems}
        assert ("signer-invalid-at-timestamp", "signature/signer.pem") in codes
        # ... and sealing refuses a signer whose certificate is revoked.
        with pytest.raises(BundleError, match="signing certificate was not good"):
            build_bundle(tmp_path / "never.zip", BAG_NAME, payload_files(), tag_files(identity),
                         {"External-Identifier": "1:24-cv-00042"}, identity, "2024-05-01",
                         timestamper=Timestamper([pki.url]))



@pytest.mark.parametrize("damage", [b"", b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                                    b"\x30\x82\xff\xff" + b"\x00" * 64])
def test_garbage_validation_data_is_reported_not_fatal(build: Build, short: LoopbackTSA, tmp_path: Path,
                                                       damage: bytes) -> None:
    built = build(timestamper=Timestamper([short.url]))
    bag = unzip(built.path, tmp_path / "bag")
    for name in (f"{TIMESTAMP_FILE}.chain.pem", f"{TIMESTAMP_FILE}.revocation-1.ocsp", "signature/signer.chain.pem"):
        (bag / name).write_bytes(damage)
    report = verify_bundle(bag)
    paths = report.problem_paths()
    assert f"{TIMESTAMP_FILE}.revocation-1.ocsp" in paths and "signature/signer.chain.pem" in paths, report.to_text()


def test_validation_data_without_a_timestamp_is_named(build: Build, tmp_path: Path) -> None:
    bag = unzip(build().path, tmp_path / "bag")
    (bag / "signature" / "signer.revocation-1.ocsp").write_bytes(b"anything")
    assert ("extra-file", "signature/signer.revocation-1.ocsp") in {(p.code, p.path)
                                                                   for p in verify_bundle(bag).problems}
