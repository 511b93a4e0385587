"""The lazy domains page: filters by text, registry and look-alike flag on a worker thread, sorts, pages rows."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.model import CaseInfo
from app.gui.background import Operations
from app.gui.commands.lookup import LookupCommand
from app.gui.dialogs.lookup import LookupDialog
from app.gui.events import CaseEvents
from app.gui.models.domains import DomainFilter, LazyDomainsModel
from app.gui.pages.domains import DomainsPage
from app.gui.undo import CaseEdits
from app.ops.case import CaseFile
from app.ops.intake import add_domains
from app.ops.lookups import LookupServers


def _wait(qtbot: QtBot, model: LazyDomainsModel) -> None:
    with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
        pass


def test_filters_sort_and_pages(qtbot: QtBot, tmp_path: Path) -> None:
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        names = [f"bot{i:04d}.com" for i in range(600)] + ["pаypal.com", "evil.tv", "x.cz.cc"]
        add_domains(case, "\n".join(names), source="t")
        model = LazyDomainsModel(lambda rid: rid.upper(), Operations())
        page = DomainsPage(model)
        qtbot.addWidget(page)
        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            model.set_case(case)
        assert model.rowCount() == 603 and page.heading.text() == "603 domains"
        assert model.index(0, 2).data() == "GoDaddy Registry Services, LLC"  # registry order: evil.tv first
        assert model.index(600, 0).data().startswith("bot")  # a row far past the first page
        assert [page.registry.itemData(i) for i in range(page.registry.count())] == [
            None, "godaddy-registry", "verisign"]

        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            page.problem.setCurrentIndex(page.problem.findData("lookalike"))
        assert model.rowCount() == 1 and model.index(0, 1).data() == "pаypal.com"
        assert model.index(0, 5).data() == "mixed-script"

        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            page.problem.setCurrentIndex(0)
        page.search.setText("bot05")
        _wait(qtbot, model)
        assert model.rowCount() == 100 and page.heading.text() == "100 of 603 domains shown"

        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            model.sort(0, Qt.SortOrder.DescendingOrder)
        assert model.index(0, 0).data() == "bot0599.com"
        assert model.current_filter() == DomainFilter("bot05", None, "", "", "domain", True)
        model.wait()


def test_lazy_model_passes_the_model_tester(qtbot: QtBot, tmp_path: Path, qtmodeltester: ModelTester) -> None:
    model = LazyDomainsModel(lambda rid: rid, Operations())
    qtmodeltester.check(model)  # empty, before a case
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "\n".join(f"n{i}.com" for i in range(300)) + "\nаррӏе.com\n", source="t")
        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            model.set_case(case)
        assert model.total() == 301 and model.shown() == 301
        qtmodeltester.check(model)
        model.set_case(None)
        assert model.rowCount() == 0
        model.wait()


class _Rdap(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        name = self.path.rsplit("/", 1)[-1]
        body = json.dumps({"objectClassName": "domain", "ldhName": name, "rdapConformance": ["rdap_level_0"]})
        self.send_response(200)
        self.send_header("Content-Type", "application/rdap+json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_lookup_from_the_page_runs_in_the_background(qtbot: QtBot, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Rdap)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    events = CaseEvents()
    operations = Operations(events=events)
    try:
        with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
            add_domains(case, "one.com\ntwo.com\nthree.net\n", source="t")
            command = LookupCommand(None, lambda: case, operations,  # type: ignore[arg-type]
                                    servers=LookupServers(rdap_base=f"http://127.0.0.1:{server.server_address[1]}/"))
            monkeypatch.setattr(LookupDialog, "exec", lambda self: int(QDialog.DialogCode.Accepted.value))
            model = LazyDomainsModel(lambda rid: rid, operations)
            page = DomainsPage(model, lookup=command.ask_and_lookup)
            qtbot.addWidget(page)
            with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
                model.set_case(case)
            assert not page.lookup_button.isHidden()
            page.view.selectRow(0)
            page.view.selectionModel().select(model.index(2, 0), page.view.selectionModel().SelectionFlag.Select
                                              | page.view.selectionModel().SelectionFlag.Rows)
            assert page.lookup_button.isEnabled()
            assert page.selected_names() == ["one.com", "two.com"]  # rows 0 and 2 in registrable order
            with qtbot.waitSignal(events.itemsChanged, timeout=10000):
                page.lookup_selected()
            operations.wait()
            items = case.items()
            assert [i.record["lookup"]["http_status"] for i in items] == [200, 200]
            assert sorted(i.name for i in items) == ["one.com", "two.com"]
            model.wait()
    finally:
        server.shutdown()
        server.server_close()


def test_record_status_and_problem_filters(qtbot: QtBot, tmp_path: Path) -> None:
    """The page shows what each domain's latest record says and filters on it, and on pre-filing problems."""
    from app.ops.intake import import_files

    hold = tmp_path / "hold-sample.com.whois.txt"
    hold.write_bytes(b"Domain Name: HOLD-SAMPLE.COM\r\nRegistrar: Sample Registrar, Inc.\r\n"
                     b"Domain Status: clientHold https://icann.org/epp#clientHold\r\n")
    gone = tmp_path / "gone-sample.com.whois.txt"
    gone.write_bytes(b'No match for "GONE-SAMPLE.COM".\r\n>>> Last update of whois database: 2026-11-20T10:00:00Z <<<\r\n')
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "hold-sample.com\ngone-sample.com\nfree-sample.com\nfoo.bar\n", source="t")
        import_files(case, [hold, gone])
        model = LazyDomainsModel(lambda rid: rid, Operations())
        page = DomainsPage(model)
        qtbot.addWidget(page)
        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            model.set_case(case)
        shown = {model.index(r, 0).data(): (model.index(r, 4).data(), model.index(r, 5).data())
                 for r in range(model.rowCount())}
        assert shown == {"hold-sample.com": ("clientHold", ""), "gone-sample.com": ("not registered", "not registered"),
                         "free-sample.com": ("no record", ""), "foo.bar": ("no record", "registry unconfirmed")}

        def names(combo: object, key: str) -> set[str]:
            with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
                combo.setCurrentIndex(combo.findData(key))  # type: ignore[attr-defined]
            return {model.index(r, 0).data() for r in range(model.rowCount())}

        assert names(page.status, "hold") == {"hold-sample.com"}
        assert names(page.status, "no-record") == {"free-sample.com", "foo.bar"}
        assert names(page.status, "") == set(shown)
        assert names(page.problem, "any") == {"gone-sample.com", "foo.bar"}
        assert names(page.problem, "unconfirmed-registry") == {"foo.bar"}
        assert page.heading.text() == "1 of 4 domains shown"
        names(page.problem, "")
        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            page.view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        assert [model.index(r, 0).data() for r in range(2)] == ["hold-sample.com", "gone-sample.com"]
        model.wait()


