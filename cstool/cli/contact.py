"""`cstool contact add|list|update|remove`."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool import render
from cstool.cli.common import FormatOpt, querying, writing
from cstool.render import Format, note

app = typer.Typer(no_args_is_help=True)

Title = Annotated[str | None, typer.Option("--title")]
Role = Annotated[str | None, typer.Option("--role")]
Email = Annotated[str | None, typer.Option("--email")]
Phone = Annotated[str | None, typer.Option("--phone")]
Salutation = Annotated[str | None, typer.Option("--salutation")]
Admin = Annotated[bool | None, typer.Option("--gitlab-admin/--no-gitlab-admin", help="Is a GitLab admin.")]
COLUMNS = ["id", "account", "name", "title", "role", "email", "phone", "gitlab_admin"]


@app.command("add")
def add(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="Account name or id.")],
    name: Annotated[str, typer.Argument(help="Contact's name.")],
    title: Title = None, role: Role = None, email: Email = None, phone: Phone = None,
    salutation: Salutation = None, gitlab_admin: Admin = None, fmt: FormatOpt = Format.table,
) -> None:
    """Add a contact to an account."""
    from cstool.services.crm import add_contact

    raw = dict(title=title, role=role, email=email, phone=phone, salutation=salutation, gitlab_admin=gitlab_admin)
    with writing(ctx) as (session, actor):
        record = add_contact(session, account=account, name=name, raw=raw, actor=actor)
    note(f"Added contact {record['name']} (id {record['id']}) to {record['account']}.")
    render.record(record, fmt, title=record["name"])


@app.command("update")
def update(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Contact id (or unique name).")],
    name: Annotated[str | None, typer.Option("--name", help="Rename the contact.")] = None,
    title: Title = None, role: Role = None, email: Email = None, phone: Phone = None,
    salutation: Salutation = None, gitlab_admin: Admin = None, fmt: FormatOpt = Format.table,
) -> None:
    """Change a contact's fields (an empty value clears one)."""
    from cstool.services.crm import update_contact

    raw = dict(title=title, role=role, email=email, phone=phone, salutation=salutation, gitlab_admin=gitlab_admin)
    with writing(ctx) as (session, actor):
        record = update_contact(session, ref=ref, raw=raw, actor=actor, new_name=name)
    render.record(record, fmt, title=record["name"])


@app.command("remove")
def remove(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Contact id (or unique name).")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Remove a contact (the history keeps a trace)."""
    from cstool.services.crm import remove_contact

    with writing(ctx) as (session, actor):
        record = remove_contact(session, ref=ref, actor=actor)
    note(f"Removed contact {record['name']} (id {record['id']}) from {record['account']}.")
    render.record(record, fmt, title=record["name"])


@app.command("list")
def list_(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Argument(help="Only this account's contacts.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List contacts."""
    from cstool.queries.crm import list_contacts

    with querying(ctx) as session:
        data = list_contacts(session, account=account)
    render.rows(data, fmt, columns=COLUMNS, title="Contacts", empty="No contacts.")
