"""Render a Jinja2 template into document markup, and parse that markup into the document model.

Templates are sandboxed (firms edit them), autoescaped (evidence text such as
"<script>" or "AT&T" can never change the markup) and strict (a misspelt
field is an error, not a silent blank). Every failure is a TemplateError that
names the template, the line and the problem.

The markup is a small XML vocabulary, one element per model block::

    <document title="" author="" subject="" legend="" date="">
      <caption> <court/>* <division/> <party indent="0|1|2"/>* <right bold="yes"/>* </caption>
      <title>runs</title>
      <heading numbered="no">TEXT</heading>    Roman numeral added here (I., II., ...) unless numbered="no"
      <para>runs</para>                        numbered straight through the document
      <p align="left|center|right|justify" indent="yes" spacing="body|single|line" keep="yes">runs</p>
      <signature> <line/>* </signature>
      <pagebreak/>
      <appendix label="APPENDIX A">subtitle</appendix>
      <group title="" note=""> <address/>* <domain unicode="">ascii</domain>* <domains list=""/> </group>
      <table widths="0.1 0.9" mono="1" title=""> <head> <cell/>* </head> <row> <cell/>* </row>* </table>
      <names> <name/>* </names>                 names copied exactly: one per line, monospace, never broken
    </document>

where runs are text with nested <b>, <i> and <mark> (the one conspicuous marker: what a person
must still write or confirm before filing). ``<domains list="A1"/>`` inserts a whole
domain list from the context's ``domain_lists`` (see facts.domain_lists) without a
template loop, so appendices of 100,000 domains render in linear, small time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2
import markupsafe
from jinja2.sandbox import SandboxedEnvironment

from app.core.errors import TemplateError
from app.core.paths import template as shipped_template
from app.documents import model as m
from app.documents.wording import number_word


def _shipped_source(name: str) -> tuple[str, str, Any] | None:
    node = shipped_template(*name.split("/"))
    if not node.is_file():
        return None
    return node.read_text(encoding="utf-8"), f"templates/{name}", lambda: True


def _escapes(name: str | None) -> bool:
    """Markup templates escape every value; plain-text templates (``*.txt.j2``) do not,
    because their output is escaped when it is placed into markup."""
    return not (name or "").endswith(".txt.j2")


def bold_labels(text: str, labels: Sequence[str]) -> markupsafe.Markup:
    """Escape ``text`` and set each exhibit label in it ("Exhibit 5") in bold, as declarations do."""
    escaped = str(markupsafe.escape(text))
    pattern = _label_pattern(tuple(labels))
    if pattern is not None:
        escaped = pattern.sub(r"<b>\1</b>", escaped)
    return markupsafe.Markup(escaped)  # noqa: S704 - escaped above; only <b> tags added


@functools.lru_cache(maxsize=8)
def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all the labels, built once per declaration, not once per paragraph
    (1,200 exhibits: 1,200 paragraphs times 1,200 labels took ten seconds)."""
    wanted = sorted({str(markupsafe.escape(label)) for label in labels if label}, key=len, reverse=True)
    if not wanted:
        return None
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(w) for w in wanted) + r")(?!\d)")


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory between renders, keyed by name, file and the
    source's checksum (Jinja checks it), so an edited template is compiled afresh.

    Every render makes its own environment; without this each one would parse and compile
    the declaration and its includes again, a fixed cost larger than a short document."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def make_environment(search_path: Sequence[Path] = ()) -> SandboxedEnvironment:
    """A sandboxed, autoescaping, strict Jinja2 environment; ``search_path`` folders
    (a firm's own templates) are searched before the shipped ones."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader([str(p) for p in search_path])]
    loaders.append(jinja2.FunctionLoader(_shipped_source))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=_escapes,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED,
    )
    env.filters["roman"] = m.roman
    env.filters["bold_labels"] = bold_labels
    env.filters["words"] = number_word  # 3 -> "three": legal writing spells one to nine
    return env


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line a runtime error happened on (Jinja maps its frames to template lines)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(name.split("/")[-1]) or filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_markup(
    name: str, context: Mapping[str, Any], *, env: SandboxedEnvironment | None = None
) -> str:
    """Render template ``name`` with ``context`` into markup text."""
    env = env or make_environment()
    try:
        tmpl = env.get_template(name)
        return tmpl.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template {name}, line {exc.lineno}: {exc.message}", path=exc.filename or name
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {name} not found", path=name) from exc
    except (jinja2.TemplateError, jinja2.exceptions.SecurityError, TypeError, ValueError,
            KeyError, AttributeError, ZeroDivisionError) as exc:
        line = _template_line(exc, name)
        where = f", line {line}" if line else ""
        raise TemplateError(f"template {name}{where}: {exc}", path=name) from exc


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def elements(self) -> list[_Node]:
        return [c for c in self.children if isinstance(c, _Node)]


def _parse_xml(markup: str, name: str) -> _Node:
    if "<!DOCTYPE" in markup or "<!ENTITY" in markup:
        raise TemplateError(f"template {name}: markup may not declare a DOCTYPE or entities", path=name)
    parser = expat.ParserCreate("utf-8")
    root = _Node("#root", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        stack[-1].children.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(markup.encode("utf-8"), True)
    except expat.ExpatError as exc:
        bad = markup.splitlines()[exc.lineno - 1] if exc.lineno - 1 < len(markup.splitlines()) else ""
        raise TemplateError(
            f"template {name}: the rendered markup is not well-formed at output line {exc.lineno}:"
            f" {expat.errors.messages[exc.code]} (near {bad.strip()[:80]!r})",
            path=name,
        ) from exc
    documents = root.elements()
    if len(documents) != 1 or documents[0].tag != "document":
        raise TemplateError(f"template {name}: markup must be one <document> element", path=name)
    return documents[0]


def _runs(node: _Node, bold: bool = False, italic: bool = False, *, name: str, mark: bool = False) -> list[m.Run]:
    runs: list[m.Run] = []
    for child in node.children:
        if isinstance(child, str):
            if child:
                runs.append(m.Run(child, bold, italic, mark))
        elif child.tag == "b":
            runs.extend(_runs(child, True, italic, name=name, mark=mark))
        elif child.tag == "i":
            runs.extend(_runs(child, bold, True, name=name, mark=mark))
        elif child.tag == "mark":
            runs.extend(_runs(child, bold, italic, name=name, mark=True))
        else:
            raise _unknown(child, name, "<b>, <i> or <mark> inside text")
    return runs


def _clean_runs(raw: list[m.Run]) -> m.Runs:
    """Collapse white space like HTML does, across run boundaries, and trim the ends."""
    out: list[m.Run] = []
    pending_space = False
    for run in raw:
        words = run.text.split()
        if not words:
            pending_space = pending_space or bool(run.text)
            continue
        lead = run.text[:1].isspace()
        trail = run.text[-1:].isspace()
        body = " ".join(words)
        if out and (pending_space or lead):  # give the space to the plainer run: no bold spaces
            before = out[-1]
            if (before.bold or before.italic or before.mark) and not (run.bold or run.italic or run.mark):
                body = " " + body
            else:
                out[-1] = m.Run(before.text + " ", before.bold, before.italic, before.mark)
        out.append(m.Run(body, run.bold, run.italic, run.mark))
        pending_space = trail
    merged: list[m.Run] = []
    for run in out:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].mark) == (run.bold, run.italic, run.mark):
            merged[-1] = m.Run(merged[-1].text + run.text, run.bold, run.italic, run.mark)
        else:
            merged.append(run)
    return tuple(merged)


def _unknown(node: _Node, name: str, expected: str) -> TemplateError:
    return TemplateError(
        f"template {name}: unexpected <{node.tag}> at output line {node.line}",
        path=name,
        expected=expected,
    )


def _yes(node: _Node, attr: str) -> bool:
    return node.attrs.get(attr, "").lower() in ("yes", "true", "1")


def _int(node: _Node, attr: str, name: str) -> int:
    try:
        return int(node.attrs.get(attr, "0") or 0)
    except ValueError as exc:
        raise TemplateError(
            f"template {name}: {attr}= must be a number at output line {node.line}", path=name
        ) from exc


def _caption(node: _Node, name: str) -> m.Caption:
    courts, parties, right = [], [], []
    division = ""
    for child in node.elements():
        if child.tag == "court":
            courts.append(child.text())
        elif child.tag == "division":
            division = child.text()
        elif child.tag == "party":
            parties.append(m.CaptionLine(child.text(), _int(child, "indent", name), _yes(child, "bold")))
        elif child.tag == "right":
            right.append(m.CaptionLine(child.text(), _int(child, "indent", name), _yes(child, "bold")))
        else:
            raise _unknown(child, name, "<court>, <division>, <party> or <right>")
    return m.Caption(tuple(courts), division, tuple(parties), tuple(right))


def _group(node: _Node, name: str, lists: Mapping[str, Sequence[m.ListedDomain]]) -> m.RegistryGroup:
    address: list[str] = []
    domains: list[m.ListedDomain] = []
    for child in node.elements():
        if child.tag == "address":
            address.append(child.text())
        elif child.tag == "domain":
            domains.append(m.ListedDomain(child.text(), child.attrs.get("unicode", "")))
        elif child.tag == "domains":
            key = child.attrs.get("list", "")
            if key not in lists:
                raise TemplateError(f"template {name}: <domains list={key!r}> names no domain list"
                                    f" at output line {child.line}", path=name)
            domains.extend(lists[key])
        else:
            raise _unknown(child, name, "<address>, <domain> or <domains>")
    return m.RegistryGroup(node.attrs.get("title", ""), tuple(address), tuple(domains),
                           node.attrs.get("note", ""))


def _floats(node: _Node, attr: str, name: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in node.attrs.get(attr, "").split())
    except ValueError as exc:
        raise TemplateError(
            f"template {name}: {attr}= must be numbers at output line {node.line}", path=name
        ) from exc


def _table(node: _Node, name: str) -> m.Table:
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = []
    for child in node.elements():
        cells = []
        for cell in child.elements():
            if cell.tag != "cell":
                raise _unknown(cell, name, "<cell>")
            cells.append(cell.text())
        if child.tag == "head":
            header = tuple(cells)
        elif child.tag == "row":
            rows.append(tuple(cells))
        else:
            raise _unknown(child, name, "<head> or <row>")
    widths = _floats(node, "widths", name) or tuple(1.0 / max(1, len(header)) for _ in header)
    if not header or len(widths) != len(header) or any(len(r) != len(header) for r in rows):
        raise TemplateError(
            f"template {name}: every table row needs one <cell> per column and one width per column"
            f" (table at output line {node.line})", path=name)
    total = sum(widths)
    mono = tuple(int(x) for x in _floats(node, "mono", name))
    return m.Table(header, tuple(rows), tuple(w / total for w in widths), mono, node.attrs.get("title", ""))


def parse_markup(markup: str, *, name: str = "<markup>",
                 lists: Mapping[str, Sequence[m.ListedDomain]] | None = None) -> m.Document:
    """Parse rendered markup into a Document, numbering paragraphs and sections as it goes;
    ``lists`` holds the domain lists that ``<domains list="..."/>`` names."""
    root = _parse_xml(markup, name)
    info = m.DocumentInfo(
        title=root.attrs.get("title", ""),
        author=root.attrs.get("author", ""),
        subject=root.attrs.get("subject", ""),
        legend=root.attrs.get("legend", ""),
        date=root.attrs.get("date", ""),
    )
    blocks: list[m.Block] = []
    paragraph_number = 0
    section_number = 0
    for node in root.elements():
        tag = node.tag
        if tag == "caption":
            blocks.append(_caption(node, name))
        elif tag == "title":
            blocks.append(m.Title(_clean_runs(_runs(node, name=name))))
        elif tag == "heading":
            if node.attrs.get("numbered", "yes").lower() in ("no", "false", "0"):
                blocks.append(m.Heading("", node.text()))
            else:
                section_number += 1
                blocks.append(m.Heading(f"{m.roman(section_number)}.", node.text()))
        elif tag == "para":
            paragraph_number += 1
            blocks.append(m.NumberedParagraph(paragraph_number, _clean_runs(_runs(node, name=name))))
        elif tag == "p":
            align = node.attrs.get("align", "justify")
            spacing = node.attrs.get("spacing", "body")
            if align not in ("left", "center", "right", "justify") or spacing not in ("body", "single", "line"):
                raise TemplateError(
                    f"template {name}: bad align= or spacing= at output line {node.line}", path=name
                )
            blocks.append(m.Paragraph(_clean_runs(_runs(node, name=name)), align,  # type: ignore[arg-type]
                                      _yes(node, "indent"), spacing, _yes(node, "keep")))  # type: ignore[arg-type]
        elif tag == "signature":
            blocks.append(m.SignatureBlock(tuple(c.text() for c in node.elements())))
        elif tag == "pagebreak":
            blocks.append(m.PageBreak())
        elif tag == "appendix":
            blocks.append(m.AppendixTitle(node.attrs.get("label", ""), node.text()))
        elif tag == "group":
            blocks.append(_group(node, name, lists or {}))
        elif tag == "table":
            blocks.append(_table(node, name))
        elif tag == "names":
            names = []
            for child in node.elements():
                if child.tag != "name":
                    raise _unknown(child, name, "<name>")
                names.append(child.text())
            if names:
                blocks.append(m.NameList(tuple(names)))
        else:
            raise _unknown(node, name, "a block element (caption, title, heading, para, p, ...)")
    return m.Document(info, tuple(blocks))


def render_document(
    name: str, context: Mapping[str, Any], *, search_path: Sequence[Path] = ()
) -> m.Document:
    """Render template ``name`` and parse the result: the one call the rest of the app uses."""
    markup = render_markup(name, context, env=make_environment(search_path))
    return parse_markup(markup, name=name, lists=context.get("domain_lists") or {})

