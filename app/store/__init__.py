"""The case file: one portable SQLite file per case (schema, migrations, evidence objects)."""

from .casefile import CASE_SUFFIX, CaseFile, CheckProblem, GroupMember

__all__ = ["CASE_SUFFIX", "CaseFile", "CheckProblem", "GroupMember"]
