"""Right-click menus for the tables and lists: one way to attach them, built when asked for.

A view gets a menu with :func:`attach`; the menu is built at the moment of the click, from
the rows then selected (a right-click on a row outside the selection selects that row
first, as file managers do), so every entry reflects the state it acts on. Shift+F10 and the
Menu key open the same menu from the keyboard."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMenu

Build = Callable[[QMenu], None]


def attach(view: QAbstractItemView, build: Build) -> None:
    """Give ``view`` a right-click menu; ``build(menu)`` adds the entries for the current selection."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(point: QPoint) -> None:
        index = view.indexAt(point)
        selection = view.selectionModel()
        if index.isValid() and selection is not None and not selection.isSelected(index):
            view.setCurrentIndex(index)  # the row under the pointer is what the menu is about
        menu = menu_for(view, build)
        if not menu.isEmpty():
            menu.exec(view.viewport().mapToGlobal(point))

    view.customContextMenuRequested.connect(show)
    keyboard = QAction(view)
    keyboard.setShortcut(QKeySequence("Shift+F10"))
    keyboard.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    keyboard.triggered.connect(lambda: show(view.visualRect(view.currentIndex()).center()))
    view.addAction(keyboard)


def menu_for(view: QAbstractItemView, build: Build) -> QMenu:
    """The menu ``build`` makes, parented to ``view`` (tests read it without showing it)."""
    menu = QMenu(view)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    build(menu)
    return menu


def add(menu: QMenu, text: str, then: Callable[[], object], *, enabled: bool = True, tip: str = "") -> QAction:
    """One entry; ``tip`` says why it is disabled, or what it does."""
    action = menu.addAction(text)
    action.triggered.connect(lambda _checked=False: then())
    action.setEnabled(enabled)
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    menu.setToolTipsVisible(True)
    return action
