"""RFC 3161 timestamps against a real timestamp authority on 127.0.0.1 (openssl ts -reply)."""

from __future__ import annotations

import datetime
import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
import rfc3161_client

from app.bundle import SigningIdentity, verify_bundle
from app.bundle.instructions import SIGNATURE_FILE, TIMESTAMP_FILE
from app.bundle.timestamp import (
    Timestamper,
    TimestampError,
    _check_timestamping_usage,
    request_timestamp,
)

from .conftest import BAG_NAME, Build, unzip
from .test_stock_tamper import timestamp_check, timestamps_hold
from .tsa import LoopbackTSA

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl binary")


@pytest.fixture(scope="module")
def tsa() -> LoopbackTSA:
    with LoopbackTSA("Loopback TSA") as authority:
        yield authority  # type: ignore[misc]


def _member(zip_path: Path, name: str) -> bytes:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.read(f"{BAG_NAME}/{name}")


def test_good_timestamp_is_accepted_and_reports_the_time(build: Build, tsa: LoopbackTSA) -> None:
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    built = build(timestamper=Timestamper([tsa.url]))
    assert built.timestamped
    signature = _member(built.path, SIGNATURE_FILE)
    # Only the hash of the signature left the machine.
    query = tsa.requests[-1]
    assert hashlib.sha256(signature).digest() in query and signature not in query and len(query) < 200

    report = verify_bundle(built.path)
    assert report.intact, report.to_text()
    [stamp] = report.timestamps
    assert stamp.valid and stamp.path == TIMESTAMP_FILE and not stamp.trusted
    assert stamp.authority is not None and "CN=Loopback TSA" in stamp.authority
    assert stamp.time is not None
    moment = datetime.datetime.fromisoformat(stamp.time)
    assert before - datetime.timedelta(seconds=2) <= moment <= datetime.datetime.now(datetime.UTC)
    assert "authority NOT trusted on this machine" in report.to_text()

    trusted = verify_bundle(built.path, trusted_tsas=[tsa.ca])
    assert trusted.intact and trusted.timestamps[0].trusted
    assert "trusted authority" in trusted.to_text()
    assert trusted.to_json()["timestamps"][0]["trusted"] is True


def test_timestamp_for_another_hash_is_rejected(build: Build, tsa: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([tsa.url]))
    bag = unzip(built.path, tmp_path / "out")
    other = request_timestamp(b"some other signature", tsa.url)
    (bag / TIMESTAMP_FILE).write_bytes(other)
    report = verify_bundle(bag, trusted_tsas=[tsa.ca])
    assert [(p.code, p.path) for p in report.problems] == [("timestamp-mismatch", TIMESTAMP_FILE)]
    assert "for other data" in report.to_text()
    assert not report.timestamps[0].valid


def test_signature_swapped_under_a_good_timestamp_is_reported(build: Build, tsa: LoopbackTSA, tmp_path: Path) -> None:
    first = build(tmp_path / "a.zip", timestamper=Timestamper([tsa.url]))
    second = build(tmp_path / "b.zip", timestamper=Timestamper([tsa.url]))
    bag = unzip(first.path, tmp_path / "out")
    (bag / TIMESTAMP_FILE).write_bytes(_member(second.path, TIMESTAMP_FILE))
    report = verify_bundle(bag)
    assert ("timestamp-mismatch", TIMESTAMP_FILE) in [(p.code, p.path) for p in report.problems]


def test_expired_tsa_certificate_is_reported(build: Build, tsa: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([tsa.url]))
    signature = _member(built.path, SIGNATURE_FILE)
    with LoopbackTSA("Expired TSA", expired=True) as expired:
        with pytest.raises(TimestampError, match="not valid when the timestamp was made"):
            request_timestamp(signature, expired.url)  # refused at build time ...
        query = rfc3161_client.TimestampRequestBuilder().data(signature).hash_algorithm(
            rfc3161_client.HashAlgorithm.SHA256).build()
        stale = expired.reply(query.as_bytes())
    bag = unzip(built.path, tmp_path / "out")
    (bag / TIMESTAMP_FILE).write_bytes(stale)  # ... and reported when a bundle carries one
    report = verify_bundle(bag)
    [problem] = report.problems
    assert problem.code == "timestamp-invalid" and problem.path == TIMESTAMP_FILE
    assert "certificate was not valid when the timestamp was made" in problem.message


def test_foreign_tsa_is_reported(build: Build, tsa: LoopbackTSA) -> None:
    with LoopbackTSA("Foreign TSA") as foreign:
        built = build(timestamper=Timestamper([foreign.url]))
    report = verify_bundle(built.path, trusted_tsas=[tsa.ca])
    [stamp] = report.timestamps
    assert stamp.valid and not stamp.trusted and "Foreign TSA" in (stamp.authority or "")
    assert "authority NOT trusted on this machine" in report.to_text()
    strict = verify_bundle(built.path, trusted_tsas=[tsa.ca], require_trusted=True)
    codes = {(p.code, p.path) for p in strict.problems}
    assert ("untrusted-timestamp", TIMESTAMP_FILE) in codes


def test_certificate_without_timestamping_usage_cannot_timestamp(signer: SigningIdentity) -> None:
    # openssl ts itself refuses to sign with such a certificate; the check is ours as well.
    with pytest.raises(TimestampError, match="not meant for timestamping"):
        _check_timestamping_usage(signer.certificate)


def test_damaged_or_removed_timestamp_is_named(build: Build, tsa: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([tsa.url]))
    bag = unzip(built.path, tmp_path / "out")
    token = bytearray((bag / TIMESTAMP_FILE).read_bytes())
    token[len(token) // 2] ^= 0x01
    (bag / TIMESTAMP_FILE).write_bytes(bytes(token))
    report = verify_bundle(bag)
    assert [p.path for p in report.problems] == [TIMESTAMP_FILE]
    assert report.problems[0].code in ("timestamp-invalid", "timestamp-mismatch")


def test_unreachable_tsa_fails_the_build_and_leaves_nothing(build: Build, tmp_path: Path) -> None:
    out = tmp_path / "never.zip"
    with pytest.raises(TimestampError, match="no timestamp authority gave a timestamp"):
        build(out, timestamper=Timestamper(["http://127.0.0.1:9/tsa"], timeout=2))
    assert not out.exists() and list(tmp_path.glob("*.part")) == []
    with pytest.raises(TimestampError, match="http"):
        request_timestamp(b"x", "file:///etc/passwd")


def test_second_url_is_used_when_the_first_fails(build: Build, tsa: LoopbackTSA) -> None:
    built = build(timestamper=Timestamper(["http://127.0.0.1:9/down", tsa.url], timeout=2))
    assert verify_bundle(built.path).timestamps[0].valid


def test_openssl_timestamp_commands_as_written(build: Build, tsa: LoopbackTSA, tmp_path: Path) -> None:
    built = build(timestamper=Timestamper([tsa.url]))
    bag = unzip(built.path, tmp_path / "out")
    shutil.copy(tsa.ca_file, bag.parent.parent / "TSA-ROOT.pem")  # beside BUNDLE.zip, as VERIFY.txt says
    result = timestamp_check(bag)
    assert timestamps_hold(result, 1), result.stdout + result.stderr
    assert "Time stamp:" in result.stdout and "Loopback TSA" in result.stdout
    # The same commands refuse a timestamp of another signature.
    (bag / TIMESTAMP_FILE).write_bytes(request_timestamp(b"another signature", tsa.url))
    assert not timestamps_hold(timestamp_check(bag), 1)
