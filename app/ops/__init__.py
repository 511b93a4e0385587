"""Operations: what a user asks for, composed from the layers below; the one use-case API.

Both front ends make every change to a case through a function here, so they
do the same thing the same way, and read through the case handle the
operations give them (``app.ops.case``) and the core's types. An operation
that may take a while takes one ``Reporter`` (``app.core.reporting``: progress
out, cancellation in); one that changes something returns a result naming
what changed (``app.core.changes.Changes``), from which the window redraws
and the command line prints.
"""
