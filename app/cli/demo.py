"""``evbundle demo DIR``: the fictional sample case, end to end."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_OK
from .reporting import StageLines


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="build the fictional sample case end to end into DIR")
    p.add_argument("dir", type=Path)
    p.set_defaults(handler=demo)


def demo(args: argparse.Namespace) -> int:
    from app.ops.demo import run_demo
    from app.ops.verify import verify_command

    result = run_demo(args.dir, reporter=StageLines())
    print(f"case:     {result.case_path}  ({result.items} items, {result.domains} domains)")
    print(f"bundle:   {result.build.bundle}")
    for path in result.build.documents:
        print(f"document: {path}")
    print(f"signer:   {result.build.fingerprint} (throwaway DEMO identity in {result.identity_dir})")
    built = result.build
    print(f"verify:   {verify_command(str(built.bundle), built.fingerprint, timestamped=built.timestamped)}")
    return EXIT_OK
