"""The exit codes of every ``evbundle`` command, in one place."""

EXIT_OK = 0  # it worked; a verified bundle is VALID
EXIT_FAILED = 1  # a check found a problem, or some input was refused (the rest was kept)
EXIT_ERROR = 2  # the command could not run (bad arguments, an unreadable case, a wrong passphrase)
# 3, `verify` only: intact but signed by an unknown key, or timestamped by an authority not trusted here where
# the bundle says it was timestamped (the verdict's code: app.bundle.report.EXIT_CODES)
