"""Each command loads only what it uses: checking a bundle never waits for the document renderers or Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

PROBE = """
import sys
from app.__main__ import main
code = main(sys.argv[1:])
loaded = {name.split(".")[0] for name in sys.modules} | {name for name in sys.modules if "." in name}
print("LOADED:", " ".join(sorted(loaded)))
raise SystemExit(code)
"""
# What verification, listing, showing and checking never need: the renderers and their templates, Qt,
# the registry table and the readers of mail, Outlook files, images and domain lists.
NOT_NEEDED = {"reportlab", "docx", "jinja2", "PySide6", "shiboken6", "pikepdf", "olefile", "PIL", "publicsuffixlist",
              "confusable_homoglyphs", "app.documents", "app.gui", "app.sources.mail", "app.sources.parse",
              "app.sources.outlook", "app.sources.detect", "app.sources.registries", "app.sources.domains"}
# What checking a bundle needs no more than that: the case file and its model, the key files and passphrase
# prompt, the PKCS#7 builder (and its e-mail classes), temporary files, foreign-function calls.
VERIFY_NOT_NEEDED = {"sqlite3", "app.store", "app.core.model", "app.bundle.pkcs12_mac", "getpass", "ctypes",
                     "email.message", "cryptography.hazmat.primitives.serialization.pkcs7", "importlib.resources"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "EVBUNDLE_HOME": str(out / "home")}
    subprocess.run([sys.executable, "-m", "app", "demo", str(out)], check=True, capture_output=True, env=env,
                   cwd=REPO)
    (case,) = out.glob("*.evcase")
    (bundle,) = out.glob("*.zip")
    return case, bundle, env


@pytest.mark.parametrize("command", ["verify", "list", "show", "check"])
def test_a_command_loads_only_what_it_uses(demo: tuple[Path, Path, dict[str, str]], command: str) -> None:
    case, bundle, env = demo
    args = {"verify": [str(bundle)], "list": [str(case)], "show": [str(case), "5"], "check": [str(case)]}[command]
    result = subprocess.run([sys.executable, "-c", PROBE, command, *args], capture_output=True, text=True, env=env,
                            cwd=REPO, timeout=120)
    assert result.returncode in (0, 1, 3), result.stderr  # 3: the demo signer is not trusted in this home
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("LOADED:")]
    loaded = set(line.split()[1:])
    assert "app.cli" in loaded
    assert not loaded & NOT_NEEDED, sorted(loaded & NOT_NEEDED)
    if command == "verify":
        assert not loaded & VERIFY_NOT_NEEDED, sorted(loaded & VERIFY_NOT_NEEDED)


def test_each_command_is_found_in_the_group_that_registers_it() -> None:
    """`evbundle COMMAND` builds only the parsers of COMMAND's group (COMMAND_GROUPS): the map must say where
    every command really is, or a command would be missing from its own parser."""
    import argparse
    import importlib

    from app.cli import COMMAND_GROUPS, GROUPS

    registered: dict[str, str] = {}
    for group in GROUPS:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"app.cli.{group}").register(sub)
        registered.update(dict.fromkeys(sub.choices, group))
    assert registered == COMMAND_GROUPS
