"""A guard against a reference-counting bug in PySide6 6.12.0 that crashes the app after a few hundred signals.

In PySide6 6.12.0 under CPython 3.11, every ``SignalInstance.emit()`` made
from Python drops one reference to ``True`` that it never took, and every
``QCoreApplication.processEvents()`` does the same to ``None``. ``True``
starts with about 600 references, so after some 600 emits (one per file
imported, one per finished operation) the interpreter aborts with
"Fatal Python error: bool_dealloc". tests/gui/test_qt_compat.py shows it.

CPython 3.12 makes these singletons immortal, which hides the bug; on 3.11
:func:`protect_singletons` gives them the same effective immortality by
adding a very large count to their reference counts once, at import. The
three objects are never freed by a running interpreter anyway, so the only
effect is that the stray decrements can no longer reach zero.
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 1 << 40  # at a million stray drops a second, enough for ~35 years


def protect_singletons() -> bool:
    """Make True, False and None immune to stray reference drops; True if anything was done (CPython < 3.12)."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal already (PEP 683)
    for singleton in (True, False, None):
        count = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is the object's first field
        if count.value < _MARGIN:
            count.value += _MARGIN
    return True


protect_singletons()
