"""The command line, and the composition root: it reads the settings and wires everything.

Every user-facing failure is an :class:`IncidentbotError`: one sentence on stderr and exit 1.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from incidentbot import config as config_module
from incidentbot.errors import IncidentbotError

log = logging.getLogger("incidentbot")


def now_utc() -> datetime:
    return datetime.now(UTC)


def build_service(
    settings: config_module.Settings, *, clock: Callable[[], datetime] = now_utc
) -> Any:
    """Open the store, load playbooks and templates, and return the wired service."""
    from incidentbot import playbooks
    from incidentbot.service import IncidentService, Policy
    from incidentbot.store import Store

    catalogue = playbooks.load(list(settings.all_playbook_dirs))
    store = Store(settings.db_path)
    service = IncidentService(
        store=store,
        catalogue=catalogue,
        clock=clock,
        policy=Policy(
            permissions=settings.permissions,
            people=settings.people,
            enforce=settings.enforce_roles,
            default_language=settings.language,
            default_timezone=settings.timezone,
        ),
    )
    from incidentbot import usecases
    from incidentbot.web import links

    usecases.wire(service, settings)
    service.link_signer = links.make_signer(
        settings, links.load_secret(store, settings.link_secret), clock
    )
    return service


class Context:
    def __init__(self) -> None:
        self._settings: config_module.Settings | None = None

    @property
    def settings(self) -> config_module.Settings:
        if self._settings is None:
            self._settings = config_module.load()
        return self._settings


def fail(exc: IncidentbotError, lang: str = "en") -> None:
    click.secho(exc.text(lang), fg="red", err=True)
    sys.exit(1)


class Group(click.Group):
    """Turns an IncidentbotError raised by any command into one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IncidentbotError as exc:
            fail(exc)


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
    service = build_service(settings)
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
        raise IncidentbotError(f"Cannot read the script {script}: {exc}") from exc
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
        raise IncidentbotError(f"{directory} is not a folder.")
    if directory is None:
        problems = pb.check(list(settings.all_playbook_dirs))
    else:
        problems = pb.check([directory], base=list(settings.all_playbook_dirs[:1]))
    for p in problems:
        click.echo(str(p), err=True)
    if problems:
        sys.exit(1)
    click.echo("All playbooks are valid.")


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
        raise IncidentbotError(f"{directory} is not a folder.")
    dirs = [directory] if directory is not None else list(settings.all_template_dirs)
    problems = drafting.check_templates(dirs)
    for name, facts in sorted(drafting.template_facts(dirs).items()):
        click.echo(f"{name}: {', '.join(facts) or '(no facts)'}")
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
    from incidentbot import reports

    service = build_service(obj.settings)
    text = reports.export(
        service, incident.upper(), fmt, lang=obj.settings.language, tz=obj.settings.tzinfo()
    )
    _emit(text, output, bom=fmt == "csv")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "md"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def register(obj: Context, fmt: str, output: Path | None) -> None:
    """The register of all incidents that the law asks a campaign to keep."""
    from incidentbot import reports

    service = build_service(obj.settings)
    rows = reports.register_rows(service)
    text = (
        reports.register_csv(rows)
        if fmt == "csv"
        else reports.register_markdown(rows, obj.settings.language)
    )
    _emit(text, output, bom=fmt == "csv")


@main.command()
@click.pass_obj
def verify(obj: Context) -> None:
    """Check every timeline's hash chain; exit 1 on tampering, naming the event."""
    from incidentbot.store import Store

    store = Store(obj.settings.db_path)
    problems = store.verify()
    for p in problems:
        click.secho(p, fg="red", err=True)
    if problems:
        sys.exit(1)
    count = store.conn.execute("SELECT COUNT(*) FROM timeline").fetchone()[0]
    incidents = store.conn.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
    click.echo(f"OK: {count} events in {incidents} incidents verify.")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_obj
def backup(obj: Context, path: Path) -> None:
    """A consistent copy of the live database (SQLite backup API)."""
    from incidentbot.store import Store

    if not obj.settings.db_path.exists():
        raise IncidentbotError(f"There is no database at {obj.settings.db_path} to back up.")
    dest = Store(obj.settings.db_path).backup(path)
    click.echo(f"Backup written to {dest}.")


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
    from incidentbot.store import Store, outbox

    if not obj.settings.db_path.exists():
        raise IncidentbotError(f"There is no database at {obj.settings.db_path}.")
    store = Store(obj.settings.db_path)
    dead = outbox.dead(store)
    if action == "list":
        if ids:
            raise IncidentbotError("incidentbot outbox lists every dead letter: give no ids.")
        for row in dead:
            click.echo(
                f"{row['id']}\t{row['incident'] or '-'}\t{row['method']}\t"
                f"{row['attempts']} tries\t{row['dead_at']}\t{row['last_error']}"
            )
        click.echo(f"{len(dead)} dead letter(s).", err=True)
        return
    if not ids:
        raise IncidentbotError(f"incidentbot outbox {action} needs row ids, or all.")
    known = {int(row["id"]) for row in dead}
    if ids == ("all",):
        chosen = sorted(known)
    else:
        try:
            chosen = [int(i) for i in ids]
        except ValueError:
            raise IncidentbotError(
                f"incidentbot outbox {action} takes row ids (numbers) or all, not {' '.join(ids)}."
            ) from None
        unknown = [i for i in chosen if i not in known]
        if unknown:
            raise IncidentbotError(
                f"No dead letter with id {', '.join(map(str, unknown))}; "
                "incidentbot outbox lists them."
            )
    if action == "retry":
        done = outbox.revive(store, chosen, now=now_utc())
        click.echo(f"{done} row(s) put back in line; a running bot delivers them.")
    else:
        done = outbox.drop(store, chosen, now=now_utc())
        click.echo(f"{done} row(s) dropped.")


def _emit(text: str, output: Path | None, *, bom: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(("\ufeff" if bom else "") + text, encoding="utf-8", newline="")
    click.echo(f"Written to {output}.")


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
    from incidentbot.runner import ServiceRunner
    from incidentbot.slack import server

    settings = obj.settings
    config_module.require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    _log_info()
    sys.exit(server.serve(settings, ServiceRunner(build_service(settings)), host=host, port=port))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Web pages address.")
@click.option("--port", default=3000, show_default=True, type=int, help="Web pages port.")
@click.pass_obj
def run(obj: Context, host: str, port: int) -> None:
    """Socket Mode, no public URL needed (needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN); also
    serves the web pages."""
    from incidentbot.runner import ServiceRunner
    from incidentbot.slack import server

    settings = obj.settings
    config_module.require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    _log_info()
    sys.exit(server.run(settings, ServiceRunner(build_service(settings)), host=host, port=port))


if __name__ == "__main__":  # pragma: no cover
    main()
