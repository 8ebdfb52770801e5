"""Setting options defined once and given to several commands (create, update, start...)."""

from __future__ import annotations

import functools
import inspect
from typing import Annotated, Optional

import typer


def text_option(flag: str, help_: str):
    return Annotated[Optional[str], typer.Option(flag, help=help_)]


def flag_option(flag: str, help_: str):
    name = flag.lstrip("-")
    return Annotated[Optional[bool], typer.Option(f"{flag}/--no-{name}", help=help_)]


def with_options(spec: dict):
    """Give a command every option of `spec`; the body receives them as one `settings` dict."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(**kwargs):
            settings = {name: kwargs.pop(name) for name in spec}
            return func(settings=settings, **kwargs)

        signature = inspect.signature(func, eval_str=True)
        params = [p for name, p in signature.parameters.items() if name != "settings"]
        fmt = [p for p in params if p.name == "fmt"]
        params = [p for p in params if p.name != "fmt"]
        extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
                 for name, annotation in spec.items()]
        extra += [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in fmt]
        wrapper.__signature__ = signature.replace(parameters=params + extra)
        # evaluated here: the wrapper lives in this module, the names in its annotations in the caller's
        wrapper.__annotations__ = {p.name: p.annotation for p in params + extra}
        del wrapper.__wrapped__
        return wrapper

    return decorate