def test_registry_corrected_from_the_page(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counsel fix a registry's address from the page; the table, Appendix A's table and custody log show it."""
    from app.gui.commands.registry import RegistryCommand
    from app.gui.dialogs.registry import RegistryDialog
    from app.ops.domains import registry_table

    def fill(dialog: RegistryDialog) -> int:
        assert "Punto 2012" in dialog.name.text()  # the bundled name, from the Public Suffix List
        dialog.name.setText("Punto 2012 S.A.P.I. de C.V.")
        dialog.address.setPlainText("Av. Sample 123\n\nMonterrey, Mexico\n")
        dialog.note.setText("checked on the registry's site")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(RegistryDialog, "exec", fill)
    events = CaseEvents()
    operations = Operations(events=events)
    with CaseFile.create(tmp_path / "c.evcase", CaseInfo(case_id="", title="t")) as case:
        add_domains(case, "foo.bar\nbaz.bar\nexample-sample.com\n", source="t")
        model = LazyDomainsModel(lambda rid: rid, operations)
        events.domainsChanged.connect(model.reload)
        edits = CaseEdits(operations, lambda: case)
        page = DomainsPage(model, correct_registry=RegistryCommand(None, lambda: case, edits).ask_and_correct)
        qtbot.addWidget(page)
        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            model.set_case(case)
        rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
        page.view.selectRow(rows["foo.bar"])
        assert page.registry_button.isEnabled()
        page.view.selectAll()
        assert not page.registry_button.isEnabled()  # two registries selected: which one?
        page.view.selectRow(rows["baz.bar"])
        with qtbot.waitSignal(model.filtering, timeout=5000, check_params_cb=lambda running: not running):
            page.correct_registry()
        operations.wait()
        names = {model.index(r, 0).data(): model.index(r, 2).data() for r in range(model.rowCount())}
        assert names["foo.bar"] == names["baz.bar"] == "Punto 2012 S.A.P.I. de C.V."
        registry = registry_table(case).for_tld("bar")
        assert registry.address == ("Av. Sample 123", "Monterrey, Mexico")
        entry = case.custody()[-1]
        assert entry.action == "registry-corrected" and entry.details["note"] == "checked on the registry's site"
        model.wait()
