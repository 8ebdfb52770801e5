"""The read path: every `list`, `show` and `report` as Core statements over ``cstool.storage.tables``.

Nothing here imports SQLModel, pydantic or the ORM, and no row becomes an ORM object: a read command
pays for SQLAlchemy Core and its few statements only.  Functions take a connection (or a session,
which has the same ``execute``/``scalar``/``scalars``), so the write services reuse the record
builders here to print what they changed.
"""
