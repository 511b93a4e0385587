"""Evidence-bundle builder: gather domain records, screenshots and spam into a
hash-signed exhibit bundle and export filing-ready declarations."""

__version__ = "0.1.0"
APP_NAME = "evbundle"
