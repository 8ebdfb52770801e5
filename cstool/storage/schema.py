"""The migration revisions this code knows, oldest first.

Kept as constants so an ordinary command can check a store's revision with
one query and no Alembic import; a test proves they match ``migrations/``.
"""

REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0010")
HEAD = REVISIONS[-1]
