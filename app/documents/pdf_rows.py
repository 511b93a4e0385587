"""Long lists and tables drawn a page at a time: one flowable per page, rows measured once.

A reportlab Table lays out and styles every cell through generic machinery; for an
appendix of 100,000 domains that costs several times the drawing itself. Here the
rows are measured once (only names long enough to need it are wrapped), their
heights summed once, and each page's share of rows is drawn with one text object.
The page looks like the tables it replaces (a bold "No. / Domain name" header ruled
below, numbers right-aligned) and the text stays real, searchable text in the same
embedded font. The header is printed at the top of each page's share only.

Other long tables (the exhibit index, the certification's hash list) go the same way:
``TableRows`` measures its pre-wrapped rows once and draws each page's share as one small
reportlab Table, so the header appears once at the top of the table and again at the top
of each new page, never in the middle of a page.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from app.documents import model as m
from app.documents.layout import fit_lines, listed_text

NUMBER_WIDTH = 0.6 * 72  # the "No." column
PAD_TOP = PAD_BOTTOM = 1.0
PAD_LEFT = 6.0
PAD_RIGHT_NUMBER = 8.0
WIDEST_GLYPH_EM = 1.5  # no glyph a domain name may hold is wider: shorter names need no measuring
_EPSILON = 1e-6
FIRST_ROWS = 2  # a heading kept with a list or table is kept with this many of its rows, not all


@dataclass(frozen=True)
class RowLook:
    """Fonts and sizes of the rows (the court profile's appendix type)."""

    font: str
    bold_font: str
    size: float
    leading: float


class _MeasuredRows:
    """Rows whose heights are known: ``tops[i]`` is the height of the rows before row i."""

    heights: list[float]
    tops: list[float]
    header_height: float
    width: float

    def span(self, start: int, stop: int) -> float:
        """The height of rows ``start`` to ``stop`` (excluded)."""
        return self.tops[stop] - self.tops[start]

    def fitting(self, start: int, room: float) -> int:
        """The end of the longest run of rows from ``start`` that fits in ``room`` points."""
        return bisect.bisect_right(self.tops, self.tops[start] + room + _EPSILON) - 1


class _PagedRows(Flowable):
    """Rows ``start`` to ``stop`` of measured rows under their header; splits at page ends.
    A subclass draws them."""

    def __init__(self, rows: _MeasuredRows, start: int = 0, stop: int | None = None) -> None:
        super().__init__()
        self._rows = rows
        self._start = start
        self._stop = len(rows.heights) if stop is None else stop

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self._rows.width
        self.height = self._rows.header_height + self._rows.span(self._start, self._stop)
        return self.width, self.height

    def first_rows_height(self) -> float:
        """The height of the header and the first rows: what a heading is kept together with."""
        return self._rows.header_height + self._rows.span(self._start, min(self._stop, self._start + FIRST_ROWS))

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        end = self._rows.fitting(self._start, availHeight - self._rows.header_height)
        if end <= self._start:
            return []  # not even one row fits: the rest moves to the next page
        if end >= self._stop:
            return [self]
        return [type(self)(self._rows, self._start, end), type(self)(self._rows, end, self._stop)]


class RowSet(_MeasuredRows):
    """Every row of one domain list, measured once: numbers, wrapped lines, running heights."""

    def __init__(self, domains: Sequence[m.ListedDomain], width: float, look: RowLook) -> None:
        self.look = look
        self.width = width
        self.text_x = NUMBER_WIDTH + PAD_LEFT
        self.number_right = NUMBER_WIDTH - PAD_RIGHT_NUMBER
        room = width - self.text_x - PAD_LEFT
        short = room / (look.size * WIDEST_GLYPH_EM)
        self.lines: list[tuple[str, ...]] = []
        for domain in domains:
            text = listed_text(domain)
            if len(text) <= short or stringWidth(text, look.font, look.size) <= room:
                self.lines.append((text,))
            else:
                self.lines.append(tuple(fit_lines(text, look.font, look.size, room)))
        pads = PAD_TOP + PAD_BOTTOM
        self.heights = [len(lines) * look.leading + pads for lines in self.lines]
        self.tops = [0.0, *accumulate(self.heights)]  # tops[i]: height of the rows before row i
        self.header_height = look.leading + pads


class DomainRows(_PagedRows):
    """Rows ``start`` to ``stop`` of a RowSet under the column header; splits at page ends."""

    _rows: RowSet

    def draw(self) -> None:
        rows, look, canv = self._rows, self._rows.look, self.canv
        top = self.height
        baseline = top - PAD_TOP - look.size
        canv.setFillColor(colors.black)
        canv.setFont(look.bold_font, look.size)
        canv.drawRightString(rows.number_right, baseline, "No.")
        canv.drawString(rows.text_x, baseline, "Domain name")
        top -= rows.header_height
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.5)
        canv.line(0, top, rows.width, top)
        text = canv.beginText()
        text.setFont(look.font, look.size)
        font, size, leading = look.font, look.size, look.leading
        for index in range(self._start, self._stop):
            baseline = top - PAD_TOP - size
            number = str(index + 1)
            text.setTextOrigin(rows.number_right - stringWidth(number, font, size), baseline)
            text.textOut(number)
            for line in rows.lines[index]:
                text.setTextOrigin(rows.text_x, baseline)
                text.textOut(line)
                baseline -= leading
            top -= rows.heights[index]
        canv.drawText(text)


@dataclass(frozen=True)
class Grid:
    """A table's cells, already wrapped into lines ("\n"), and how it is drawn.

    ``style`` styles a table whose row 0 is the header; ``leadings`` give each column's body
    line height and ``header_leading`` the header's, ``pad`` the cells' top and bottom padding.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    style: TableStyle
    leadings: tuple[float, ...]
    header_leading: float
    pad: tuple[float, float]


class GridRows(_MeasuredRows):
    """Every row of a Grid measured once (height = most lines in a cell x leading + padding)."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        pads = grid.pad[0] + grid.pad[1]
        self.header_height = max(text.count("\n") + 1 for text in grid.header) * grid.header_leading + pads
        self.heights = [max((text.count("\n") + 1) * leading for text, leading in zip(row, grid.leadings)) + pads
                        for row in grid.rows]
        self.tops = [0.0, *accumulate(self.heights)]
        self.width = sum(grid.widths)


class TableRows(_PagedRows):
    """Rows ``start`` to ``stop`` of a table under its header; splits at page ends."""

    _rows: GridRows

    def draw(self) -> None:
        rows, grid = self._rows, self._rows.grid
        data = [list(grid.header), *(list(row) for row in grid.rows[self._start:self._stop])]
        heights = [rows.header_height, *rows.heights[self._start:self._stop]]
        table = Table(data, colWidths=list(grid.widths), rowHeights=heights, hAlign="LEFT")
        table.setStyle(grid.style)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
