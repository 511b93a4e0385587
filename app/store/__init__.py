"""The case file: one portable SQLite file per case (schema, migrations, evidence objects).

Every SQL statement the app runs against a case is in this package.
"""

from .casefile import CASE_SUFFIX, CaseFile, CheckProblem
from .connection import CaseWriteFailed
from .objects import ObjectReader
from .transaction import Transaction

__all__ = ["CASE_SUFFIX", "CaseFile", "CaseWriteFailed", "CheckProblem", "ObjectReader", "Transaction"]
