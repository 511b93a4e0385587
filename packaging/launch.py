"""Entry point for frozen builds (PyInstaller): the same composition root as `evbundle`."""

import multiprocessing
import sys

from app.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a large import parses in worker processes: this runs them
    sys.exit(main())
