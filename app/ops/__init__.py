"""Operations: what a user asks for, composed from the layers below.

The CLI and the GUI both call these and nothing lower, so the two front ends
do the same thing the same way. Each operation takes ``progress`` and
``cancelled`` callbacks so the GUI can run it in the background.
"""
