"""Entry point for frozen builds (PyInstaller): the same composition root as `evbundle`."""

import multiprocessing
import sys

from app.__main__ import run

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a large import parses in worker processes: this runs them
    # macOS only: there the capture engine is inside the .app, so this executable also runs the capture
    # program (elsewhere it is the engine component's own executable; see app/capture/launch.py).
    if sys.argv[1:2] == ["--capture-child"]:
        from app.capture.__main__ import main as capture_main

        sys.exit(capture_main(sys.argv[2:]))
    run()
