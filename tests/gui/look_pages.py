"""Grab every page and dialog of the window on the sample case, for a person to look at (not a test).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tests/gui/look_pages.py [CASE.evcase]
        [--out FOLDER] [--size 1366x768] [--dark] [--scale 2] [--readme]

Without a case, the fictional sample case is built first (``evbundle demo``, in a temporary
folder). Runs on the display it is given (Xvfb: the real X11 platform), or offscreen without
one, in a fresh EVBUNDLE_HOME on a copy of the case (the case itself is never changed). Writes
one PNG per page, with the selections and dialogs a user would open (default /tmp/look-pages),
and prints, for each table, the columns too narrow for their heading and any window whose
contents need more room than the screen has. ``--dark`` uses a dark palette, as a system in dark
mode gives Qt; ``--scale 2`` draws at 200 %; ``--readme`` also writes the README's pictures of the
app (``resources/readme/app-*.png``, at 1366×768, light).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README_PAGES = {  # the pictures the README shows, by the name grabbed here
    "00-welcome": "app-start", "01-domains": "app-domains", "02b-screenshots-selected": "app-screenshots",
    "03b-spam-selected": "app-spam", "04-exhibits": "app-exhibits", "05b-documents-selected": "app-documents",
    "05c-documents-rule-5-2": "app-rule-5-2", "20-review": "app-review", "21-case-details-parties": "app-case-details",
    "22-find": "app-find",
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/tmp/look-pages"))
    parser.add_argument("--size", default="1366x768")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--scale", default="")
    parser.add_argument("--readme", action="store_true")
    return parser.parse_args(argv)


ARGS = parse(sys.argv[1:])
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if ARGS.scale:
    os.environ["QT_SCALE_FACTOR"] = ARGS.scale
HOME = Path(tempfile.mkdtemp(prefix="evbundle-look-"))
os.environ["EVBUNDLE_HOME"] = str(HOME)

from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyleFactory, QTableView, QWidget  # noqa: E402

from app.gui.app import build_window, configure_application  # noqa: E402
from app.gui.dialogs.about import about_box  # noqa: E402
from app.gui.dialogs.add_domains import AddDomainsDialog  # noqa: E402
from app.gui.dialogs.capture import CaptureDialog  # noqa: E402
from app.gui.dialogs.case_details import CaseDetailsDialog  # noqa: E402
from app.gui.dialogs.link_exhibit import LinkExhibitDialog  # noqa: E402
from app.gui.dialogs.lookup import LookupDialog  # noqa: E402
from app.gui.dialogs.new_case import NewCaseDialog  # noqa: E402
from app.gui.dialogs.review import ReviewDialog  # noqa: E402
from app.gui.widgets.context_menu import menu_for  # noqa: E402
from app.gui.window import MainWindow  # noqa: E402
from app.ops import settings  # noqa: E402
from app.ops.parties import case_parties  # noqa: E402
from app.ops.review import review_case  # noqa: E402


def pump(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(window: MainWindow, ms: int = 300) -> None:
    """Let background work (queries, previews) finish, then paint."""
    for _ in range(150):
        pump(100)
        if not window.operations.is_busy():
            break
    pump(ms)


def dark_palette() -> QPalette:
    """What Qt's Fusion style draws with when the system is in dark mode."""
    palette = QPalette()
    for role, value in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#262626"),
                        (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.Button, "#353535"),
                        (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#3a6ea5"),
                        (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.ToolTipBase, "#353535"),
                        (QPalette.ColorRole.ToolTipText, "#e6e6e6"), (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
                        (QPalette.ColorRole.Link, "#8ab4f8")):
        palette.setColor(role, QColor(value))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#7a7a7a"))
    return palette


def clipped(root: QWidget, name: str) -> list[str]:
    """Columns of the visible tables too narrow for their headings; a window needing more room than it has."""
    problems = []
    for view in root.findChildren(QTableView):
        if not view.isVisible():
            continue
        header = view.horizontalHeader()
        metrics = header.fontMetrics()
        model = view.model()
        for column in range(model.columnCount()):
            if view.isColumnHidden(column) or header.sectionResizeMode(column) == header.ResizeMode.Stretch:
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            if metrics.horizontalAdvance(title) + 12 > header.sectionSize(column):
                problems.append(f"{name}: column {title!r} is {header.sectionSize(column)} px, its heading needs "
                                f"{metrics.horizontalAdvance(title) + 12}")
            cells = view.fontMetrics()
            cut = [str(model.index(row, column).data() or "") for row in range(min(model.rowCount(), 30))]
            cut = [t for t in cut if cells.horizontalAdvance(t) + 10 > header.sectionSize(column)]
            if cut:
                problems.append(f"{name}: column {title!r} ({header.sectionSize(column)} px) cuts {len(cut)} of the "
                                f"first rows, e.g. {cut[0][:60]!r}")
    need = root.minimumSizeHint()
    if need.width() > root.width() or need.height() > root.height():
        problems.append(f"{name}: needs {need.width()}x{need.height()}, has {root.width()}x{root.height()}")
    return problems


def main() -> int:
    out = ARGS.out
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(n) for n in ARGS.size.split("x"))
    scratch = Path(tempfile.mkdtemp(prefix="evbundle-look-case-"))
    if ARGS.case is None:
        subprocess.run([sys.executable, "-m", "app", "demo", str(scratch / "demo")], check=True,
                       stdout=subprocess.DEVNULL, env={**os.environ, "EVBUNDLE_HOME": str(scratch / "home")})
        source = next((scratch / "demo").glob("*.evcase"))
    else:
        source = ARGS.case
    folder = Path(tempfile.gettempdir()) / "Matters" / "Fictional Corp"  # a short, plausible path for the pictures
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    case = folder / source.name
    shutil.copy(source, case)
    bundle = source.with_suffix(".zip")
    app = QApplication(sys.argv[:1])
    configure_application(app)
    if ARGS.dark:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
    problems: list[str] = []

    def grab(widget: QWidget, name: str, ms: int = 150) -> None:
        widget.show()
        pump(ms)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        problems.extend(clipped(widget, name))
        print(path, f"{widget.width()}x{widget.height()}")
        if ARGS.readme and name in README_PAGES:
            from PIL import Image  # 256 colours: a third of the size, the same to the eye for a window

            with Image.open(path) as image:
                image.convert("RGB").quantize(256, dither=Image.Dither.NONE).save(
                    REPO / "resources" / "readme" / f"{README_PAGES[name]}.png", optimize=True)

    settings.remember_case(case)  # the start screen lists it, with its folder
    window = build_window(None)
    window.resize(width, height)
    grab(window, "00-welcome")
    window.open_case(case)
    settle(window)
    for index, name in enumerate(("domains", "screenshots", "spam", "exhibits", "documents")):
        window.tabs.setCurrentIndex(index)
        settle(window, 800)
        grab(window, f"{index + 1:02d}-{name}")
    window.tabs.setCurrentWidget(window.screenshots_page)
    window.screenshots_page.select_row(0)
    settle(window)
    grab(window, "02b-screenshots-selected")
    window.tabs.setCurrentWidget(window.spam_page)
    window.spam_page.view.selectRow(0)
    settle(window)
    grab(window, "03b-spam-selected")
    documents = window.documents_page
    window.tabs.setCurrentWidget(documents)
    documents.view.selectRow(min(3, documents.model.rowCount() - 1))
    settle(window, 1500)
    grab(window, "05b-documents-selected")
    documents.left_tabs.setCurrentIndex(1)
    settle(window, 1500)
    documents.redactions.view.selectRow(0)
    grab(window, "05c-documents-rule-5-2")
    documents.left_tabs.setCurrentIndex(0)

    menu = menu_for(window.exhibits_page.exhibits_view, window.exhibits_page.fill_exhibit_menu)
    window.tabs.setCurrentWidget(window.exhibits_page)
    window.exhibits_page.exhibits_view.selectRow(0)
    settle(window)
    menu.deleteLater()
    view: QAbstractItemView = window.exhibits_page.exhibits_view
    menu = menu_for(view, window.exhibits_page.fill_exhibit_menu)
    menu.popup(view.viewport().mapToGlobal(QPoint(120, 30)))
    pump(200)
    menu.grab().save(str(out / "06-right-click.png"))
    print(out / "06-right-click.png")
    menu.close()

    assert window.case is not None
    review = ReviewDialog(review_case(window.case).problems, "building the bundle", window)
    grab(review, "20-review")
    review.close()
    review = ReviewDialog(review_case(window.case).problems, "", window)  # File → Review before filing…
    grab(review, "20b-review-only")
    review.close()
    domains = window.domains_page
    window.tabs.setCurrentWidget(domains)
    domains.view.selectRow(0)
    settle(window)
    grab(window, "01b-domains-selected")
    menu = menu_for(domains.view, domains.fill_menu)
    menu.popup(domains.view.viewport().mapToGlobal(QPoint(120, 30)))
    pump(200)
    menu.grab().save(str(out / "01c-domains-right-click.png"))
    print(out / "01c-domains-right-click.png")
    menu.close()
    link = LinkExhibitDialog(domains.selected_names(), window.case_pages().domain_edits.exhibits(), window)
    grab(link, "26-link-exhibit")
    link.close()
    details = CaseDetailsDialog(window.case.info(), case_parties(window.case), window.case.counsel(), (), window)
    for index, name in enumerate(("case", "parties", "declarant", "counsel", "signing")):
        details.form.setCurrentIndex(index)
        grab(details, f"21-case-details-{name}")
    details.close()
    find = window.open_find_dialog()
    find.text.setText("pharm")  # type: ignore[attr-defined]
    settle(window, 600)
    grab(find, "22-find")
    find.close()
    new_case = NewCaseDialog(folder, window)
    new_case.title.setText("Fictional Corp. v. John Does 1-22")
    grab(new_case, "23-new-case")
    new_case.close()
    for page, name in (("guide", "24-help-guide"), ("verifying", "25-help-verifying")):
        dialog = window.open_help(page)
        grab(dialog, name)
        dialog.close()

    verify = window.open_verify_dialog()
    grab(verify, "10-verify")
    if bundle.is_file():
        verify.verify(bundle)  # type: ignore[attr-defined]
        settle(window, 500)
        grab(verify, "11-verify-report")
    verify.close()
    identities = window.open_identities_dialog()
    settle(window)
    grab(identities, "12-identities")
    identities.close()
    preferences = window.open_preferences_dialog()
    if preferences is not None:
        grab(preferences, "13-preferences")
        preferences.close()
    for name, dialog in (("14-capture", CaptureDialog(window)), ("15-add-domains", AddDomainsDialog(window)),
                         ("16-lookup", LookupDialog(12, window)), ("17-about", about_box(window))):
        grab(dialog, name)
        dialog.close()
    window.operations.cancel_all()
    window.operations.wait()
    window.close()
    shutil.rmtree(HOME, ignore_errors=True)
    print("\n".join(problems) or "no clipped columns, every window fits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
