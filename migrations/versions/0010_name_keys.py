"""Name keys compare the NFKC case-folded form: recompute them for accounts, PSEs and POVs.

`Acme Labs` in fullwidth letters, or with a zero-width space inside, is the same name as `Acme Labs`
(SPEC section 10).  The key columns stay as they are; their values are recomputed with
cstool.domain.text.name_key.  A stored name whose new key another record already has keeps its old key,
so both records stay (each reachable by id, and by the name as stored) for a person to merge or rename.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("account", "pse", "pov")


def _rekey(conn, name: str, key) -> None:
    t = sa.table(name, sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_key", sa.String))
    rows = conn.execute(sa.select(t.c.id, t.c.name, t.c.name_key).order_by(t.c.id)).all()
    taken = {old for _id, _name, old in rows}
    changes = []
    for rid, stored, old in rows:
        new = key(stored)
        if new == old:
            continue
        if new in taken:  # another record already has this key: keep the old one
            continue
        taken.discard(old)
        taken.add(new)
        changes.append({"_id": rid, "_key": new})
    # two passes so a key freed by one row can be taken by another without a transient clash
    for c in changes:
        conn.execute(t.update().where(t.c.id == c["_id"]).values(name_key=f"~rekey~{c['_id']}"))
    for c in changes:
        conn.execute(t.update().where(t.c.id == c["_id"]).values(name_key=c["_key"]))


def upgrade() -> None:
    from cstool.domain.text import name_key

    conn = op.get_bind()
    for name in TABLES:
        _rekey(conn, name, name_key)


def downgrade() -> None:
    conn = op.get_bind()
    for name in TABLES:
        _rekey(conn, name, lambda n: " ".join(n.split()).casefold())
