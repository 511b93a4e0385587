"""Evidence-bundle builder: gather domain records, screenshots and spam into a
hash-signed exhibit bundle and export filing-ready declarations."""

__version__ = "0.1.0"
APP_NAME = "evbundle"
# Reverse-DNS application id: desktop file, macOS bundle id, Windows AppUserModelID (pyproject [tool.evbundle]).
APP_ID = "org.evbundle.evbundle"
