"""Add or look up sentences in the message catalogue (incidentbot/locale), keeping the three files
(the .pot and the en and fr .po) in step.

    python tools/catalogue.py find "not a folder"          # is it worded already? reuse the id
    python tools/catalogue.py add cli.not_a_folder \\
        --en "{directory} is not a folder." --fr "{directory} n'est pas un dossier."
    python tools/catalogue.py add shell.open_n --en "{n} open" --en-plural "{n} open" \\
        --fr "{n} ouverte" --fr-plural "{n} ouvertes"     # a plural: ngettext("shell.open_n", n, lang)

``add`` replaces an entry with the same id (and msgctxt, ``--context``). Write French with plain
spaces before ``: ; ! ?`` and inside « »: the catalogue adds the no-break spaces when it words a
sentence. ``tests/test_i18n.py`` checks the result.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).resolve().parent.parent / "incidentbot" / "locale"
FILES = {
    "pot": LOCALE / "incidentbot.pot",
    "en": LOCALE / "en" / "LC_MESSAGES" / "incidentbot.po",
    "fr": LOCALE / "fr" / "LC_MESSAGES" / "incidentbot.po",
}


def load(locale: Path = LOCALE) -> dict[str, Catalog]:
    files = {name: locale / path.relative_to(LOCALE) for name, path in FILES.items()}
    return {
        name: read_po(io.BytesIO(path.read_bytes()), locale=None if name == "pot" else name)
        for name, path in files.items()
    }


def save(catalogues: dict[str, Catalog], locale: Path = LOCALE) -> None:
    for name, path in FILES.items():
        buffer = io.BytesIO()
        write_po(buffer, catalogues[name], width=100, include_previous=False)
        (locale / path.relative_to(LOCALE)).write_bytes(buffer.getvalue())


def add(
    catalogues: dict[str, Catalog],
    key: str,
    en: str | tuple[str, str],
    fr: str | tuple[str, str],
    context: str | None = None,
) -> None:
    """Put ``key`` in the three catalogues with its English and French (a pair for a plural)."""
    if isinstance(en, tuple) != isinstance(fr, tuple):
        raise ValueError("give the plural in both languages, or in neither")
    msgid: str | tuple[str, str] = (key, key) if isinstance(en, tuple) else key
    english = " | ".join(en) if isinstance(en, tuple) else en
    for name, text in (("en", en), ("fr", fr), ("pot", ("", "") if isinstance(en, tuple) else "")):
        catalogue = catalogues[name]
        if catalogue.get(key, context=context) is not None:
            catalogue.delete(key, context=context)
        comments = [english] if name == "pot" else []
        catalogue.add(msgid, text, context=context, auto_comments=comments)


def find(catalogues: dict[str, Catalog], needle: str) -> list[str]:
    """Entries whose id or English text contains ``needle`` (case-insensitive)."""
    needle = needle.casefold()
    found = []
    for message in catalogues["en"]:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = " | ".join(message.string) if isinstance(message.string, tuple) else message.string
        if needle in key.casefold() or needle in text.casefold():
            where = f"[{message.context}] " if message.context else ""
            found.append(f"{where}{key}: {text}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    look = commands.add_parser("find", help="entries whose id or English contains TEXT")
    look.add_argument("text")
    put = commands.add_parser("add", help="add or replace an entry in the three files")
    put.add_argument("key")
    put.add_argument("--en", required=True)
    put.add_argument("--fr", required=True)
    put.add_argument("--en-plural")
    put.add_argument("--fr-plural")
    put.add_argument("--context")
    args = parser.parse_args(argv)
    catalogues = load()
    if args.command == "find":
        print("\n".join(find(catalogues, args.text)) or "nothing found")
        return 0
    if (args.en_plural is None) != (args.fr_plural is None):
        parser.error("give --en-plural and --fr-plural together")
    plural = args.en_plural is not None
    en = (args.en, args.en_plural) if plural else args.en
    fr = (args.fr, args.fr_plural) if plural else args.fr
    add(catalogues, args.key, en, fr, context=args.context)
    save(catalogues)
    print(
        f"{args.key} added to {', '.join(str(p.relative_to(LOCALE.parent)) for p in FILES.values())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
