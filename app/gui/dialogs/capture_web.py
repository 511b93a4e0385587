"""*Capture web pages…*: which URLs and how, then the capture in the background with progress and Cancel.

The dialog only collects the user's choice and says plainly that the sites
will be contacted from this computer; the capture itself is
:func:`app.ops.capture_web.capture_urls`, run through :class:`Operations`
(the capture browser is a program of its own, killed on Cancel). Pages stored
before a cancel stay in the case, each with its custody entry.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ops.capture_web import CaptureOptions, CaptureReport, parse_url_list

WARNING = ("Each page is loaded from the internet by the app's own browser, over this computer's connection: "
           "the site sees this computer's IP address. Use the investigation network you would use for any "
           "visit. The screenshots, the page as MHTML and PDF, every request and response (WARC), the server's "
           "address and certificate and the DNS answers are kept in the case as evidence, with their hashes.")


class CaptureWebDialog(QDialog):
    """The URLs (one per line; defanged forms are fine) and the capture options."""

    def __init__(self, urls: Sequence[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Capture web pages")
        warning = QLabel(WARNING)
        warning.setWordWrap(True)
        self.urls = QPlainTextEdit("\n".join(urls))
        self.urls.setPlaceholderText("https://example.com/offer\nhxxp://bad[.]example/  (defanged is fine)")
        self.urls.setTabChangesFocus(True)
        self.count = QLabel()
        self.wait = QDoubleSpinBox()
        self.wait.setRange(0.0, 60.0)
        self.wait.setDecimals(1)
        self.wait.setValue(CaptureOptions.wait)
        self.wait.setSuffix(" s")
        self.wait.setToolTip("How long to let the page settle after it loaded and was scrolled through")
        self.javascript = QCheckBox("Run the page's JavaScript")
        self.javascript.setChecked(True)
        self.viewport_width = QSpinBox()
        self.viewport_height = QSpinBox()
        for box, value in zip((self.viewport_width, self.viewport_height), CaptureOptions.viewport):
            box.setRange(200, 8000)
            box.setValue(value)
            box.setSuffix(" px")
        viewport = QHBoxLayout()
        viewport.addWidget(self.viewport_width)
        viewport.addWidget(QLabel("×"))
        viewport.addWidget(self.viewport_height)
        viewport.addStretch(1)
        self.user_agent = QLineEdit()
        self.user_agent.setPlaceholderText("the browser's own")
        self.allow_private = QCheckBox(f"{PRIVATE_BOX} (intranet, this computer)")
        settle = QHBoxLayout()
        settle.addWidget(self.wait)
        settle.addStretch(1)
        form = QFormLayout()
        form.addRow("Settle time:", settle)
        form.addRow("", self.javascript)
        form.addRow("Window size:", viewport)
        form.addRow("User agent:", self.user_agent)
        form.addRow("", self.allow_private)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.capture_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.capture_button.setText("Capture")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addWidget(QLabel("Pages to capture, one per line:"))
        layout.addWidget(self.urls, 1)
        layout.addWidget(self.count)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.urls.textChanged.connect(self._count)
        self._count()
        self.resize(620, 520)

    def set_options(self, options: CaptureOptions) -> None:
        """The choices made last time (a capture asked again after a refusal)."""
        self.wait.setValue(options.wait)
        self.javascript.setChecked(options.javascript)
        self.user_agent.setText(options.user_agent)
        self.viewport_width.setValue(options.viewport[0])
        self.viewport_height.setValue(options.viewport[1])
        self.allow_private.setChecked(options.allow_private)

    def url_list(self) -> list[str]:
        return parse_url_list(self.urls.toPlainText())

    def options(self) -> CaptureOptions:
        return CaptureOptions(wait=self.wait.value(), javascript=self.javascript.isChecked(),
                              user_agent=self.user_agent.text().strip(),
                              viewport=(self.viewport_width.value(), self.viewport_height.value()),
                              allow_private=self.allow_private.isChecked())

    def _count(self) -> None:
        count = len(self.url_list())
        self.count.setText(f"{count} page{'' if count == 1 else 's'} to capture" if count else "No URL yet")
        self.capture_button.setEnabled(count > 0)


PRIVATE_BOX = "Allow loopback and private addresses"


def in_window_words(reason: str) -> str:
    """A refusal as the window says it: the command line's ``--allow-private`` is the dialog's checkbox."""
    return (reason.replace("use --allow-private to capture it",
                           f"tick “{PRIVATE_BOX}” in Capture web pages… to capture it")
            .replace("not allowed without --allow-private", f"not allowed unless “{PRIVATE_BOX}” is ticked")
            .replace("--allow-private", f"“{PRIVATE_BOX}”"))


def capture_summary(report: CaptureReport) -> str:
    """What became of each page, in plain words (the failures are evidence too)."""
    lines = [f"{len(report.captured)} page(s) captured."]
    if report.failed:
        lines.append(f"{len(report.failed)} could not be captured; what happened is kept as evidence:")
        lines += [f"  {url}: {in_window_words(reason)}" for url, reason, _ in report.failed[:15]]
    if report.refused:
        lines.append(f"{len(report.refused)} refused (not visited, nothing kept):")
        lines += [f"  {url}: {in_window_words(reason)}" for url, reason in report.refused[:15]]
        lines.append("Capture again… opens the dialog with these pages and the choices you made.")
    return "\n".join(lines)
