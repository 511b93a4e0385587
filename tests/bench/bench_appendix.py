"""Benchmark: Appendix A for 10,000 and 100,000 domains as PDF and DOCX, beside the naive ways and the floors.

    .venv/bin/python tests/bench/bench_appendix.py [--sizes 10000,100000] [--naive-100k] [--repeat N] [--out DIR]

For each size it times:
- ours: the declaration (whose Appendix A holds the domains, in four registry
  groups) through app.documents: build_declaration, render_pdf_bytes,
  render_docx_bytes; the declaration body itself costs well under a second;
- naive PDF: one reportlab LongTable holding every row (quadratic: ~5 min at
  100k, so run there only with --naive-100k);
- floor PDF: a hand-drawn reportlab canvas loop (same embedded font, page
  breaks, a header per page): what PDF output cannot beat much;
- naive DOCX: python-docx ``table.add_row()`` per domain (also behind --naive-100k at 100k);
- floor DOCX: one table row's XML cloned per domain, then saved.
Goal: ours within 2x of the floor at both sizes, and linear growth.

Ours and the floors are timed ``--repeat`` times (default 3) and the best run is
shown, since a busy machine only ever adds time; the naive versions run once. With
several sizes, the last lines give each column's growth per tenfold size.
"""

from __future__ import annotations

import argparse
import copy
import io
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.lib.units import inch  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import LongTable, SimpleDocTemplate  # noqa: E402

from app.core.model import CaseInfo, Domain  # noqa: E402
from app.documents import (  # noqa: E402  # noqa: E402
    DeclarationInput,
    build_declaration,
    fonts,  # noqa: E402
    load_profile,
    render_docx_bytes,
    render_pdf_bytes,
)
from app.sources.registries import RegistryTable  # noqa: E402

TLDS = ("com", "net", "cc", "tv", "org")


def synthetic_domains(count: int, seed: int = 11) -> list[Domain]:
    rng = random.Random(seed)
    table = RegistryTable.load()
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    out = []
    for i in range(count):
        tld = TLDS[i % len(TLDS)]
        name = "".join(rng.choice(letters) for _ in range(rng.randint(8, 20))) + f"{i}.{tld}"
        out.append(Domain(i + 1, name, name, tld, name, table.for_tld(tld).id, "2026-01-01T00:00:00Z", "bench"))
    return out


def rows_of(domains: list[Domain]) -> list[tuple[str, str]]:
    return [(str(i), d.ascii) for i, d in enumerate(domains, start=1)]


def ours(domains: list[Domain]) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    table = RegistryTable.load()
    inp = DeclarationInput(
        case=CaseInfo(case_id="bench", title="Bench v. Does", bundle_date="2026-01-01", fictional=True),
        exhibits=[], domains=domains, registries={d.registry_id: table.get(d.registry_id) for d in domains},
        signer_fingerprint=None, tool_name="evbundle", tool_version="bench",
    )
    profile = load_profile("edva")

    def pdf() -> bytes:
        return render_pdf_bytes(build_declaration(inp, profile), profile)

    def docx() -> bytes:
        return render_docx_bytes(build_declaration(inp, profile), profile)

    return pdf, docx


def naive_pdf(rows: list[tuple[str, str]]) -> bytes:
    fonts.register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, invariant=1, initialFontName=fonts.SERIF)
    table = LongTable([("No.", "Domain name"), *rows], colWidths=[0.6 * inch, 5.9 * inch], repeatRows=1)
    table.setStyle([("FONT", (0, 0), (-1, -1), fonts.SERIF, 11)])
    doc.build([table])
    return buffer.getvalue()


def floor_pdf(rows: list[tuple[str, str]]) -> bytes:
    fonts.register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1, initialFontName=fonts.SERIF)
    top, bottom, leading = letter[1] - inch, inch, 14
    y = top
    canvas.setFont(fonts.SERIF, 11)
    for number, name in rows:
        if y < bottom:
            canvas.showPage()
            canvas.setFont(fonts.SERIF, 11)
            y = top
        if y == top:
            canvas.drawString(inch, y, "No.   Domain name")
            y -= leading
        canvas.drawRightString(inch + 0.5 * inch, y, number)
        canvas.drawString(inch + 0.7 * inch, y, name)
        y -= leading
    canvas.save()
    return buffer.getvalue()


def naive_docx(rows: list[tuple[str, str]]) -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "No.", "Domain name"
    for number, name in rows:
        cells = table.add_row().cells
        cells[0].text = number
        cells[1].text = name
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def floor_docx(rows: list[tuple[str, str]]) -> bytes:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "No.", "Domain name"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "0", "x"
    sample = table.rows[1]._tr
    tbl = table._tbl
    for number, name in rows:
        row = copy.deepcopy(sample)
        texts = row.findall(".//" + qn("w:t"))
        texts[0].text, texts[1].text = number, name
        tbl.append(row)
    tbl.remove(sample)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed(job: Callable[[], bytes], repeat: int = 1) -> tuple[float, float, int]:
    """The best of ``repeat`` runs in wall-clock and in CPU seconds, and the output's size.
    CPU time is shown too because other processes on a shared machine inflate wall time."""
    best, best_cpu, length = float("inf"), float("inf"), 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = job()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        length = len(data)
    return best, best_cpu, length


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--naive-100k", action="store_true", help="also run the naive versions above 20,000 rows")
    parser.add_argument("--out", type=Path, help="save our PDF and DOCX here to look at them")
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours and the floors (best shown)")
    args = parser.parse_args()
    by_size: dict[int, dict[str, float]] = {}
    for size in (int(s) for s in args.sizes.split(",")):
        domains = synthetic_domains(size)
        rows = rows_of(domains)
        pdf, docx = ours(domains)
        print(f"Appendix A, {size:,} domains")
        results: dict[str, float] = {}
        for label, job, skip in (
            ("ours PDF   (app.documents)", pdf, False),
            ("floor PDF  (canvas loop)", lambda: floor_pdf(rows), False),
            ("naive PDF  (one LongTable)", lambda: naive_pdf(rows), size > 20000 and not args.naive_100k),
            ("ours DOCX  (app.documents)", docx, False),
            ("floor DOCX (cloned row XML)", lambda: floor_docx(rows), False),
            ("naive DOCX (add_row)", lambda: naive_docx(rows), size > 20000 and not args.naive_100k),
        ):
            if skip:
                print(f"  {label:<30} skipped (use --naive-100k)")
                continue
            seconds, cpu, length = timed(job, 1 if label.startswith("naive") else args.repeat)
            results[label.split()[0] + label.split()[1]] = seconds
            print(f"  {label:<30} {seconds:8.2f} s  (cpu {cpu:6.2f} s)  {length / 1e6:7.1f} MB")
            if args.out and label.startswith("ours"):
                args.out.mkdir(parents=True, exist_ok=True)
                suffix = "pdf" if "PDF" in label else "docx"
                (args.out / f"appendix-{size}.{suffix}").write_bytes(job())
        print(f"  ratio ours/floor: PDF {results['oursPDF'] / results['floorPDF']:.2f}x, "
              f"DOCX {results['oursDOCX'] / results['floorDOCX']:.2f}x (goal: within 2x)")
        by_size[size] = results
    sizes = sorted(by_size)
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"Growth from {small:,} to {large:,} domains ({large / small:g}x the rows; linear = {large / small:g}x):")
        for key in by_size[small]:
            if key in by_size[large]:
                print(f"  {key:<10} {by_size[large][key] / by_size[small][key]:6.1f}x")


if __name__ == "__main__":
    main()
