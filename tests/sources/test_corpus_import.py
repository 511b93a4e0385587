"""Every real-world broken file in the shared corpus is either parsed or refused with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import ImageRefused, ImportRefused
from app.core.model import ItemKind, ParseStatus
from app.sources.detect import HEAD_SIZE, detect_kind
from app.sources.parse import Parsed, parse_item, split_mailbox

FOLDERS = ("eml", "mbox", "msg", "images", "whois", "rdap")


def _import(path: Path) -> Parsed | list[Parsed]:
    data = path.read_bytes()
    kind = detect_kind(data[:HEAD_SIZE], path.name)
    if kind is ItemKind.MAILBOX:
        return [parse_item(ItemKind.MAILBOX_MESSAGE, part.data, path.name) for part in split_mailbox(data)]
    return parse_item(kind, data, path.name)


def _parsed(corpus: Path, folder: str, name: str) -> Parsed:
    result = _import(corpus / folder / name)
    assert isinstance(result, Parsed)
    return result


def _refusal(corpus: Path, folder: str, name: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        _import(corpus / folder / name)
    return caught.value


def test_every_corpus_file_is_parsed_or_refused_with_a_reason(corpus: Path) -> None:
    seen = 0
    for folder in FOLDERS:
        for path in sorted((corpus / folder).iterdir()):
            seen += 1
            try:
                result = _import(path)
            except ImportRefused as refused:
                assert refused.message, path.name
                continue
            for parsed in result if isinstance(result, list) else [result]:
                assert "internal parser error" not in parsed.error, (path.name, parsed.error)
                assert parsed.name, path.name
                json.dumps(parsed.record)  # stored as JSON by the case file
                if parsed.status is not ParseStatus.OK:
                    assert parsed.error, path.name
    assert seen > 80


def test_empty_files_are_refused(corpus: Path) -> None:
    assert _refusal(corpus, "eml", "pp_2227_zero_bytes.eml").message == "empty file"
    assert _refusal(corpus, "mbox", "sisimai_size-0_empty.mbox").message == "empty file"
    assert _refusal(corpus, "rdap", "bootstrap_dns_empty.json").message == "empty file"
    with pytest.raises(ImportRefused, match="empty mailbox"):
        split_mailbox((corpus / "mbox" / "sisimai_size-0_empty.mbox").read_bytes())


def test_broken_boundary_message_is_kept_and_its_links_recovered(corpus: Path) -> None:
    parsed = _parsed(corpus, "eml", "mp_malformed_3_boundary_mismatch.eml")
    assert parsed.status is ParseStatus.PARTIAL
    assert parsed.name == "Ahorre Dinero en su Recibo de Luz"
    assert "boundary" in parsed.error
    assert parsed.record["from"] == "El Punto de los Frutos & Verdes <smgsiso@yahoo.com.mx>"
    assert parsed.record["hop_count"] == 3
    assert "calorsolar.tk" in parsed.record["domains"]


def test_gb2312_subjects_decode(corpus: Path) -> None:
    encoded = _parsed(corpus, "eml", "mp_test_9_gb2312_spam.eml")
    assert encoded.status is ParseStatus.OK
    assert encoded.name.startswith("我把镜头拉近些")
    assert "\ufffd" not in encoded.name
    assert encoded.record["domains"] == ["go2buy.com.cn"]
    raw = _parsed(corpus, "eml", "sa_cjk_gb2312_raw_headers.eml")
    assert raw.name.startswith("全新原装进口")
    assert raw.record["from"] == '"台湾鑫龙商贸集团公司" <1234@e34.com>'
    assert raw.status is ParseStatus.PARTIAL and "raw 8-bit" in raw.error


def test_iso_2022_jp_message_with_mbox_from_line_is_one_email(corpus: Path) -> None:
    data = (corpus / "eml" / "sa_cjk_iso-2022-jp.eml").read_bytes()
    assert detect_kind(data, "sa_cjk_iso-2022-jp.eml") is ItemKind.EMAIL
    parsed = _parsed(corpus, "eml", "sa_cjk_iso-2022-jp.eml")
    assert parsed.record["sender_address"] == "shinichiro@stained-g.net"
    assert parsed.record["hop_count"] == 8
    assert [a["name"] for a in parsed.record["attachments"]] == ["test-sjis.txt", "test-archive.txt"]


def test_spam_senders_hops_dates_and_attachments(corpus: Path) -> None:
    zipped = _parsed(corpus, "eml", "mp_test_15_ng_gov_spoof_zip.eml")
    assert zipped.name == "Urgent Request for Order Quotation"
    assert zipped.record["hop_count"] == 2
    assert zipped.record["date_utc"] == "2018-02-14T00:26:00Z"
    (attachment,) = zipped.record["attachments"]
    assert attachment["name"] == "REQUEST FOR QUOTE.zip"
    assert attachment["content_type"] == "application/zip"
    assert attachment["size"] == 251141 and len(attachment["sha256"]) == 64

    fake_av = _parsed(corpus, "eml", "pp_4325_fake_av_20_viruses.eml")
    assert fake_av.record["domains"] == ["topmarktingplace.com"]
    assert fake_av.record["hop_count"] == 4

    iso = _parsed(corpus, "eml", "pp_1266_iso_attachment.eml")
    assert iso.record["from"] == "Paolo Reggiani <Paol.Reggiani@moss.it>"
    assert iso.record["attachments"][0]["name"] == "quotation.iso"

    no_zone = _parsed(corpus, "eml", "sa_spam_008_viagra_8bit.eml")
    assert no_zone.record["date"] == "Fri, 7 Dec 2001 07:01:03"
    assert no_zone.record["date_utc"] == ""  # never invented

    smtputf8 = _parsed(corpus, "eml", "sa_nice_unicode1_smtputf8.eml")
    assert smtputf8.name == "Domače omrežje"


def test_headers_only_message_is_partial(corpus: Path) -> None:
    parsed = _parsed(corpus, "eml", "pp_2024_headers_only.eml")
    assert parsed.status is ParseStatus.PARTIAL
    assert parsed.name == "pp_2024_headers_only.eml"


def test_mailboxes_split_into_every_message(corpus: Path) -> None:
    data = (corpus / "mbox" / "sisimai_mbox-0_37_bounces.mbox").read_bytes()
    parts = split_mailbox(data)
    assert len(parts) == 37
    assert b"".join(part.data for part in parts) == data
    three = _import(corpus / "mbox" / "spamassassin_nice_3msgs.mbox")
    assert isinstance(three, list) and len(three) == 3
    assert three[1].name == "Re: multipart mail"


def test_outlook_messages(corpus: Path) -> None:
    newsletter = _parsed(corpus, "msg", "mp_mail_outlook_1.msg")
    assert newsletter.name == "Newsletter Prüfung Personalwesen / Prüfung Eröffnungsbilanz"
    assert newsletter.record["sender_address"] == "NueblingV@w-vwa.de"
    assert newsletter.record["hop_count"] == 10
    assert "w-vwa.de" in newsletter.record["domains"]
    assert newsletter.record["attachments"][0]["name"] == "newsletter.png"

    cp1251 = _parsed(corpus, "msg", "poi_HTMLBodyBinary_CP1251.msg")
    assert cp1251.name == "Subject цдь Subject"

    corrupt = _parsed(corpus, "msg", "poi_clusterfuzz_4735011465854976_corrupt.msg")
    assert corrupt.status is ParseStatus.FAILED
    assert "corrupt Outlook message" in corrupt.error

    blank = _parsed(corpus, "msg", "poi_blank.msg")
    assert blank.status is ParseStatus.PARTIAL and "blank message" in blank.error


def test_broken_images_are_refused(corpus: Path) -> None:
    bomb_gif = _refusal(corpus, "images", "pillow_decompression_bomb.gif")
    assert isinstance(bomb_gif, ImageRefused) and "not a PNG or JPEG" in bomb_gif.message
    text_bomb = _refusal(corpus, "images", "pillow_png_decompression_dos.png")
    assert "decompression bomb" in text_bomb.message
    assert "truncated PNG" in _refusal(corpus, "images", "pillow_truncated_image.png").message
    assert "truncated JPEG" in _refusal(corpus, "images", "sharp_truncated_photo.jpg").message
    assert "CRC" in _refusal(corpus, "images", "libpng_badcrc.png").message


def test_real_screenshot_is_decoded(corpus: Path) -> None:
    parsed = _parsed(corpus, "images", "shot_google_phish_accounts.g.cdcde.com.png")
    assert parsed.record["width"] == 1920 and parsed.record["height"] == 1080
    assert parsed.record["format"] == "PNG" and parsed.record["mode"] == "RGBA"


def test_verisign_whois_replies(corpus: Path) -> None:
    thin = _parsed(corpus, "whois", "verisign_com_killianestates_pendingdelete.txt")
    assert thin.name == "killianestates.com"
    assert thin.record["registrar"] == "GODADDY.COM, LLC"
    assert thin.record["status"] == ["pendingDelete"]
    assert thin.record["name_servers"] == ["ns75.domaincontrol.com", "ns76.domaincontrol.com"]
    assert thin.record["expires"] == "26-may-2013"

    cc = _parsed(corpus, "whois", "verisign_cc_google.cc_registered.txt")
    assert cc.name == "google.cc"
    assert cc.record["registrar_iana_id"] == "292"
    assert cc.record["created"] == "1999-06-07T04:00:00Z"
    assert "serverTransferProhibited" in cc.record["status"]
    assert cc.record["database_updated"] == "2017-08-01T00:30:52Z"

    missing = _parsed(corpus, "whois", "verisign_cc_available.txt")
    assert missing.record["not_found"] is True and missing.name == "u34jedzcq.cc"

    down = _parsed(corpus, "whois", "verisign_response_unavailable.txt")
    assert down.status is ParseStatus.FAILED and "currently down" in down.error


def test_other_whois_styles(corpus: Path) -> None:
    jprs = _parsed(corpus, "whois", "jprs_jp_registered.txt")
    assert jprs.name == "google.jp" and jprs.record["created"] == "2005/05/30"
    denic = _parsed(corpus, "whois", "baeckerei.de_idn.txt")
    assert denic.name == "bäckerei.de" and denic.record["domain_ascii"] == "xn--bckerei-5wa.de"
    pir = _parsed(corpus, "whois", "pir_org_registered.txt")
    assert pir.record["name_servers"] == ["ns2.google.com", "ns1.google.com", "ns3.google.com", "ns4.google.com"]


def test_rdap_replies(corpus: Path) -> None:
    google = _parsed(corpus, "rdap", "verisign_google.com_domain.json")
    assert google.name == "google.com"
    assert google.record["registrar"] == "MarkMonitor Inc."
    assert google.record["registrar_iana_id"] == "292"
    assert google.record["database_updated"] == "2021-06-09T09:34:01Z"
    assert "serverDeleteProhibited" in google.record["epp_status"]
    error = _parsed(corpus, "rdap", "ripe_error_501.json")
    assert error.status is ParseStatus.FAILED and error.error.startswith("RDAP error 501")
    cz = _parsed(corpus, "rdap", "nic_cz_example.cz_domain.json")
    assert cz.record["name_servers"] == ["ns2.pipni.cz", "ns3.pipni.cz", "ns.pipni.cz"]
    bootstrap = _refusal(corpus, "rdap", "iana_bootstrap_dns_2021-05-11.json")
    assert "bootstrap" in bootstrap.message
    forced = parse_item(ItemKind.DOMAIN_RECORD, (corpus / "rdap" / "bootstrap_dns_syntax_error.json").read_bytes(), "x.json")
    assert forced.status is ParseStatus.FAILED and forced.error.startswith("not valid JSON")


MAIL_AND_IMAGES = ("eml", "mbox", "msg", "images")

# (folder, file, subject, sender address, hops, domains linked) for spam; or (folder, file, refusal reason).
SPAM_FACTS = [
    ("eml", "mp_malformed_3_boundary_mismatch.eml", "Ahorre Dinero en su Recibo de Luz", "smgsiso@yahoo.com.mx", 3,
     ["calorsolar.tk", "calefaccionsinlimites.com", "ip-zone.com"]),
    ("eml", "mp_test_9_gb2312_spam.eml", "我把镜头拉近些，你们看看这个是什么屄，这种场合自然少不了内射", "zyb@sgis.com.cn", None, ["go2buy.com.cn"]),
    ("eml", "mp_test_6_gold_scam_folded_subject.eml", "Быстрее вкладывайте в золото!", "noreply@ggg.com", 2,
     ["ggg.com", "professionali.ru"]),
    ("eml", "pp_3496_pharma_viagra_emoji.eml", "Fresh email for you!", "ex.pharmacy.online8@hotmail.com", 9,
     ["mediawareonline.it"]),
    ("eml", "pp_7573_norton_renewal.eml", "Norton Alert: Protection Stopped – Renew Immediately #CASE-580USSDJM",
     "alert@NortonALERT.2912.com", 4, []),
    ("eml", "sa_spam_010_oem_software.eml", "Fw: PROTECT YOUR COMPUTER,YOU NEED SYSTEMWORKS2002!",
     "Bangura803038@yahoo.com", 0, ["saving-much.com"]),
    ("eml", "sa_spam_015_rx_pharma.eml", "no r-x req", "Gagnenljl@mindspring.com", 2, ["benefitsanditsother.com"]),
    ("eml", "mp_test_11_rfc2047_filename.eml", "письмо уведом-е", "suvorov.s@nalg.ru", 4, ["nalog.ru", "gov.ru"]),
    ("eml", "pp_3641_mx_fine_zip_ddns.eml", "ENVIO INFRACCION461", "fotc.461@infracc24.ddns.net", 5, []),
    ("eml", "mp_malformed_1_jpg_zip.eml", "immagine", "femucca@tin.it", 4, []),
    ("msg", "poi_no_recipient_address.msg", "Welcome to Microsoft Office Outlook 2003", "olteam@microsoft.com", 0,
     ["microsoft.com"]),
    ("mbox", "sisimai_mbox-1_single.mbox", "Error Mail Report", "POSTMASTER@example.jp", 1,
     ["example.co.jp", "libsisimai.org"]),
]
REFUSALS = [
    ("eml", "pp_2227_zero_bytes.eml", "empty file"),
    ("mbox", "sisimai_size-0_empty.mbox", "empty file"),
    ("images", "pillow_decompression_bomb.gif", "not a PNG or JPEG screenshot"),
    ("images", "pillow_png_decompression_dos.png", "decompression bomb"),
    ("images", "libpng_badcrc.png", "checksum (CRC) mismatch"),
    ("images", "sharp_truncated_photo.jpg", "truncated JPEG"),
    ("images", "pillow_truncated_image.png", "truncated PNG"),
]


@pytest.mark.parametrize(("folder", "name", "subject", "sender", "hops", "domains"), SPAM_FACTS,
                         ids=[row[1] for row in SPAM_FACTS])
def test_spam_facts(corpus: Path, folder: str, name: str, subject: str, sender: str, hops: int | None,
                    domains: list[str]) -> None:
    result = _import(corpus / folder / name)
    parsed = result[0] if isinstance(result, list) else result
    assert parsed.name == subject
    assert parsed.record["sender_address"] == sender
    if hops is not None:
        assert parsed.record["hop_count"] == hops == len(parsed.record["received"])
    assert parsed.record["domains"] == domains


def test_corpus_import_into_a_case_names_every_refused_file(corpus: Path, tmp_path: Path) -> None:
    from app.core.model import CaseInfo
    from app.ops.intake import import_files
    from app.store import CaseFile

    files = sorted(p for folder in MAIL_AND_IMAGES for p in (corpus / folder).iterdir())
    with CaseFile.create(tmp_path / "corpus.evcase", CaseInfo(case_id="", title="Corpus")) as case:
        report = import_files(case, [corpus / folder for folder in MAIL_AND_IMAGES])
        sources = {item.source_path for item in case.items()}
        refused = dict(report.refused)
        for path in files:
            assert (str(path) in sources) != (str(path) in refused), path.name
        for folder, name, reason in REFUSALS:
            assert reason in refused[str(corpus / folder / name)], name
        assert len(refused) == 11 and all(refused.values())
        # nothing of a refused file was stored; every kept file is byte-exact
        for item in case.items():
            if item.parent_id is None:
                assert case.read_object(item.sha256) == Path(item.source_path).read_bytes()


def test_corrupted_msg_and_hidden_malware_attachment(corpus: Path) -> None:
    corrupt = _parsed(corpus, "msg", "poi_clusterfuzz_4735011465854976_corrupt.msg")
    assert corrupt.status is ParseStatus.FAILED and corrupt.record.get("damaged") is True
    hidden = _parsed(corpus, "eml", "mp_malformed_1_jpg_zip.eml")  # inner multipart reuses the outer boundary
    (attachment,) = hidden.record["attachments"]
    assert attachment["name"] == "20160523_916527.jpg_.zip" and attachment["sniffed_type"] == "application/zip"
    assert "hidden by broken MIME structure recovered" in hidden.error
    assert hidden.record["suggested_category"] == "malware"


def test_authentication_dkim_and_obfuscated_links(corpus: Path) -> None:
    gold = _parsed(corpus, "eml", "mp_test_6_gold_scam_folded_subject.eml")
    assert gold.record["dkim_domains"] == ["ggg.com"]
    assert gold.record["authentication_results"][0]["verdicts"] == {"spf": "pass", "dkim": "pass"}
    pharma = _parsed(corpus, "eml", "pp_3496_pharma_viagra_emoji.eml")
    assert pharma.record["authentication_results"][0]["verdicts"] == {"spf": "fail", "dkim": "none", "dmarc": "fail"}
    assert pharma.record["suggested_category"] == "pharma"
    norton = _parsed(corpus, "eml", "pp_7573_norton_renewal.eml")
    assert {link["host"] for link in norton.record["links"]} == {"81.171.12.132"}  # 'http://1370164356/' decoded
    assert norton.record["suggested_category"] == "fake-av"
    boundary = _parsed(corpus, "eml", "mp_malformed_3_boundary_mismatch.eml")
    (mismatch,) = boundary.record["link_mismatches"]
    assert mismatch["shown_host"] == "calefaccionsinlimites.com" and mismatch["domain"] == "calorsolar.tk"
