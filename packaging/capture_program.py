"""evbundle-capture: the capture engine component's program (the web capture browser).

Built by ``packaging/evbundle.spec -- --capture-engine`` as the one executable of the engine
component, installed beside ``evbundle`` in the same folder (it uses the app's libraries and adds
QtWebEngine's). The app starts it with a job file (``app/capture/launch.py``); ``--probe`` loads
a small page from memory instead and prints one line (``packaging/engine_probe.py``), to show
the engine works where it is installed.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:2] == ["--probe"]:
        from engine_probe import main as probe

        sys.exit(probe())
    from app.capture.__main__ import main

    sys.exit(main(sys.argv[1:]))
