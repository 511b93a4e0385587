"""Fictional sample case data; a package only so that it ships as package data."""
