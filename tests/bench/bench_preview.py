"""Benchmark: the documents page's preview and Rule 5.2 review on a Kelihos-sized case.

    .venv/bin/python tests/bench/bench_preview.py

Builds the synthetic case of ``bench_filing_set`` at 1x (3,723 subdomains, 21 domains, 200
screenshots, 1,000 spam emails) and times what the documents page runs in the background:
- the list of documents to preview (on every reload of the page);
- each kind of document rendered alone (declaration, order, Appendix A, Appendix B,
  exhibit index), beside the baseline of the whole filing set's documents (what the
  export renders, without the exhibits);
- the last exhibit with its true Bates numbers, cold (every exhibit before it rendered
  once to count its pages) and warm (the page counts kept from the first look), beside
  the baseline of rendering every exhibit (what the export does);
- the Rule 5.2 review (every exhibit's text searched).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_filing_set import make_case

from app.documents import load_profile, render_pdf_bytes
from app.documents.filing_documents import build_filing_documents
from app.ops.filing import declaration_input, render_exhibit_files
from app.ops.previews import (
    APPENDIX_A,
    APPENDIX_B,
    PageCounts,
    preview_choices,
    render_preview,
)
from app.ops.redactions import list_redactions
from app.store import CaseFile


def timed(label: str, call, baseline: float | None = None, baseline_label: str = ""):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    beside = f"   (baseline {baseline_label}: {baseline:6.2f} s)" if baseline is not None else ""
    print(f"{label:<48} {seconds:6.2f} s{beside}", flush=True)
    return result, seconds


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        print("building the 1x case…", flush=True)
        path = make_case(Path(tmp), 1)
        with CaseFile.open(path) as case:
            inp = declaration_input(case)
            profile = load_profile(inp.case.court)

            def whole_documents() -> None:
                for named in build_filing_documents(inp, profile):
                    render_pdf_bytes(named.document, profile)

            _, docs_base = timed("baseline: every document of the set (PDF)", whole_documents)
            _, exhibits_base = timed("baseline: every exhibit (as the export)",
                                     lambda: render_exhibit_files(case, inp, profile))
            choices, _ = timed("documents to preview (each page reload)", lambda: preview_choices(case))
            for key in ("01-declaration", "04-proposed-order-ex-parte-tro", APPENDIX_A, APPENDIX_B,
                        "02-exhibit-index"):
                timed(f"preview: {key}", lambda key=key: render_preview(case, key), docs_base, "all documents")
            last = choices[-1].key
            cold, _ = timed("preview: last exhibit, cold", lambda: render_preview(case, last, PageCounts()),
                            exhibits_base, "all exhibits")
            timed("preview: last exhibit, warm (counts kept)",
                  lambda: render_preview(case, last, cold.page_counts), exhibits_base, "all exhibits")
            rows, _ = timed("Rule 5.2 review: every exhibit searched", lambda: list_redactions(case))
            print(f"{len(choices)} documents to preview; {len(rows)} Rule 5.2 candidates")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
