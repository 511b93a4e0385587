"""Importers: evidence files in, parsed values out (pure Python: no Qt, no database)."""
