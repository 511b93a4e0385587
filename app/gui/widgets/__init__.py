"""Widgets the pages and dialogs are built from."""
