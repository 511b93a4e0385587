"""Spam and screenshots through the operations the CLI and GUI share: intake, links, export, metadata, display."""

from __future__ import annotations

import base64
import os
import socket
import stat
import struct
import zlib
from pathlib import Path

import pytest

from app.cli import main
from app.core.model import CaseInfo, ItemKind, ParseStatus
from app.ops.attachments import export_attachments
from app.ops.capture_meta import MetadataRefused, edit_metadata, thumbnail
from app.ops.intake import add_domains, import_files
from app.ops.linking import add_unknown_domains, exhibit_domains, spam_links
from app.ops.show import item_view
from app.sources.html_safe import sanitise_html
from app.store import CaseFile


def _message(subject: str, body: str = "hello", extra: str = "") -> bytes:
    return (
        f"From: Seller <seller@spam.example>\nTo: you@victim.example\nSubject: {subject}\n"
        f"Date: Tue, 1 Mar 2011 10:00:00 +0000\nMessage-ID: <{subject.replace(' ', '')}@spam.example>\n"
        f"{extra}\n{body}\n"
    ).encode()


SPAM_HTML = (
    b"From: Pharmacy <sales@pills.example>\r\nTo: v@victim.example\r\nSubject: Cheap Viagra\r\n"
    b"Received: from bot (unknown [203.0.113.5]) by mx.victim.example; Tue, 1 Mar 2011 10:00:00 +0000\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
    b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b'<p>Buy <a href="http://shop.rx-pills.com/buy">www.pfizer.com</a>'
    b'<img src="http://pixel.tracker.example/open.gif?u=1"> also new-rx.ru</p>\r\n'
    b"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"run.sh\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"#!/bin/sh\necho owned\n") + b"\r\n"
    b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"invoice.pdf.exe\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(b"MZ" + b"\x00" * 100) + b"\r\n--b--\r\n"
)


@pytest.fixture
def case(tmp_path: Path) -> CaseFile:
    opened = CaseFile.create(tmp_path / "case.evcase", CaseInfo(case_id="", title="Spam"))
    yield opened
    opened.close()


