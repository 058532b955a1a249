"""The command line: it reads the settings and hands them to :func:`incidentbot.app.build_app`.

Every user-facing failure is an :class:`IncidentbotError`: one sentence on stderr and exit 1.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from incidentbot import config as config_module
from incidentbot import owner_only
from incidentbot.errors import IncidentbotError
from incidentbot.i18n import Message, _, ngettext

if TYPE_CHECKING:
    from incidentbot.app import App

log = logging.getLogger("incidentbot")


def build_app(settings: config_module.Settings, *, create: bool = True) -> App:
    """The composition root (imported when a command needs it: ``--help`` stays fast)."""
    from incidentbot.app import build_app as build

    return build(settings, create=create)


class Context:
    def __init__(self) -> None:
        self._settings: config_module.Settings | None = None

    @property
    def loaded_settings(self) -> config_module.Settings | None:
        """The settings if a command already loaded them (a damaged-file message needs the
        path, but must not load settings that may be what failed)."""
        return self._settings

    @property
    def settings(self) -> config_module.Settings:
        if self._settings is None:
            self._settings = config_module.load()
        return self._settings

    @property
    def lang(self) -> str:
        """The reader's language: the settings', or INCIDENTBOT_LANG's while they fail."""
        if self._settings is not None:
            return self._settings.language
        return config_module.reader_language()


def fail(exc: IncidentbotError, lang: str = "en") -> NoReturn:
    click.secho(exc.text(lang), fg="red", err=True)
    sys.exit(1)


