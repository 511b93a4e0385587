"""Entry point for frozen builds (PyInstaller): the same composition root as `evbundle`."""

import multiprocessing
import sys

from app.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a large import parses in worker processes: this runs them
    if sys.argv[1:2] == ["--capture-child"]:  # the web capture browser, started by app/capture/launch.py
        from app.capture.__main__ import main as capture_main

        sys.exit(capture_main(sys.argv[2:]))
    sys.exit(main())