def _png(width: int, height: int, color: int = 200) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + bytes([color, 0, 0]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_mbox_with_a_corrupted_message_finds_every_good_one(case: CaseFile, tmp_path: Path) -> None:
    good = [_message(f"Offer {n}", f"visit http://shop{n}.example.com") for n in range(1, 5)]
    corrupted = b"\x00\x9f\xff\xfe garbage \x00\x01 no headers at all\n\x00\x00\n"
    broken_mime = _message("Broken", "--x\nnot closed", 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="zz"\n')
    envelope = b"From spammer@spam.example Tue Mar  1 10:00:00 2011\n"
    mbox = b"\n".join(envelope + m for m in good[:2] + [corrupted, broken_mime] + good[2:])
    path = tmp_path / "botnet.mbox"
    path.write_bytes(mbox)
    report = import_files(case, [path])
    assert report.ok
    messages = [case.item(i) for i in report.imported if case.item(i).kind is ItemKind.MAILBOX_MESSAGE]
    assert len(messages) == 6
    subjects = [m.name for m in messages if m.parse_status is not ParseStatus.FAILED]
    assert [s for s in subjects if s.startswith("Offer")] == ["Offer 1", "Offer 2", "Offer 3", "Offer 4"]
    assert "Broken" in subjects
    (failed,) = [m for m in messages if m.parse_status is ParseStatus.FAILED]
    assert failed.parse_error and failed.exhibit_label  # kept as evidence, marked
    assert case.read_object(failed.sha256) == envelope + corrupted + b"\n"
    assert b"".join(case.read_object(m.sha256) for m in messages) == mbox


def test_folder_of_mail_is_imported_recursively(case: CaseFile, tmp_path: Path) -> None:
    folder = tmp_path / "samples"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.eml").write_bytes(_message("First"))
    (folder / "nested" / "b.eml").write_bytes(_message("Second"))
    (folder / "nested" / "c.eml").write_bytes(b"")
    report = import_files(case, [folder])
    assert sorted(case.item(i).name for i in report.imported) == ["First", "Second"]
    assert report.refused == [(str(folder / "nested" / "c.eml"), "empty file")]


def test_attachments_are_never_written_with_an_executable_name_or_mode(case: CaseFile, tmp_path: Path) -> None:
    source = tmp_path / "spam.eml"
    source.write_bytes(SPAM_HTML)
    (item_id,) = import_files(case, [source]).imported
    out = tmp_path / "export"
    exported = export_attachments(case, item_id, out)
    assert len(exported) == 2
    for entry in out.iterdir():
        mode = stat.S_IMODE(entry.stat().st_mode)
        assert mode == 0o600, (entry.name, oct(mode))
        assert not mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        assert entry.name == "manifest.tsv" or (entry.name.endswith(".bin") and len(entry.name) == 68)
    assert {a.declared_name for a in exported} == {"run.sh", "invoice.pdf.exe"}
    for a in exported:
        assert a.path.name == f"{a.sha256}.bin" and not os.access(a.path, os.X_OK)
    assert "invoice.pdf.exe" in (out / "manifest.tsv").read_text()
    assert case.custody()[-1].action == "attachments-exported"


def test_spam_links_match_case_domains_and_offer_unknown_ones(case: CaseFile, tmp_path: Path) -> None:
    source = tmp_path / "spam.eml"
    source.write_bytes(SPAM_HTML)
    (item_id,) = import_files(case, [source]).imported
    add_domains(case, "shop.rx-pills.com", source="test")
    (links,) = spam_links(case)
    assert links.advertised == ["rx-pills.com", "tracker.example", "new-rx.ru"] or "rx-pills.com" in links.advertised
    assert links.in_case == ["shop.rx-pills.com"]
    assert "new-rx.ru" in links.unknown and "rx-pills.com" not in links.unknown
    (mismatch,) = links.mismatches
    assert mismatch["shown_host"] == "www.pfizer.com" and mismatch["domain"] == "rx-pills.com"
    number = case.item(item_id).exhibit_number
    assert exhibit_domains(case) == {number: ["shop.rx-pills.com"]}
    report = add_unknown_domains(case)
    assert report.added == len(links.unknown)
    assert spam_links(case)[0].unknown == []
    assert any(e.action == "domains-added" and e.details["source"] == "spam links" for e in case.custody())


def test_screenshot_metadata_is_edited_with_custody_and_checked(case: CaseFile, tmp_path: Path) -> None:
    shot = tmp_path / "site.png"
    shot.write_bytes(_png(40, 30))
    (item_id,) = import_files(case, [shot]).imported
    item = edit_metadata(case, item_id, {"url": "hxxps://evil[.]example/login", "captured_at": "2026-11-28 15:00+01:00",
                                         "captured_by": "Ann", "tool": "evbundle", "tool_version": "0.1.0",
                                         "notes": "login page"}).item
    assert item.metadata["url"] == "hxxps://evil[.]example/login"  # as typed: never made a live link
    assert item.metadata["captured_at"] == "2026-11-28T14:00:00Z"
    entry = case.custody()[-1]
    assert entry.action == "metadata-edited" and entry.details["url"]["new"] == "hxxps://evil[.]example/login"
    with pytest.raises(MetadataRefused, match="time zone"):
        edit_metadata(case, item_id, {"captured_at": "2026-11-28 15:00"})
    with pytest.raises(MetadataRefused):
        edit_metadata(case, item_id, {"colour": "red"})


def test_thumbnails_are_cached_outside_the_case(case: CaseFile, tmp_path: Path, isolated_home: Path) -> None:
    shot = tmp_path / "big.png"
    shot.write_bytes(_png(1200, 600))
    (item_id,) = import_files(case, [shot]).imported
    objects = case.count_objects()
    path = thumbnail(case, case.item(item_id))
    assert path.is_relative_to(isolated_home) and path.read_bytes().startswith(b"\x89PNG")
    from PIL import Image

    with Image.open(path) as image:
        assert image.size == (256, 128)
    assert case.count_objects() == objects
    assert thumbnail(case, case.item(item_id)) == path  # cached


def test_show_and_rendering_open_no_socket(case: CaseFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "spam.eml"
    source.write_bytes(SPAM_HTML)
    (item_id,) = import_files(case, [source]).imported

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened while displaying spam")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    text = item_view(case, item_id)
    safe = sanitise_html(case.item(item_id).record["html_body"])
    assert "Subject:     Cheap Viagra" in text
    assert "Received hops: 1" in text and "203.0.113.5" in text
    assert "bytes are application/x-msdownload" in text and "TYPE MISMATCH" in text
    assert "text shows www.pfizer.com: MISMATCH" in text
    assert "Remote content in the HTML (never loaded): 1" in text
    assert "Malware (suggested)" in text  # an executable attachment outweighs the pharmacy words
    assert "<img" not in safe.html and "http://pixel.tracker.example/open.gif?u=1" in safe.blocked


def test_cli_show_links_meta_and_attachments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_path = tmp_path / "c.evcase"
    assert main(["new", str(case_path), "--title", "T"]) == 0
    (tmp_path / "spam.eml").write_bytes(SPAM_HTML)
    (tmp_path / "shot.png").write_bytes(_png(20, 20))
    assert main(["add", str(case_path), str(tmp_path / "spam.eml")]) == 0
    assert main(["add", str(case_path), str(tmp_path / "shot.png"), "--url", "http://evil.example/",
                 "--captured-at", "2026-11-28T10:00:00Z", "--tool", "Firefox"]) == 0
    capsys.readouterr()
    assert main(["show", str(case_path), "2"]) == 0
    out = capsys.readouterr().out
    assert "PNG 20 × 20 pixels" in out and "url: http://evil.example/" in out
    assert main(["links", str(case_path), "--add-unknown"]) == 0
    out = capsys.readouterr().out
    assert "not in the case: -" in out
    assert main(["meta", str(case_path), "1", "--category", "pharma"]) == 0
    assert "category: pharma" in capsys.readouterr().out
    assert main(["meta", str(case_path), "2", "--captured-at", "yesterday"]) == 2
    assert "not a date and time" in capsys.readouterr().err
    assert main(["attachments", str(case_path), "1", "--out", str(tmp_path / "att")]) == 0
    assert "2 attachment(s) written" in capsys.readouterr().out


def test_a_refusal_inside_a_batch_rolls_back_that_file_alone(case: CaseFile, tmp_path: Path) -> None:
    paths = []
    for n, data in enumerate([_message("One"), _message("Two"), _message("One"), _message("Three")]):
        path = tmp_path / f"{n}.eml"
        path.write_bytes(data)
        paths.append(path)
    report = import_files(case, paths)
    assert [case.item(i).name for i in report.imported] == ["One", "Two", "Three"]
    ((refused_path, reason),) = report.refused
    assert refused_path == str(paths[2]) and "already in the case as item 1" in reason
    assert [e.action for e in case.custody()].count("acquired") == 3
    assert not case.check()  # objects, custody chain and database intact
