"""Long lists and tables drawn a page at a time: one flowable per page, rows measured once.

A reportlab Table lays out and styles every cell through generic machinery; for an
appendix of 100,000 domains that costs several times the drawing itself. Here the
rows are measured once (only names long enough to need it are measured at all), their
heights summed once, and each page's share of rows is drawn with one text object.
The page looks like the tables it replaces (a bold "No. / Domain name" header ruled
below, numbers right-aligned) and the text stays real, searchable text in embedded
fonts. Each domain is set whole on one line in the monospace font, so that it is read
and copied exactly (``pdftotext`` gives it back as one word): a name too long for the
line is set smaller, then narrowed (layout.fit_name), never broken. The header is
printed at the top of each page's share only; a share that continues a group on a new
page is headed "<appendix>: <group> (continued)".

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
from reportlab.platypus import Flowable

from app.documents import model as m
from app.documents.layout import fit_name, listed_lines

NUMBER_WIDTH = 0.6 * 72  # the "No." column
PAD_TOP = PAD_BOTTOM = 1.0
PAD_LEFT = 6.0
PAD_RIGHT_NUMBER = 8.0
MONO_EM = 0.6  # every glyph of the monospace font is this wide: an ASCII name's width is its length times it
_EPSILON = 1e-6
FIRST_ROWS = 2  # a heading kept with a list or table is kept with this many of its rows, not all


@dataclass(frozen=True)
class RowLook:
    """Fonts and sizes of the rows (the court profile's appendix type): names in ``font`` (monospace),
    numbers and the header in ``label_font`` and ``bold_font``."""

    font: str
    bold_font: str
    size: float
    leading: float
    label_font: str = ""


class _MeasuredRows:
    """Rows whose heights are known: ``tops[i]`` is the height of the rows before row i."""

    heights: list[float]
    tops: list[float]
    header_height: float
    width: float
    title_height: float = 0.0  # the "(continued)" line over a share that continues on a new page

    def span(self, start: int, stop: int) -> float:
        """The height of rows ``start`` to ``stop`` (excluded)."""
        return self.tops[stop] - self.tops[start]

    def fitting(self, start: int, room: float) -> int:
        """The end of the longest run of rows from ``start`` that fits in ``room`` points."""
        return bisect.bisect_right(self.tops, self.tops[start] + room + _EPSILON) - 1


class PagedRows(Flowable):
    """Rows ``start`` to ``stop`` of measured rows under their header; splits at page ends.
    A subclass draws them."""

    def __init__(self, rows: _MeasuredRows, start: int = 0, stop: int | None = None, *,
                 continued: bool = False) -> None:
        super().__init__()
        self._rows = rows
        self._start = start
        self._stop = len(rows.heights) if stop is None else stop
        self._continued = continued

    def _head(self) -> float:
        return self._rows.header_height + (self._rows.title_height if self._continued else 0.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self._rows.width
        self.height = self._head() + self._rows.span(self._start, self._stop)
        return self.width, self.height

    def first_rows_height(self) -> float:
        """The height of the header and the first rows: what a heading is kept together with."""
        return self._head() + self._rows.span(self._start, min(self._stop, self._start + FIRST_ROWS))

    def split_keeping(self, availHeight: float, keep_last: int) -> list[Flowable]:
        """The rows that fit in ``availHeight`` and the rest, leaving at least ``keep_last`` rows for the
        rest (what follows the table is kept with its last rows); [] when that leaves none here."""
        end = min(self._rows.fitting(self._start, availHeight - self._head()), self._stop - keep_last)
        if end <= self._start:
            return []
        return [type(self)(self._rows, self._start, end, continued=self._continued),
                type(self)(self._rows, end, self._stop, continued=True)]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        end = self._rows.fitting(self._start, availHeight - self._head())
        if end <= self._start:
            return []  # not even one row fits: the rest moves to the next page
        if end >= self._stop:
            return [self]
        return [type(self)(self._rows, self._start, end, continued=self._continued),
                type(self)(self._rows, end, self._stop, continued=True)]


class RowSet(_MeasuredRows):
    """Every row of one domain list, measured once: numbers, lines, running heights, and for the few
    names too long for their line the size and scale that fit them (``fits``). ``title`` heads the
    shares that continue the list on a new page ("APPENDIX A: Verisign, Inc.")."""

    def __init__(self, domains: Sequence[m.ListedDomain], width: float, look: RowLook, *, title: str = "") -> None:
        self.look = look
        self.width = width
        self.title = title
        self.text_x = NUMBER_WIDTH + PAD_LEFT
        self.number_right = NUMBER_WIDTH - PAD_RIGHT_NUMBER
        room = width - self.text_x - PAD_LEFT
        fitting = int(room / (look.size * MONO_EM))  # this many ASCII characters fit at the full size
        self.lines: list[tuple[str, ...]] = []
        self.fits: dict[tuple[int, int], tuple[float, float]] = {}
        for index, domain in enumerate(domains):
            lines = listed_lines(domain)
            self.lines.append(lines)
            for line_no, line in enumerate(lines):
                if len(line) > fitting or not line.isascii():
                    size, scale = fit_name(line, look.font, look.size, room)
                    if size != look.size or scale != 100.0:
                        self.fits[(index, line_no)] = (size, scale)
        pads = PAD_TOP + PAD_BOTTOM
        self.heights = [len(lines) * look.leading + pads for lines in self.lines]
        self.tops = [0.0, *accumulate(self.heights)]  # tops[i]: height of the rows before row i
        self.header_height = look.leading + pads
        self.title_height = look.leading + pads + 2.0 if title else 0.0


class DomainRows(PagedRows):
    """Rows ``start`` to ``stop`` of a RowSet under the column header; splits at page ends."""

    _rows: RowSet

    def draw(self) -> None:
        rows, look, canv = self._rows, self._rows.look, self.canv
        label_font = look.label_font or look.font
        top = self.height
        canv.setFillColor(colors.black)
        if self._continued and rows.title:
            canv.setFont(look.bold_font, look.size)
            canv.drawString(0, top - PAD_TOP - look.size, f"{rows.title} (continued)")
            top -= rows.title_height
        baseline = top - PAD_TOP - look.size
        canv.setFont(look.bold_font, look.size)
        canv.drawRightString(rows.number_right, baseline, "No.")
        canv.drawString(rows.text_x, baseline, "Domain name")
        top -= rows.header_height
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.5)
        canv.line(0, top, rows.width, top)
        font, size, leading, fits = look.font, look.size, look.leading, rows.fits
        # two passes, numbers then names, so the font changes twice per page rather than twice per row
        numbers = canv.beginText()
        numbers.setFont(label_font, size)
        names = canv.beginText()
        names.setFont(font, size)
        for index in range(self._start, self._stop):
            baseline = top - PAD_TOP - size
            number = str(index + 1)
            numbers.setTextOrigin(rows.number_right - stringWidth(number, label_font, size), baseline)
            numbers.textOut(number)
            for line_no, line in enumerate(rows.lines[index]):
                names.setTextOrigin(rows.text_x, baseline)
                fitted = fits.get((index, line_no)) if fits else None
                if fitted is None:
                    names.textOut(line)
                else:
                    names.setFont(font, fitted[0])
                    names.setHorizScale(fitted[1])
                    names.textOut(line)
                    names.setHorizScale(100.0)
                    names.setFont(font, size)
                baseline -= leading
            top -= rows.heights[index]
        canv.drawText(numbers)
        canv.drawText(names)


class NameLines(Flowable):
    """Names the reader copies exactly (name servers, e-mail addresses, a parent domain), one per line,
    indented, in the monospace font, each whole on its line (shrunk or narrowed to fit, never broken)."""

    def __init__(self, names: Sequence[str], look: RowLook, indent: float, width: float) -> None:
        super().__init__()
        self._names = tuple(names)
        self._look = look
        self._indent = indent
        room = width - indent
        self._fits = [fit_name(name, look.font, look.size, room) for name in self._names]
        self.width = width
        self.height = len(self._names) * look.leading + look.size * 0.5

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        look, canv = self._look, self.canv
        canv.setFillColor(colors.black)
        text = canv.beginText()
        baseline = self.height - look.size
        for name, (size, scale) in zip(self._names, self._fits):
            text.setFont(look.font, size)
            text.setHorizScale(scale)
            text.setTextOrigin(self._indent, baseline)
            text.textOut(name)
            baseline -= look.leading
        text.setHorizScale(100.0)
        canv.drawText(text)


@dataclass(frozen=True)
class Grid:
    """A table's cells, already wrapped into lines ("\n"), and how it is drawn.

    ``fonts`` and ``sizes`` give each column's body type (the header is ``header_font`` at
    ``sizes``' first); ``leadings`` each column's body line height and ``header_leading`` the
    header's, ``pad`` the cells' top and bottom padding and ``side`` their left and right padding;
    ``scales`` the few lines narrowed to fit (row, column, line) -> percent: a host name kept whole.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    fonts: tuple[str, ...]
    sizes: tuple[float, ...]
    header_font: str
    leadings: tuple[float, ...]
    header_leading: float
    pad: tuple[float, float]
    side: float = 3.0
    scales: dict[tuple[int, int, int], float] | None = None


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


class TableRows(PagedRows):
    """Rows ``start`` to ``stop`` of a table under its header, drawn straight onto the page (grey header,
    ruled cells, text from the top of each cell); splits at page ends."""

    _rows: GridRows

    def draw(self) -> None:
        rows, grid, canv = self._rows, self._rows.grid, self.canv
        heights = [rows.header_height, *rows.heights[self._start:self._stop]]
        xs = [0.0, *accumulate(grid.widths)]
        top = self.height
        canv.saveState()
        canv.setFillColor(colors.Color(0.9, 0.9, 0.9))
        canv.rect(0, top - heights[0], rows.width, heights[0], stroke=0, fill=1)
        canv.setFillColor(colors.black)
        text = canv.beginText()
        scales = grid.scales or {}
        for index, height in enumerate(heights):
            row = grid.header if index == 0 else grid.rows[self._start + index - 1]
            for column, cell in enumerate(row):
                font = grid.header_font if index == 0 else grid.fonts[column]
                size = max(grid.sizes) if index == 0 else grid.sizes[column]
                leading = grid.header_leading if index == 0 else grid.leadings[column]
                text.setFont(font, size, leading)
                baseline = top - grid.pad[0] - size
                for line_no, line in enumerate(cell.split("\n")):
                    scale = scales.get((self._start + index - 1, column, line_no)) if index else None
                    text.setTextOrigin(xs[column] + grid.side, baseline)
                    if scale is None:
                        text.textOut(line)
                    else:
                        text.setHorizScale(scale)
                        text.textOut(line)
                        text.setHorizScale(100.0)
                    baseline -= leading
            top -= height
        canv.drawText(text)
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.4)
        bottom = self.height - sum(heights)
        y = self.height
        for height in [0.0, *heights]:
            y -= height
            canv.line(0, y, rows.width, y)
        for x in xs:
            canv.line(x, bottom, x, self.height)
        canv.restoreState()
