"""Command line: parses arguments, calls the pipeline, shows what it returned.

The commands live in modules grouped by what they do: ``briefs`` (build, check, list,
impact, serve), ``sources`` (source …, quote find), ``project`` (init, upgrade,
migrate-locators, schema) and ``docs`` (rules, reference); ``common`` holds the shared
options and how diagnostics are shown. ``COMMANDS`` names each command's module, which is
imported only when the command runs (or ``--help`` lists them), as click's documentation
on lazily loaded subcommands does: ``briefgen --version`` or ``briefgen rules`` loads
neither the models (pydantic) nor the pipeline.
"""

from __future__ import annotations

import importlib
import select
import sys

import click

from briefgen import __version__

# Command name → the module of briefgen.cli that defines it, and the command's name there.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("briefs", "build"),
    "check": ("briefs", "check"),
    "impact": ("briefs", "impact"),
    "list": ("briefs", "list_briefs"),
    "serve": ("briefs", "serve"),
    "source": ("sources", "source"),
    "quote": ("sources", "quote"),
    "init": ("project", "init"),
    "schema": ("project", "schema"),
    "upgrade": ("project", "upgrade"),
    "migrate-locators": ("project", "migrate_locators"),
    "rules": ("docs", "rules_command"),
    "reference": ("docs", "reference_command"),
}


def _show_version(context: click.Context, _param: click.Parameter, value: bool) -> None:
    """briefgen's version, then the renderer's: a bug report needs all four."""
    if not value or context.resilient_parsing:
        return
    # Read as the PDF cache key reads them (the libraries WeasyPrint loads), without
    # importing WeasyPrint.
    from briefgen.render.toolchain import library_versions, package_version

    libraries = dict(library_versions())
    click.echo(f"briefgen {__version__}")
    click.echo(
        f"WeasyPrint {package_version('weasyprint')}, Pango {libraries['pango']}, "
        f"HarfBuzz {libraries['harfbuzz']}"
    )
    context.exit()


def _stdout_gone() -> bool:
    """Whether standard output is a pipe or socket whose reader has gone away."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # no descriptor (a test runner's buffer)
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


class InternalError(RuntimeError):
    """A bug in briefgen: shown with its traceback, never as a quiet exit."""


class _Main(click.Group):
    """The ``briefgen`` group: its commands loaded from ``COMMANDS`` when asked for.

    click's standalone mode ends the process quietly with status 1 on *any* EPIPE,
    meant for a reader of standard output that went away (``briefgen rules | head``).
    Any other broken pipe (a child process's, a socket's) is a bug and keeps its
    traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:  # one added with main.add_command (or @main.command)
            return super().get_command(ctx, cmd_name)
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"briefgen.cli.{module}"), name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            if _stdout_gone():
                raise  # click's quiet exit
            raise InternalError(
                "a pipe other than standard output broke (a bug in briefgen)"
            ) from exc


@click.group(cls=_Main)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show briefgen's version and the WeasyPrint, Pango and HarfBuzz it renders with.",
)
def main() -> None:
    """Build trusted policy briefs (PDF and HTML) from structured research notes."""