class Group(click.Group):
    """Turns an IncidentbotError raised by any command into one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (IncidentbotError, sqlite3.DatabaseError) as exc:
            obj = ctx.obj if isinstance(ctx.obj, Context) else None
            lang = obj.lang if obj is not None else config_module.reader_language()
            if isinstance(exc, IncidentbotError):
                fail(exc, lang)
            from incidentbot.store import damaged  # a file damaged under a running command

            settings = obj.loaded_settings if obj is not None else None
            fail(damaged(settings.db_path if settings else Path("the database"), exc), lang)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug lines to stderr.")
@click.version_option(package_name="incidentbot")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """incidentbot: run a campaign's personal-data incident by the book.

    Settings come from the environment (INCIDENTBOT_DB, INCIDENTBOT_LANG, INCIDENTBOT_TZ,
    INCIDENTBOT_CONFIG, INCIDENTBOT_PUBLIC_URL, SLACK_*): see README.md.
    """
    # Offline commands print results, not logs; `run` and `serve` raise the level to INFO.
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    ctx.obj = Context()


@main.command()
@click.option(
    "--script",
    "script",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Run the commands of FILE (one per line), then exit; - reads stdin.",
)
@click.option("--as", "actor", default=None, help="Act as this user (default: $USER).")
@click.option(
    "--drafts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("drafts-out"),
    show_default=True,
    help="Where drafted texts are written (Markdown and .docx).",
)
@click.pass_obj
def shell(obj: Context, script: Path | None, actor: str | None, drafts_dir: Path) -> None:
    """The whole bot offline in a terminal: same grammar, same database."""
    import getpass

    from dateutil import tz

    from incidentbot.shell import Shell

    settings = obj.settings
    service = build_app(settings).service
    who = actor or getpass.getuser() or "operator"
    sh = Shell(
        service,
        actor=who,
        lang=settings.language,
        tz=tz.gettz(settings.timezone) or UTC,
        drafts_dir=drafts_dir,
    )
    if script is None:
        sys.exit(sh.interact())
    if str(script) == "-":
        sys.exit(sh.run_script(sys.stdin.read().splitlines()))
    try:
        lines = script.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise IncidentbotError(Message("cli.script_unreadable", script=script, error=exc)) from exc
    sys.exit(sh.run_script(lines))


@main.group()
def playbooks() -> None:
    """Validate playbook files."""


@playbooks.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def playbooks_check(obj: Context, directory: Path | None) -> None:
    """Validate the playbooks of DIRECTORY (default: the configured ones); exit 1 on errors."""
    from incidentbot import playbooks as pb

    settings = obj.settings
    if directory is not None and not directory.is_dir():
        raise IncidentbotError(Message("cli.not_a_folder", directory=directory))
    if directory is None:
        problems = pb.check(list(settings.all_playbook_dirs))
    else:
        problems = pb.check([directory], base=list(settings.all_playbook_dirs[:1]))
    for p in problems:
        click.echo(p.text(settings.language), err=True)
    if problems:
        sys.exit(1)
    click.echo(_("cli.playbooks_valid", settings.language))


@main.group()
def templates() -> None:
    """Check the draft templates."""


@templates.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def templates_check(obj: Context, directory: Path | None) -> None:
    """List the facts each template uses; exit 1 on an unknown fact or a syntax error.

    DIRECTORY is a campaign's override folder (checked in front of the built-in templates);
    without it, the configured folders are checked.
    """
    from incidentbot import drafting

    settings = obj.settings
    if directory is not None and not directory.is_dir():
        raise IncidentbotError(Message("cli.not_a_folder", directory=directory))
    dirs = [directory] if directory is not None else list(settings.all_template_dirs)
    problems = drafting.check_templates(dirs)
    for name, facts in sorted(drafting.template_facts(dirs).items()):
        shown = ", ".join(facts) or _("cli.no_facts", settings.language)
        click.echo(_("cli.template_facts", settings.language, name=name, facts=shown))
    for p in problems:
        click.secho(str(p), fg="red", err=True)
    if problems:
        sys.exit(1)


@main.command()
@click.argument("incident")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "csv", "json"]), default="md", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.pass_obj
def export(obj: Context, incident: str, fmt: str, output: Path | None) -> None:
    """The timeline and facts of one incident (INCIDENT is INC-n)."""
    service = build_app(obj.settings, create=False).service
    text = service.export(
        incident.upper(), fmt, lang=obj.settings.language, tz=obj.settings.tzinfo()
    )
    _emit(text, output, lang=obj.lang)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "md"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def register(obj: Context, fmt: str, output: Path | None) -> None:
    """The register of all incidents that the law asks a campaign to keep."""
    from incidentbot.service import register

    rows = build_app(obj.settings, create=False).service.register_rows()
    text = (
        register.register_csv(rows)
        if fmt == "csv"
        else register.register_markdown(rows, obj.settings.language)
    )
    _emit(text, output, lang=obj.lang)


@main.command()
@click.option(
    "--against",
    "against",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="An earlier JSON export (repeatable): the database must extend its chain.",
)
@click.pass_obj
def verify(obj: Context, against: tuple[Path, ...]) -> None:
    """Check the file, every timeline's hash chain, every table against its chain, the
    published chain heads and timestamp tokens; exit 1 naming the first difference."""
    from incidentbot.evidence import anchors, exports
    from incidentbot.store import Store

    store = Store(obj.settings.db_path, create=False)
    problems = store.verify()
    notes: list[Message] = []
    if not store.integrity():
        for path in against:
            problems += exports.against(store, path, timestamp_ca=obj.settings.timestamp_ca)
        read_heads = None
        if obj.settings.slack_bot_token:
            from incidentbot.slack import witness

            read_heads = witness.reader(obj.settings)
        found, notes = anchors.check(store, obj.settings, read_heads)
        problems += found
    for p in problems:
        click.secho(p.render(obj.lang), fg="red", err=True)
    if problems:
        sys.exit(1)
    for note in notes:
        click.echo(note.render(obj.lang))
    count = store.conn.execute("SELECT COUNT(*) FROM timeline").fetchone()[0]
    incidents = store.conn.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
    counted = {
        "events": ngettext("cli.n_events", count, obj.lang),
        "incidents": ngettext("cli.n_incidents", incidents, obj.lang),
    }
    if against:
        exported = ngettext("cli.n_exports", len(against), obj.lang)
        click.echo(_("cli.verify_ok_against", obj.lang, exports=exported, **counted))
    else:
        click.echo(_("cli.verify_ok", obj.lang, **counted))


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_obj
def backup(obj: Context, path: Path) -> None:
    """A consistent copy of the live database (SQLite backup API)."""
    from incidentbot.store import Store

    if not obj.settings.db_path.exists():
        raise IncidentbotError(Message("cli.no_database", path=obj.settings.db_path))
    dest = Store(obj.settings.db_path, create=False).backup(path)
    click.echo(_("cli.backup_written", obj.lang, path=dest))


@main.command(name="outbox")
@click.argument("action", type=click.Choice(["list", "retry", "drop"]), default="list")
@click.argument("ids", nargs=-1)
@click.pass_obj
def outbox_command(obj: Context, action: str, ids: tuple[str, ...]) -> None:
    """Slack deliveries that failed for good (dead letters): list them, retry or drop them.

    \b
    incidentbot outbox              list them, with their incident and last error
    incidentbot outbox retry 4 7    put rows 4 and 7 back in line (a running bot sends them)
    incidentbot outbox drop all     give every dead letter up (kept, marked dropped)
    """
    from datetime import datetime

    from incidentbot.store import Store, outbox

    if not obj.settings.db_path.exists():
        raise IncidentbotError(Message("cli.outbox.no_database", path=obj.settings.db_path))
    store = Store(obj.settings.db_path, create=False)
    dead = outbox.dead(store)
    if action == "list":
        if ids:
            raise IncidentbotError(Message("cli.outbox.no_ids"))
        for row in dead:
            tries = _("cli.outbox.tries", obj.lang, count=row["attempts"])
            click.echo(
                f"{row['id']}\t{row['incident'] or '-'}\t{row['method']}\t"
                f"{tries}\t{row['dead_at']}\t{row['last_error']}"
            )
        click.echo(_("cli.outbox.dead_count", obj.lang, count=len(dead)), err=True)
        return
    if not ids:
        raise IncidentbotError(Message("cli.outbox.needs_ids", action=action))
    known = {int(row["id"]) for row in dead}
    if ids == ("all",):
        chosen = sorted(known)
    else:
        try:
            chosen = [int(i) for i in ids]
        except ValueError:
            raise IncidentbotError(
                Message("cli.outbox.bad_ids", action=action, ids=" ".join(ids))
            ) from None
        unknown = [i for i in chosen if i not in known]
        if unknown:
            raise IncidentbotError(Message("cli.outbox.unknown", ids=", ".join(map(str, unknown))))
    now = datetime.now(UTC)
    if action == "retry":
        done = outbox.revive(store, chosen, now=now)
        click.echo(_("cli.outbox.revived", obj.lang, count=done))
    else:
        done = outbox.drop(store, chosen, now=now)
        click.echo(_("cli.outbox.dropped", obj.lang, count=done))


def _emit(text: str, output: Path | None, *, lang: str) -> None:
    """Write an export as it was rendered (the CSV renderer already starts with its one BOM)."""
    if output is None:
        sys.stdout.write(text)
        return
    owner_only.write_text(output, text)  # personal data, like the database: 0600
    click.echo(_("cli.written", lang, path=output))


def _log_info() -> None:
    """A long-running bot logs what it does (INFO) unless -v asked for more."""
    root = logging.getLogger()
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=3000, show_default=True, type=int, help="Port (0: any free).")
@click.pass_obj
def serve(obj: Context, host: str, port: int) -> None:
    """HTTP mode: Slack posts to /slack/events; GET /healthz answers (needs
    SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN)."""
    from incidentbot.slack import server

    settings = obj.settings
    config_module.require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    _log_info()
    sys.exit(server.serve(build_app(settings), host=host, port=port))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Web pages address.")
@click.option("--port", default=3000, show_default=True, type=int, help="Web pages port.")
@click.pass_obj
def run(obj: Context, host: str, port: int) -> None:
    """Socket Mode, no public URL needed (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN); also
    serves the web pages."""
    from incidentbot.slack import server

    settings = obj.settings
    config_module.require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    _log_info()
    sys.exit(server.run(build_app(settings), host=host, port=port))


if __name__ == "__main__":  # pragma: no cover
    main()
