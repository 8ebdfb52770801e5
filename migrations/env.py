"""Alembic environment for cstool.

cstool always hands Alembic an open connection inside its own transaction
(see cstool/storage/migrate.py), so the whole upgrade commits or rolls back
as one.  render_as_batch lets SQLite alter tables by rebuilding them.
"""

from alembic import context

from cstool.storage.migrate import fault_injection_point
from cstool.storage.models import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only cstool's own runner is supported
    raise RuntimeError("run migrations through `cstool db migrate`")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
    fault_injection_point("migration")  # tests prove a failure here changes nothing
