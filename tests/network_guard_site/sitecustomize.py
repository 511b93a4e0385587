"""Installs the suite's network guard in every Python process the tests start (``python -m app`` …).

The suite puts this folder on PYTHONPATH and names a log file in TEST_NETWORK_GUARD_LOG
(tests/conftest.py); a child that tries to reach another machine is refused, as the test process
is, and the attempt is appended to that file, which fails the test that started the child.
"""

import os
import sys

if os.environ.get("TEST_NETWORK_GUARD_LOG"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import network_guard

    network_guard.install(log=os.environ["TEST_NETWORK_GUARD_LOG"])
