"""Pure domain rules: no Typer, no Rich, no database."""
