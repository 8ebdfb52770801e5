"""The `cstool` command: global options, the command groups and the one error handler."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from cstool import __version__
from cstool.cli.common import state
from cstool.errors import EXIT_CODE_HELP, CstoolError, ExitCode


def _is_cli_control(exc: BaseException) -> bool:
    """Click/Typer's own exceptions (usage errors, Exit, Abort) keep their handling."""
    return type(exc).__module__.split(".")[0] in ("typer", "click")


class CstoolGroup(TyperGroup):
    """Maps every cstool error to its message on stderr and its exit code."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        from cstool.cli.argv import expand_optional_values, hoist_global_options

        return super().parse_args(ctx, expand_optional_values(hoist_global_options(list(args))))

    # Command modules load when a command runs, not at start-up: the root only needs names and help.
    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [*self.commands, *(name for name in LAZY if name not in self.commands)]

    def get_command(self, ctx: typer.Context, name: str):
        if name in self.commands:
            return self.commands[name]
        if name in LAZY:
            return TyperCommand(name=name, help=LAZY[name][-1], short_help=LAZY[name][-1])
        return None

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        if args and args[0] in LAZY and args[0] not in self.commands:
            self.commands[args[0]] = _load(args[0])
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            ctx.fail(unknown_command(args[0], self.list_commands(ctx)))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CstoolError as error:  # --debug adds the traceback; the exit code is the same either way
            if state(ctx).debug:
                _print_traceback(state(ctx).db)
            _print_error(_redact_any(error.message, state(ctx).db), error.hint)
            raise typer.Exit(int(error.exit_code)) from None
        except BrokenPipeError:  # `cstool ... | head`: the reader has what it wanted
            _silence_stdout()
            raise typer.Exit(int(ExitCode.OK)) from None
        except Exception as error:  # an unexpected failure: one line, a traceback only with --debug
            if _is_cli_control(error):
                raise
            if state(ctx).debug:
                _print_traceback(state(ctx).db)
            text = str(error).splitlines()[0] if str(error) else ""
            text = _redact_any(text, state(ctx).db)
            _print_error(
                f"internal error: {type(error).__name__}: {text[:300]} (run with --debug for the traceback)"
            )
            raise typer.Exit(int(ExitCode.REFUSED)) from None


def unknown_command(name: str, commands: list[str]) -> str:
    """`No such command 'reprot'. Did you mean 'report'?`: the close names of every command, loaded or not."""
    from difflib import get_close_matches

    close = get_close_matches(name, commands, n=3, cutoff=0.6)
    close += [c for c in commands if c.startswith(name[:3]) and c not in close and len(name) >= 3][:3 - len(close)]
    if not close:
        return f"No such command {name!r}. Commands: {', '.join(commands)}."
    return f"No such command {name!r}. Did you mean " + " or ".join(repr(c) for c in close) + "?"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _redact_any(text: str, db: str | None) -> str:
    """Text with every password of the store's URL (and of any URL written in it) removed."""
    from cstool.storage.location import redact

    for url in {db or "", os.environ.get("CSTOOL_DB") or ""}:
        text = redact(text, url)
    return text


def _print_traceback(db: str | None) -> None:
    """--debug: the traceback on stderr, passwords removed as from every other message."""
    import traceback

    sys.stderr.write(_redact_any(traceback.format_exc(), db))
    sys.stderr.flush()


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
    rich_markup_mode=None,  # plain Click help at the root: Rich's help renderer costs ~50 ms of imports
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
        typer.Option("--db", envvar="CSTOOL_DB", show_envvar=True, help="Store: a SQLite file path or a SQLAlchemy URL (before or after the command)."),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", envvar="CSTOOL_USER", show_envvar=True, help="Who is making the change, recorded in history (before or after the command)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors (before or after the command).")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    st = state(ctx)
    st.db, st.actor, st.debug = db, actor, debug


# name -> (module, attribute (None: the module's Typer app), one-line help)
LAZY: dict[str, tuple[str, str | None, str]] = {
    "account": ("cstool.cli.account", None, "Accounts: add, list, show, update, archive."),
    "contact": ("cstool.cli.contact", None, "Contacts of an account."),
    "opportunity": ("cstool.cli.opportunity", None, "Opportunities of an account."),
    "gemstone": ("cstool.cli.gemstone", None, "Gemstone tiers: calc, recalc, summary."),
    "onboarding": ("cstool.cli.onboarding", None, "Onboarding records and their Time to Value."),
    "ebr": ("cstool.cli.ebr", None, "Executive Business Reviews."),
    "pse": ("cstool.cli.pse", None, "Professional Services Engagements."),
    "pov": ("cstool.cli.pov", None, "Proofs of Value: time-boxed technical evaluations before a sale."),
    "plan": ("cstool.cli.plan", None, "Success plans: the customer's objectives and their colours."),
    "health": ("cstool.cli.health", None, "Health scores: store the week's snapshot (for cron)."),
    "activity": ("cstool.cli.activity", None, "The account timeline: calls, meetings, emails, workshops."),
    "task": ("cstool.cli.task", None, "Follow-up tasks, including the onboarding playbook."),
    "renewal": ("cstool.cli.renewal", None, "Renewals: open the coming ones (cron), list the open ones."),
    "report": ("cstool.cli.report", None, "Reports: Time to Value, onboarding, engagement, EBR, PSE, POV, plans, health, renewals."),
    "check": ("cstool.cli.check", "check", "Data-quality review: exit 0 when clean, 1 when anything is found."),
    "history": ("cstool.cli.history", "history", "Every change to an account or record: when, who, field, old and new."),
    "import": ("cstool.cli.imports", "import_", "Import any kind of record from CSV (CRM exports), or restore export's files."),
    "export": ("cstool.cli.export", "export", "Write any table (or --all to a folder) as CSV, JSON or JSON lines."),
    "dashboard": ("cstool.cli.dashboard", "dashboard", "Write a self-contained HTML dashboard: TTV, onboardings, EBRs, PSEs, health, POVs."),
    "config": ("cstool.cli.config", None, "Team settings stored in the database."),
    "db": ("cstool.cli.db", None, "The store: init, migrate, backup, check, info, path."),
    "demo": ("cstool.cli.demo", "demo", "Build a demo store and print its TTV report."),
}


def _load(name: str):
    """The real Click command for a top-level name (imports its module now)."""
    import importlib

    from typer.main import get_command

    module_name, attribute, help_text = LAZY[name]
    module = importlib.import_module(module_name)
    if attribute is None:
        command = get_command(module.app)
    else:
        single = typer.Typer()
        single.command(name=name, help=help_text)(getattr(module, attribute))
        command = get_command(single)
    command.name = name
    if attribute is None:
        command.help = command.help or help_text
        command.short_help = help_text
    return command


def run() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:  # the fast path: no Typer, no Click
        print(f"cstool {__version__}")
        return
    app(prog_name="cstool")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
