"""Fonts shipped with the app (Liberation, SIL OFL 1.1: see LICENSE-OFL.txt)."""
