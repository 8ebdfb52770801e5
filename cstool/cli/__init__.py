"""Typer command modules: parse options, call services, render, map errors to exit codes.

Nothing heavy is imported at module level: SQLAlchemy, SQLModel and pydantic
load inside command bodies, so `--help`, `--version` and completion stay fast.
"""
