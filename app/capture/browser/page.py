"""A fresh, off-the-record browser profile and page that refuse what a capture must not do.

Each URL gets a profile of its own with no storage name (Qt keeps such a
profile in memory only: no cookies, cache, local storage or history shared
with anything, and nothing written to disk). The page opens no windows
(requests for one are recorded), runs no plugins, reads no ``file://`` URL,
grants no permission (camera, location, notifications…: recorded and
denied), and accepts a bad certificate only to record it (the certificate
error becomes a fact of the capture). Downloads are written under a fixed
``.bin`` name in the capture's work folder, read into the WARC and removed.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineCertificateError,
    QWebEngineDownloadRequest,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from app.capture.addresses import ip_literal, is_local_name, is_public
from app.capture.certificates import describe, pem_chain
from app.capture.job import CaptureOptions

MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024  # a download beyond this is cut off (the record says so)
MAX_CONSOLE_LINES = 200
PASSING_SCHEMES = ("http", "https", "ws", "wss", "data", "blob", "about")


class Facts:
    """What the page refused or noticed while loading: the capture record lists all of it."""

    def __init__(self) -> None:
        self.certificate_errors: list[dict[str, Any]] = []
        self.popups: list[dict[str, str]] = []
        self.blocked: list[dict[str, str]] = []
        self.permissions: list[dict[str, str]] = []
        self.console: list[dict[str, Any]] = []
        self.downloads: list[dict[str, Any]] = []


class Guard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not web traffic, and private addresses unless they are allowed."""

    def __init__(self, facts: Facts, allow_private: bool) -> None:
        super().__init__()
        self.facts = facts
        self.allow_private = allow_private

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        scheme = url.scheme().lower()
        reason = ""
        if scheme not in PASSING_SCHEMES:
            reason = f"{scheme}: URLs are never loaded"
        elif scheme in ("http", "https", "ws", "wss") and not self.allow_private:
            host = url.host()
            literal = ip_literal(host)
            if is_local_name(host) or (literal is not None and not is_public(str(literal))):
                reason = "a loopback or private address (not allowed without --allow-private)"
        if reason:
            info.block(True)
            self.facts.blocked.append({"url": url.toString(), "reason": reason})


class CapturePage(QWebEnginePage):
    """The page a URL is loaded in: no windows, no file URLs, no permissions, bad certificates recorded."""

    def __init__(self, profile: QWebEngineProfile, facts: Facts) -> None:
        super().__init__(profile)
        self.facts = facts
        self.certificateError.connect(self._certificate_error)
        self.newWindowRequested.connect(self._new_window)
        if hasattr(self, "permissionRequested"):  # Qt 6.8 and later
            self.permissionRequested.connect(self._permission)
        else:  # pragma: no cover - older Qt
            self.featurePermissionRequested.connect(self._feature_permission)

    def _certificate_error(self, error: QWebEngineCertificateError) -> None:
        chain = [bytes(c.toDer().data()) for c in error.certificateChain()]
        entry: dict[str, Any] = {
            "url": error.url().toString(), "type": error.type().name, "description": error.description(),
            "overridable": error.isOverridable(), "chain_pem": pem_chain(chain).decode("ascii"),
        }
        if chain:
            leaf = describe(chain[0])
            entry.update(subject=leaf.get("subject", ""), issuer=leaf.get("issuer", ""),
                         sha256_fingerprint=leaf["sha256_fingerprint"])
        self.facts.certificate_errors.append(entry)
        if error.isOverridable():
            error.acceptCertificate()  # the page is captured; the error is a fact of the capture
        else:
            error.rejectCertificate()  # the browser allows no exception (HSTS…): the capture fails, recorded

    def _new_window(self, request: Any) -> None:
        self.facts.popups.append({"url": request.requestedUrl().toString(),
                                  "kind": request.destination().name})  # never opened

    # Qt's documented way to refuse a window is to return null, which PySide6's stubs do not allow for.
    def createWindow(self, _window_type: QWebEnginePage.WebWindowType) -> QWebEnginePage | None:  # type: ignore[override]
        return None  # no window is ever opened (newWindowRequested has recorded what was asked for)

    def _permission(self, permission: Any) -> None:
        self.facts.permissions.append({"origin": permission.origin().toString(),
                                       "permission": permission.permissionType().name})
        permission.deny()

    def _feature_permission(self, origin: QUrl, feature: QWebEnginePage.Feature) -> None:  # pragma: no cover
        self.facts.permissions.append({"origin": origin.toString(), "permission": feature.name})
        self.setFeaturePermission(origin, feature, QWebEnginePage.PermissionPolicy.PermissionDeniedByUser)

    def acceptNavigationRequest(self, url: QUrl | str, _nav_type: QWebEnginePage.NavigationType,
                                _is_main_frame: bool) -> bool:
        url = QUrl(url)
        scheme = url.scheme().lower()
        if scheme in ("http", "https", "about", "data", "blob"):
            return True
        self.facts.blocked.append({"url": url.toString(), "reason": f"navigation to a {scheme}: URL refused"})
        return False

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel,
                                 message: str, line: int, source: str) -> None:
        if len(self.facts.console) < MAX_CONSOLE_LINES:
            self.facts.console.append({"level": level.name.replace("Message", "").lower(),
                                       "message": message[:2000], "line": line, "source": source[:500]})


