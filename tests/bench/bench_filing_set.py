"""Benchmark: the whole filing set of a Kelihos-sized case, at 1x and larger, beside a naive table.

    .venv/bin/python tests/bench/bench_filing_set.py [--scales 1,2] [--naive-scales 1,2,4]

A synthetic case at scale k holds k x (3,723 subdomains, 21 domains, 200 screenshots,
1,000 spam emails). For each scale it times, through the same call the CLI makes
(``app.ops.filing.export_filing_set``, sealed E.D. Va. case, so with the paper set):
- ours, whole filing set: every exhibit PDF (k x 1,200, each Bates-stamped), the
  declaration, exhibit index, 902 certification, proposed order, appendices, letters, all in
  PDF and DOCX, and the print-ready paper set; the appendix CSV too, but only when the
  appendices list more names than the court profile's electronic_appendix_threshold
  (E.D. Va.: 5,000, so from scale 2 on, not at 1x);
- the pre-filing review that a filing (not draft) export runs first, beside the export's time;
- ours, the tables alone: the appendices and exhibit index (PDF), the same rows as below;
- naive: the same rows (every domain row and every exhibit-index row) as one reportlab
  LongTable in a SimpleDocTemplate, as a first attempt would do it.
Growth is linear when time per row stays flat from scale to scale.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image  # noqa: E402
from reportlab.lib.pagesizes import letter  # noqa: E402
from reportlab.platypus import LongTable, SimpleDocTemplate  # noqa: E402

from app.core.model import CaseInfo  # noqa: E402
from app.documents import fonts, load_profile, render_pdf_bytes  # noqa: E402
from app.documents.filing_documents import build_filing_documents  # noqa: E402
from app.ops.filing import declaration_input, export_filing_set, render_exhibit_files  # noqa: E402
from app.ops.intake import add_domains, import_files  # noqa: E402
from app.ops.review import review_case  # noqa: E402
from app.store import CaseFile  # noqa: E402

SUBDOMAINS, DOMAINS, SCREENSHOTS, EMAILS = 3723, 21, 200, 1000
TLDS = ("com", "net", "cc", "org", "tv", "info", "biz")


def _png(i: int) -> bytes:
    image = Image.new("RGB", (1024, 700), (240, 240, 250))
    for y in range(0, 700, 35):
        image.paste((200, (i * 7) % 255, 40), (0, y, 1024, y + 3))
    image.paste((i % 256, (i // 256) % 256, 0), (0, 0, 2, 2))  # every screenshot different bytes
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _eml(i: int, domain: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Deals {i} <deals{i}@spam-sender.example>"
    message["To"] = f"victim{i}@example.org"
    message["Subject"] = f"Offer number {i}: cheap meds today"
    message["Date"] = "Tue, 18 Feb 2025 08:15:00 +0000"
    message["Message-ID"] = f"<m{i}@spam-sender.example>"
    message.set_content(f"Buy now at http://{domain}/buy?id={i}\n" + "Limited offer, act today. " * 30)
    return bytes(message)


def make_case(folder: Path, scale: int) -> Path:
    """A synthetic sealed E.D. Va. case at ``scale`` times the Kelihos counts."""
    path = folder / f"bench-{scale}.evcase"
    info = CaseInfo(case_id="", title=f"Bench v. Does (x{scale})", declarant="Bench Investigator",
                    plaintiff="Bench Corporation, a Washington corporation", sealed=True,
                    bates_prefix="BENCH", bundle_date="2025-03-01")
    domains = [f"kel-bench-{i:03d}.{TLDS[i % len(TLDS)]}" for i in range(DOMAINS * scale)]
    subs = [f"s{i:05d}.free-sub-bench.cc" for i in range(SUBDOMAINS * scale)]
    evidence = folder / f"evidence-{scale}"
    evidence.mkdir()
    for i in range(SCREENSHOTS * scale):
        (evidence / f"shot-{i:05d}.png").write_bytes(_png(i))
    for i in range(EMAILS * scale):
        (evidence / f"mail-{i:05d}.eml").write_bytes(_eml(i, domains[i % len(domains)]))
    with CaseFile.create(path, info) as case:
        import_files(case, sorted(evidence.iterdir()))
        add_domains(case, "\n".join(domains + ["free-sub-bench.cc"] + subs), source="bench")
    return path


def time_ours(path: Path, out: Path) -> tuple[float, int, int]:
    """The export as a draft: the synthetic case is not fileable (no parties, no support, prompts)."""
    with CaseFile.open(path) as case:
        start = time.perf_counter()
        result = export_filing_set(case, out, draft=True)
        elapsed = time.perf_counter() - start
    return elapsed, len(result.files), sum(p.stat().st_size for p in result.files)


def time_review(path: Path) -> tuple[float, int]:
    """The pre-filing review a (non-draft) export runs first: its time and how many problems it found."""
    with CaseFile.open(path) as case:
        start = time.perf_counter()
        review = review_case(case)
        return time.perf_counter() - start, len(review.problems)


def time_tables(path: Path) -> tuple[float, int]:
    """The appendices and exhibit index alone (PDF), from a rendered case."""
    with CaseFile.open(path) as case:
        inp = declaration_input(case)
        profile = load_profile("edva")
        _, inp = render_exhibit_files(case, inp, profile)
    docs = {d.stem: d.document for d in build_filing_documents(inp, profile)}
    rows = len(inp.domains) + len(inp.exhibits)
    start = time.perf_counter()
    render_pdf_bytes(docs["05-appendices-a-b-domains"], profile)
    render_pdf_bytes(docs["02-exhibit-index"], profile)
    return time.perf_counter() - start, rows


def time_naive(rows: int) -> float:
    """The same number of rows as one LongTable: the obvious first attempt."""
    fonts.register_fonts()
    data = [["No.", "Domain or exhibit", "Registry or SHA-256"]]
    data += [[str(i + 1), f"s{i:06d}.free-sub-bench.cc", "Verisign, Inc."] for i in range(rows)]
    table = LongTable(data, repeatRows=1)
    table.setStyle([("FONT", (0, 0), (-1, -1), fonts.SERIF, 9)])
    buffer = io.BytesIO()
    start = time.perf_counter()
    SimpleDocTemplate(buffer, pagesize=letter, invariant=1, initialFontName=fonts.SERIF).build([table])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,2")
    parser.add_argument("--naive-scales", default="1,2,4")
    args = parser.parse_args()
    rows_per_scale = SUBDOMAINS + DOMAINS + 1 + SCREENSHOTS + EMAILS
    print(f"per 1x: {SUBDOMAINS} subdomains, {DOMAINS} domains, {SCREENSHOTS} screenshots, "
          f"{EMAILS} emails ({rows_per_scale} table rows)")
    with tempfile.TemporaryDirectory(prefix="evbundle-bench-") as tmp:
        folder = Path(tmp)
        os.environ.setdefault("EVBUNDLE_HOME", str(folder / "home"))  # never the user's own folders
        for scale in (int(s) for s in args.scales.split(",")):
            start = time.perf_counter()
            path = make_case(folder, scale)
            setup = time.perf_counter() - start
            ours, count, size = time_ours(path, folder / f"out-{scale}")
            review, problems = time_review(path)
            tables, rows = time_tables(path)
            naive = time_naive(rows)
            exhibits = (SCREENSHOTS + EMAILS) * scale
            print(f"x{scale}: case setup {setup:6.1f} s | ours, whole filing set {ours:6.1f} s "
                  f"({count} files, {size / 1e6:.0f} MB, {ours / exhibits * 1000:.1f} ms per exhibit) | "
                  f"review before it {review:5.1f} s ({problems} problems, {review / ours:.0%} of the export) | "
                  f"ours, appendices+index {tables:5.2f} s ({rows} rows, {tables / rows * 1e6:.0f} us/row) | "
                  f"naive LongTable, same rows {naive:6.2f} s ({naive / rows * 1e6:.0f} us/row)")
        for scale in (int(s) for s in args.naive_scales.split(",")):
            rows = rows_per_scale * scale
            naive = time_naive(rows)
            print(f"naive LongTable alone, x{scale} ({rows} rows): {naive:6.2f} s ({naive / rows * 1e6:.0f} us/row)")


if __name__ == "__main__":
    main()
