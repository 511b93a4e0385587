"""Which live lookups to run (RDAP, WHOIS, DNS) and how fast, with the warning that the internet is contacted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class LookupDialog(QDialog):
    """Which lookups, how fast; plainly says that servers on the internet will be asked."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Look up domains")
        self.rdap = QCheckBox("RDAP (registry, over HTTPS)")
        self.rdap.setChecked(True)
        self.whois = QCheckBox("WHOIS (port 43)")
        self.dns = QCheckBox("DNS (A, AAAA, NS, MX, TXT)")
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 20.0)
        self.rate.setValue(1.0)
        self.rate.setSuffix(" per second")
        warning = QLabel(
            f"This sends {count:,} domain name{'' if count == 1 else 's'} to registry, WHOIS and DNS servers "
            "on the internet. Each reply is kept in the case as evidence, with its hashes."
        )
        warning.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.rdap)
        form.addRow(self.whois)
        form.addRow(self.dns)
        form.addRow("At most:", self.rate)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.look_up = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.look_up.setText("Look up")
        for box in (self.rdap, self.whois, self.dns):  # nothing ticked, nothing to look up
            box.toggled.connect(lambda _on: self.look_up.setEnabled(bool(self.kinds())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(warning)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)  # the warning reads as two lines, not six

    def kinds(self) -> list[str]:
        return [kind for kind, box in (("rdap", self.rdap), ("whois", self.whois), ("dns", self.dns))
                if box.isChecked()]
