"""The capture browser: QtWebEngine driven over the DevTools protocol, in a program of its own.

The only package outside ``app.gui`` that imports Qt (``tests/test_layers.py``
and the import contracts in ``pyproject.toml`` name it). Nothing else imports
it: ops run ``python -m app.capture`` (see :mod:`app.capture.launch`).
"""
