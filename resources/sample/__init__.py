"""Fictional sample case (data only); see README.md."""
