"""The `cstool` command: global options, the command groups and the one error handler."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cstool import __version__
from cstool.cli.common import state
from cstool.errors import EXIT_CODE_HELP, CstoolError, ExitCode


def _is_cli_control(exc: BaseException) -> bool:
    """Click/Typer's own exceptions (usage errors, Exit, Abort) keep their handling."""
    return type(exc).__module__.split(".")[0] in ("typer", "click")


class CstoolGroup(TyperGroup):
    """Maps every cstool error to its message on stderr and its exit code."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        from cstool.cli.report import expand_optional_values

        return super().parse_args(ctx, expand_optional_values(list(args)))

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CstoolError as error:
            if state(ctx).debug:
                raise
            _print_error(error.message, error.hint)
            raise typer.Exit(int(error.exit_code)) from None
        except Exception as error:  # an unexpected failure: one line, never a traceback
            if _is_cli_control(error) or state(ctx).debug:
                raise
            text = str(error).splitlines()[0] if str(error) else ""
            text = _redact_any(text, state(ctx).db)
            _print_error(
                f"internal error: {type(error).__name__}: {text[:300]} (run with --debug for the traceback)"
            )
            raise typer.Exit(int(ExitCode.REFUSED)) from None


def _redact_any(text: str, db: str | None) -> str:
    from cstool.storage.location import redact

    url = db or os.environ.get("CSTOOL_DB") or ""
    return redact(text, url) if url else text


def _print_error(message: str, hint: str | None = None) -> None:
    from cstool.render import note

    note(f"error: {message}", style="red")
    if hint:
        note(hint)


app = typer.Typer(
    cls=CstoolGroup,
    name="cstool",
    help="Customer Success at the terminal: accounts, gemstones, onboarding and Time to Value, "
    "EBRs, PSEs, the timeline and follow-ups.",
    epilog=EXIT_CODE_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cstool {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="CSTOOL_DB", show_envvar=True, help="Store: a SQLite file path or a SQLAlchemy URL."),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", envvar="CSTOOL_USER", show_envvar=True, help="Who is making the change (recorded in history)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    st = state(ctx)
    st.db, st.actor, st.debug = db, actor, debug


def _register() -> None:
    from cstool.cli import (
        account, activity, check, config, contact, db, demo, ebr, export, gemstone, history, imports, onboarding,
        opportunity, pse, report, task,
    )

    app.add_typer(account.app, name="account", help="Accounts: add, list, show, update, archive.")
    app.add_typer(contact.app, name="contact", help="Contacts of an account.")
    app.add_typer(opportunity.app, name="opportunity", help="Opportunities of an account.")
    app.add_typer(gemstone.app, name="gemstone", help="Gemstone tiers: calc, recalc, summary.")
    app.add_typer(onboarding.app, name="onboarding", help="Onboarding records and their Time to Value.")
    app.add_typer(ebr.app, name="ebr", help="Executive Business Reviews.")
    app.add_typer(pse.app, name="pse", help="Professional Services Engagements.")
    app.add_typer(activity.app, name="activity", help="The account timeline: calls, meetings, emails, workshops.")
    app.add_typer(task.app, name="task", help="Follow-up tasks, including the onboarding playbook.")
    app.add_typer(report.app, name="report", help="Reports: Time to Value, open onboardings, engagement.")
    app.add_typer(config.app, name="config", help="Team settings stored in the database.")
    app.add_typer(db.app, name="db", help="The store: init, migrate, backup, check, info, path.")
    app.command("check", help="Data-quality review: exit 0 when clean, 1 when anything is found.")(check.check)
    app.command("export", help="Write any table as CSV, JSON or JSON lines.")(export.export)
    app.add_typer(imports.app, name="import", help="Import accounts, contacts, opportunities or onboardings from CSV.")
    app.command("demo", help="Build a demo store and print its TTV report.")(demo.demo)
    app.command("history", help="Every change to an account or record: when, who, field, old and new.")(history.history)


_register()


def run() -> None:
    """Console-script entry point."""
    app(prog_name="cstool")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
