"""Build bundle…: the review, the output folder, the passphrase, the build; then where it is, with
"Open folder" and "Verify now".

A wrong passphrase asks again (saying so) instead of ending with a message; a cancel leaves the
output folder as it was. The build itself is ``app.ops.build.build``, the same as ``evbundle build``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from app.core.errors import WrongPassphrase
from app.core.reporting import Reporter
from app.gui import messages
from app.gui.background import Operation, Operations
from app.gui.commands.review import ReviewGate
from app.gui.widgets import desktop
from app.ops import settings

if TYPE_CHECKING:
    from app.ops.build import BuildResult
    from app.ops.case import CaseFile

MAX_TRIES = 5  # then the message, as before: a passphrase forgotten is not guessed here


NO_AUTHORITY = ("No trusted timestamp: this case asks for one, but no timestamp authority is set up,\n"
                "so the time of signing rests on this computer's clock. To timestamp the next build:\n"
                "Tools → Preferences → Trusted timestamp authorities (only a hash leaves the computer).")


def fingerprint_lines(fingerprint: str, indent: str = "  ") -> str:
    """A SHA-256 fingerprint in two lines of 16 bytes: it fits a message box, and halves compare by eye."""
    parts = fingerprint.split(":")
    if len(parts) < 32:
        return indent + fingerprint
    return f"{indent}{':'.join(parts[:16])}:\n{indent}{':'.join(parts[16:])}"


def untimestamped(case_wants: bool, authorities: tuple[str, ...]) -> bool:
    """Whether a build went without the timestamp the case asks for (no authority set up)."""
    return case_wants and not authorities


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _authorities() -> tuple[str, ...]:
    try:
        return settings.load_settings().tsa_urls
    except settings.SettingsError:
        return ()  # the build itself says what is wrong with the settings file


def build_summary(result: BuildResult, draft: bool, no_timestamp: bool = False) -> tuple[str, str]:
    """The message after a build (short) and its details (every document written). ``no_timestamp``:
    the case asked for a trusted timestamp and no authority is set up (say so, and how to set one up)."""
    from app.ops.verify import verify_command

    kind = "A draft bundle (not for filing)" if draft else "The signed bundle"
    folders = sorted({p.parent for p in result.documents})
    where = str(folders[0]) if len(folders) == 1 else str(result.bundle.parent)
    check = verify_command(str(result.bundle), result.fingerprint, timestamped=result.timestamped)
    text = (f"{kind} is at:\n  {result.bundle}\n\n{len(result.documents):,} documents, in:\n  {where}\n\n"
            f"Signer certificate fingerprint (SHA-256):\n{fingerprint_lines(result.fingerprint)}\n\n"
            + (NO_AUTHORITY + "\n\n" if no_timestamp else "")
            + f"To check it:\n  {check}")
    return text, "\n".join(str(p) for p in result.documents)


class BuildCommand:
    """Build bundle… for the open case (``case()`` gives it, or None)."""

    def __init__(self, window: QWidget, case: Callable[[], CaseFile | None], operations: Operations,
                 gate: ReviewGate, status: Callable[[str], None], verify: Callable[[Path], object]) -> None:
        self._window = window
        self._case = case
        self._operations = operations
        self._gate = gate
        self._status = status
        self._verify = verify
        self._drafts: dict[Path, tuple[int, int]] = {}  # drafts built here: path → (size, mtime) as written

    def is_draft(self, bundle: Path) -> bool:
        """Whether ``bundle`` is a draft this window built, unchanged since (the bundle itself does not say)."""
        stamp = self._drafts.get(bundle.absolute())
        try:
            return stamp is not None and stamp == _stamp(bundle)
        except OSError:
            return False

    def ask_and_build(self) -> None:
        """Review the case, then ask for the folder and the passphrase, then build (a case whose signer
        is not on this computer is refused first: nothing else would help)."""
        if self._signer_missing():
            return
        self._gate.check("building the bundle", self.ask_where)

    def _signer_missing(self) -> bool:
        case = self._case()
        if case is None:
            return True
        from app.ops.identity import case_signer

        info = case.info()
        if case_signer(info) is None and info.signer_fingerprint:
            messages.show_message(
                self._window, "The bundle was not built",
                "This case is to be signed by an identity that is not on this computer:\n"
                f"  {info.signer_fingerprint}\n\nImport it, or choose another in Tools → Signing identities.",
                icon=QMessageBox.Icon.Warning)
            return True
        return False

    def ask_where(self, draft: bool = False) -> None:
        case = self._case()
        if case is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self._window, "Build the bundle into", str(settings.last_folder("output", case.path))
        )
        if not folder:
            return
        settings.set_last_folder("output", Path(folder), case.path)
        self.ask_passphrase(Path(folder), draft=draft)

    def ask_passphrase(self, out_dir: Path, *, draft: bool = False, problem: str = "", tries: int = 0) -> None:
        case = self._case()
        if case is None or self._signer_missing():
            return
        from app.gui.dialogs.identities import signer_text
        from app.gui.dialogs.passphrase import PassphraseDialog
        from app.ops.build import needs_new_identity
        from app.ops.identity import case_signer

        signer = case_signer(case.info())
        dialog = PassphraseDialog(first_use=needs_new_identity(), parent=self._window,
                                  signer=signer_text(signer) if signer is not None else "")
        dialog.problem.setText(problem)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        passphrase = dialog.value() if accepted else ""
        dialog.passphrase.clear()  # the passphrase lives no longer than the build needs it
        dialog.again.clear()
        dialog.deleteLater()
        if accepted:
            self.start_build(out_dir, passphrase, draft=draft, tries=tries + 1)

    def start_build(self, out_dir: Path, passphrase: str, *, draft: bool = False,
                    tries: int = MAX_TRIES) -> Operation[BuildResult] | None:
        """Sign and build in the background; a cancel leaves the output folder as it was."""
        case = self._case()
        if case is None:
            return None
        from app.ops.build import BuildRequest, build

        request = BuildRequest(out_dir=out_dir, passphrase=passphrase, draft=draft)
        no_timestamp = untimestamped(case.info().timestamp_when_building, _authorities())

        def work(reporter: Reporter) -> BuildResult:
            return build(case, request, reporter=reporter)

        def done(result: BuildResult) -> None:
            settings.set_last_bundle(result.bundle)
            if draft:
                self._drafts[result.bundle.absolute()] = _stamp(result.bundle)
            else:
                self._drafts.pop(result.bundle.absolute(), None)
            self._status(f"Bundle built: {result.bundle}")
            text, details = build_summary(result, draft, no_timestamp)
            messages.show_message(self._window, "Draft bundle built" if draft else "Bundle built", text,
                                  details=details,
                                  actions=[("Open folder", lambda: desktop.show_folder(result.bundle.parent)),
                                           ("Verify now", lambda: self._verify(result.bundle))])

        def failed(error: BaseException) -> None:
            if isinstance(error, WrongPassphrase) and tries < MAX_TRIES:
                self.ask_passphrase(out_dir, draft=draft, tries=tries,
                                    problem="That passphrase does not unlock this identity. Try again.")
                return
            messages.show_error(self._window, "The bundle was not built", error)

        def stopped() -> None:
            self._status("Build cancelled; the output folder was left as it was")

        return self._operations.run(
            self._window, work, done, on_failure=failed, on_cancelled=stopped,
            progress_title="Building the draft bundle" if draft else "Building the bundle", writes_case=True,
        )
