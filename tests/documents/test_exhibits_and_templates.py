"""Exhibit PDFs (slip sheet, Bates on every page, reproducible) and template / profile errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.errors import TemplateError
from app.documents import load_profile, render_exhibit
from app.documents.profile import profile_from_json
from app.documents.template import parse_markup, render_document
from app.sources.mail_view import view_message

from . import sample


def _text_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not installed")
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout.split("\f")[:-1]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_exhibit_pages_carry_label_and_bates_in_sequence(number: int, tmp_path: Path) -> None:
    entries, originals = sample.exhibits()
    entry = entries[number - 1]
    case = sample.case()
    rendered = render_exhibit(entry, originals[number], case, load_profile("edva"), 41,
                              message=view_message(originals[number]))
    pages = _text_pages(rendered.pdf, tmp_path)
    assert len(pages) == rendered.pages >= 2
    assert f"EXHIBIT {number}" in pages[0] and entry.description in " ".join(pages[0].split())
    for index, page in enumerate(pages):
        assert f"CTSO-KEL-{41 + index:06d}" in page
        assert f"Exhibit {number}" in page
        assert "FICTIONAL SAMPLE CASE" in page
    assert rendered.first_bates == "CTSO-KEL-000041"
    assert rendered.last_bates == f"CTSO-KEL-{41 + rendered.pages - 1:06d}"


def test_email_exhibit_escapes_and_lists_attachments(tmp_path: Path) -> None:
    entries, originals = sample.exhibits()
    rendered = render_exhibit(entries[2], originals[3], sample.case(), load_profile("edva"), 1,
                              message=view_message(originals[3]))
    text = "".join(_text_pages(rendered.pdf, tmp_path))
    assert "<script>alert(1)</script>" in text
    assert "Message-ID" in text and "<abc123@spam.example>" in text
    assert "invoice.zip" in text and "ab" * 32 in text
    assert "€ price only today" in text


def test_domain_record_shows_fields_and_raw_response(tmp_path: Path) -> None:
    entries, originals = sample.exhibits()
    rendered = render_exhibit(entries[3], originals[4], sample.case(), load_profile("edva"), 1,
                              message=view_message(originals[4]))
    text = "".join(_text_pages(rendered.pdf, tmp_path))
    assert "Example Registrar, Inc." in text and "Domain Name: KELI-CC-DROP.CC" in text
    assert "\\xff\\xfe broken bytes" in text  # undecodable bytes shown as escapes, not dropped


def test_broken_image_still_renders_an_exhibit(tmp_path: Path) -> None:
    entries, _ = sample.exhibits()
    rendered = render_exhibit(entries[0], b"\x89PNG\r\n\x1a\nbroken", sample.case(), load_profile("edva"), 1)
    assert "could not be drawn" in "".join(_text_pages(rendered.pdf, tmp_path))


def test_exhibit_is_reproducible_and_embeds_fonts(tmp_path: Path) -> None:
    entries, originals = sample.exhibits()
    profile = load_profile("edva")
    first = render_exhibit(entries[0], originals[1], sample.case(), profile, 1)
    second = render_exhibit(entries[0], originals[1], sample.case(), profile, 1)
    assert first.pdf == second.pdf
    tool = shutil.which("pdffonts")
    if tool is None:
        pytest.skip("pdffonts not installed")
    path = tmp_path / "e.pdf"
    path.write_bytes(first.pdf)
    rows = subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)


def test_broken_template_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "declaration.xml.j2").write_text("<document title=\"x\">\n<p>ok</p>\n{% if %}\n</document>\n")
    with pytest.raises(TemplateError) as caught:
        render_document("declaration.xml.j2", {}, search_path=[tmp_path])
    message = caught.value.diagnostics()
    assert "declaration.xml.j2" in message and "line 3" in message


def test_misspelt_field_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "t.xml.j2").write_text("<document>\n\n<p>{{ case.nmae }}</p>\n</document>\n")
    with pytest.raises(TemplateError) as caught:
        render_document("t.xml.j2", {"case": {"name": "x"}}, search_path=[tmp_path])
    assert "line 3" in caught.value.diagnostics() and "nmae" in caught.value.diagnostics()


def test_sandbox_refuses_unsafe_attribute_access(tmp_path: Path) -> None:
    (tmp_path / "t.xml.j2").write_text("<document><p>{{ ''.__class__.__mro__ }}</p></document>")
    with pytest.raises(TemplateError):
        render_document("t.xml.j2", {}, search_path=[tmp_path])


def test_bad_markup_is_reported_with_output_line() -> None:
    with pytest.raises(TemplateError, match=r"output line 3"):
        parse_markup("<document>\n<p>ok</p>\n<wrong/>\n</document>", name="t")
    with pytest.raises(TemplateError, match=r"not well-formed"):
        parse_markup("<document><p>unclosed</document>", name="t")


def test_runs_keep_spacing_and_formatting() -> None:
    doc = parse_markup("<document><para>A  <b>bold</b>\n word and <i>it</i>.</para></document>")
    runs = doc.blocks[0].runs  # type: ignore[union-attr]
    assert "".join(r.text for r in runs) == "A bold word and it."
    assert [r.text for r in runs if r.bold] == ["bold"]


def test_profile_refuses_format_fields_beyond_prefix_and_number() -> None:
    data = {"id": "x", "name": "x", "court_lines": [], "margins_in": {"top": 1, "bottom": 1, "left": 1,
            "right": 1}, "font": {}, "line_spacing": {}, "caption": {},
            "bates_format": "{prefix.__class__}-{number:06d}"}
    with pytest.raises(TemplateError, match="unknown field"):
        profile_from_json(data)


def test_profiles_ship_for_edva_and_generic() -> None:
    edva = load_profile("edva")
    assert edva.page_size == (612.0, 792.0) and edva.margin_top == 72 and edva.font_size == 12
    assert edva.bates("MSFT-KEL", 1) == "MSFT-KEL-000001"
    assert edva.attachment_limit_bytes == 25 * 1024 * 1024
    assert edva.stamp_band < edva.margin_top
    assert re.search("generic", load_profile("generic").id)
    with pytest.raises(TemplateError):
        load_profile("../etc/passwd")
