"""Entry point for frozen builds (PyInstaller): the same composition root as `evbundle`."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