def make_profile(options: CaptureOptions, facts: Facts, download_dir: Path) -> tuple[QWebEngineProfile, Guard]:
    """A new off-the-record profile configured for capture (the guard must live as long as it)."""
    profile = QWebEngineProfile()  # no storage name: off the record, in memory only
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
    profile.setSpellCheckEnabled(False)
    if options.user_agent:
        profile.setHttpUserAgent(options.user_agent)
    if options.accept_language:
        profile.setHttpAcceptLanguage(options.accept_language)
    guard = Guard(facts, options.allow_private)
    profile.setUrlRequestInterceptor(guard)
    settings = profile.settings()
    attribute = QWebEngineSettings.WebAttribute
    for name, value in (
        ("JavascriptEnabled", options.javascript),
        ("JavascriptCanOpenWindows", True),  # asked for windows are recorded, never opened (see CapturePage)
        ("PluginsEnabled", False),
        ("PdfViewerEnabled", False),  # a PDF is a download: kept in the WARC, never rendered by a plugin
        ("LocalContentCanAccessFileUrls", False),
        ("LocalContentCanAccessRemoteUrls", False),
        ("LocalStorageEnabled", True),  # in memory for this profile only; pages need it to render
        ("AllowRunningInsecureContent", False),
        ("AllowGeolocationOnInsecureOrigins", False),
        ("ScreenCaptureEnabled", False),
        ("WebRTCPublicInterfacesOnly", True),
        ("DnsPrefetchEnabled", False),
        ("NavigateOnDropEnabled", False),
        ("PlaybackRequiresUserGesture", True),
        ("AutoLoadIconsForPage", True),
        ("ErrorPageEnabled", False),
    ):
        if hasattr(attribute, name):
            settings.setAttribute(getattr(attribute, name), value)
    download_dir.mkdir(parents=True, exist_ok=True)
    profile.setDownloadPath(str(download_dir))
    profile.downloadRequested.connect(lambda request: _download(request, facts, download_dir))
    return profile, guard


def _download(request: QWebEngineDownloadRequest, facts: Facts, folder: Path) -> None:
    """Accept a download under a fixed .bin name in the work folder: its bytes go into the WARC only."""
    number = len(facts.downloads) + 1
    name = f"download-{number:02d}.bin"
    entry: dict[str, Any] = {"url": request.url().toString(), "mime_type": request.mimeType(),
                             "suggested_name": request.suggestedFileName(), "file": str(folder / name),
                             "state": "started", "bytes": 0}
    facts.downloads.append(entry)
    request.setDownloadDirectory(str(folder))
    request.setDownloadFileName(name)

    def progressed() -> None:
        entry["bytes"] = int(request.receivedBytes())
        if request.receivedBytes() > MAX_DOWNLOAD_BYTES:
            entry["state"] = f"cut off at {MAX_DOWNLOAD_BYTES:,} bytes"
            request.cancel()

    def finished() -> None:
        entry["bytes"] = int(request.receivedBytes())
        if entry["state"] == "started":
            entry["state"] = request.state().name.replace("Download", "").lower()

    request.receivedBytesChanged.connect(progressed)
    request.isFinishedChanged.connect(finished)
    request.accept()


def private_address(address: str) -> bool:
    """Whether a server address a response came from is loopback or private."""
    try:
        return not is_public(str(ipaddress.ip_address(address.strip("[]"))))
    except ValueError:
        return False
