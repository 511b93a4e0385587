"""What the PDF keeps together across a page end, as Word's "keep with next" and widow control do.

reportlab keeps a heading with the whole next flowable and cannot keep anything with a container
at all; these two groups keep a heading with the first rows of a list or table (or the first two
lines of a paragraph), and a paragraph's last two lines (or a table's last two rows) with what must
follow it: the Section 1746 clause and the signature, or the names a paragraph introduces.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph
from reportlab.platypus.flowables import _Container, _listWrapOn

from app.documents.pdf_rows import PagedRows


class KeepTail(_Container, Flowable):
    """A body paragraph with what must stand before it (a heading, a paragraph kept with it) and after
    it (the Section 1746 clause, the date and the signature; a list of names it introduces).

    reportlab keeps a heading with the whole next paragraph, and cannot keep anything with a group
    like this one at all. Here, when the group does not fit on the page, the paragraph breaks across
    the pages with at least two of its lines on each side: the first two stay with what comes before
    it, the last two go over with what comes after it, as Word's "keep with next" and widow control
    do; so a heading never ends a page, a signature is never alone on a page, and the DOCX and the PDF
    break alike. A paragraph too short to break moves with the whole group; a group taller than a page
    flows on regardless.
    """

    def __init__(self, lead: list[Flowable], body: Flowable, rest: list[Flowable], page_height: float) -> None:
        super().__init__()
        self._lead, self._body, self._rest = lead, body, rest
        self._content = [*lead, body, *rest]
        self._page_height = page_height

    def with_rest(self, rest: list[Flowable]) -> KeepTail:
        """This group with more kept after it (a signature block coming after its paragraph)."""
        return KeepTail(self._lead, self._body, [*self._rest, *rest], self._page_height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = _listWrapOn(self._content, availWidth, self.canv)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        body = self._body
        lead = _listWrapOn(self._lead, availWidth, self.canv)[1] if self._lead else 0.0
        if isinstance(body, PagedRows):  # a table: its last two rows go over with what follows
            parts = body.split_keeping(availHeight - lead, 2)
            if len(parts) == 2:
                return [*self._lead, parts[0], KeepTail([], parts[1], self._rest, self._page_height)]
        if isinstance(body, Paragraph):
            body.wrap(availWidth, availHeight)
            leading, before = body.style.leading, body.getSpaceBefore()
            head = min(len(body.blPara.lines) - 2, int((availHeight - lead - before) // leading))
            if head >= 2:
                parts = body.split(availWidth, head * leading + before + 0.01)
                if len(parts) == 2:
                    tail: Flowable = (KeepTail([], parts[1], self._rest, self._page_height) if self._rest
                                      else parts[1])
                    return [*self._lead, parts[0], tail]
        if availHeight >= self._page_height - 1:
            return list(self._content)  # taller than a page: nothing to keep it with
        return []  # the whole group goes to the next page


class KeepWithFirstRows(KeepTogether):
    """Keeps headings with the header and first rows of the list or table they introduce, or with the
    first two lines of the paragraph they introduce.

    reportlab keeps a heading (``keepWithNext``) together with the whole next flowable, so a
    heading over a long table or paragraph moved to the next page and left this one half empty.
    Here the group stays on this page when the headings and the first rows (lines) fit; the table
    or paragraph then splits at the page end as usual, as Word's "keep with next" does.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        last = self._content[-1]
        first_rows = getattr(last, "first_rows_height", None)
        if first_rows is None and isinstance(last, Paragraph):
            def first_rows() -> float:
                return float(last.getSpaceBefore() + 2 * last.style.leading)
        if first_rows is not None and aH < self._H:
            _, whole = last.wrap(aW, aH)
            if self._H - whole + first_rows() <= aH:
                return list(self._content)
        return super().split(aW, aH)  # type: ignore[no-any-return]
