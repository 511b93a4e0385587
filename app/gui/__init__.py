"""The desktop app (PySide6). The only package that imports Qt.

Entry point: :func:`app.gui.app.run_gui`. The window is a thin layer over
``app.ops`` and ``app.store``: item models adapt the case file to views,
long work runs through :mod:`app.gui.background`, and pages redraw only
what :class:`app.gui.events.CaseEvents` says has changed.
"""
