"""Bring texts written in the old form of dashboards/i18n.py — `"key": ("Nederlands", "English"),` — into
the catalogues of civ/messages/, where every entry is keyed by language: `"key": {"nl": …, "en": …},`.

    python tools/i18n_from_tuples.py --from issue-13          # keys that branch added, into civ/messages
    python tools/i18n_from_tuples.py --from issue-13 --dry-run

It reads dashboards/i18n.py as it stands at the given git revision (a branch, a commit) and at `--base`
(the last commit with the old form, where the branches started), takes every key the revision added or
reworded since the base, and appends a new key, with its strings exactly as written (comments and
line breaks of the strings stay), to the catalogue of the section it stood in (the old file's
`TEXTS = {…}` and its five `TEXTS.update({…})` blocks are, in order: general, trends, hotspots,
coverage, admin, report). A reworded key, or an added key a catalogue already has, is listed, not changed.
Exit 2 with one `fout: …` line when the revision has no readable old-form file.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "civ" / "messages"
SECTIONS = ("general", "trends", "hotspots", "coverage", "admin", "report")
OLD_FILE = "dashboards/i18n.py"
OLD_FORM_BASE = "24f0e100f165bfe016236f2c2f1deab6091ef977"  # the last commit with the old form


def _offset(lines: list[str], line: int, col: int) -> int:
    """Character offset of ast's (1-based line, 0-based UTF-8 byte column) in the text."""
    before = sum(len(text) for text in lines[: line - 1])
    return before + len(lines[line - 1].encode("utf-8")[:col].decode("utf-8"))


def old_sections(source: str) -> list[ast.Dict]:
    """The dict literals of `TEXTS = {…}` and `TEXTS.update({…})`, in file order."""
    found = []
    for node in ast.parse(source).body:
        value = None
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "TEXTS" for t in targets):
                value = node.value
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "update"
                and isinstance(func.value, ast.Name)
                and func.value.id == "TEXTS"
                and node.value.args
            ):
                value = node.value.args[0]
        if isinstance(value, ast.Dict):
            found.append(value)
    return found


def keyed_by_language(source: str, lines: list[str], value: ast.Tuple) -> str:
    """`("nl", "en")` as `{"nl": "nl", "en": "en"}`, keeping the strings' own text and line breaks."""
    start = _offset(lines, value.lineno, value.col_offset)
    end = _offset(lines, value.end_lineno, value.end_col_offset)
    nl_at = _offset(lines, value.elts[0].lineno, value.elts[0].col_offset)
    en_at = _offset(lines, value.elts[1].lineno, value.elts[1].col_offset)
    text = source[start:end]
    if not (text.startswith("(") and text.endswith(")")):
        raise ValueError(f"regel {value.lineno}: verwacht (nl, en) tussen haakjes")
    return '{"nl": ' + source[nl_at:en_at] + '"en": ' + source[en_at : end - 1].rstrip().rstrip(",") + "}"


def convert_section(source: str, section: ast.Dict) -> str:
    """The section's body (between its braces) with every (nl, en) tuple keyed by language."""
    lines = source.splitlines(keepends=True)
    start = _offset(lines, section.lineno, section.col_offset) + 1
    end = _offset(lines, section.end_lineno, section.end_col_offset) - 1
    edits = []
    for value in section.values:
        if isinstance(value, ast.Tuple) and len(value.elts) == 2:
            a = _offset(lines, value.lineno, value.col_offset)
            b = _offset(lines, value.end_lineno, value.end_col_offset)
            edits.append((a, b, keyed_by_language(source, lines, value)))
    body = source[start:end]
    for a, b, text in reversed(edits):
        body = body[: a - start] + text + body[b - start :]
    return body


def old_entries(source: str) -> list[tuple[str, str, str]]:
    """(section name, key, the entry as one new-form line block) for every key of the old file."""
    lines = source.splitlines(keepends=True)
    result = []
    for name, section in zip(SECTIONS, old_sections(source)):
        for key, value in zip(section.keys, section.values):
            if isinstance(key, ast.Constant) and isinstance(value, ast.Tuple) and len(value.elts) == 2:
                entry = f"    {json.dumps(key.value, ensure_ascii=False)}: {keyed_by_language(source, lines, value)},\n"
                result.append((name, key.value, entry))
    return result


def catalogue_keys() -> dict[str, dict]:
    sys.path.insert(0, str(ROOT))
    from civ.messages import CATALOGUE

    return CATALOGUE


def append(section: str, entries: list[str]) -> None:
    """Append entries at the end of civ/messages/<section>.py's MESSAGES dict."""
    path = CATALOGUES / f"{section}.py"
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    node = next(
        n
        for n in tree.body
        if isinstance(n, (ast.Assign, ast.AnnAssign))
        and any(
            isinstance(t, ast.Name) and t.id == "MESSAGES"
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
        )
    )
    lines = source.splitlines(keepends=True)
    close = _offset(lines, node.value.end_lineno, node.value.end_col_offset) - 1
    head = source[:close]
    if not head.endswith("\n"):
        head += "\n"
    path.write_text(head + "".join(entries) + source[close:], encoding="utf-8")


def _old_file(rev: str) -> str:
    return subprocess.run(
        ["git", "show", f"{rev}:{OLD_FILE}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="rev", required=True, help="git revision with the old-form dashboards/i18n.py")
    parser.add_argument("--base", default=OLD_FORM_BASE, help="the old form the revision started from")
    parser.add_argument("--dry-run", action="store_true", help="only list what would be added")
    args = parser.parse_args(argv)
    try:
        entries = old_entries(_old_file(args.rev))
        before = {key: entry for _, key, entry in old_entries(_old_file(args.base))}
    except (subprocess.CalledProcessError, SyntaxError, ValueError) as error:
        print(f"fout: geen leesbaar {OLD_FILE} in {args.rev}: {str(error).strip()[:200]}", file=sys.stderr)
        return 2
    known = catalogue_keys()
    added: dict[str, list[str]] = {}
    for section, key, entry in entries:
        if before.get(key) == entry:
            continue  # as it was at the base: already in the catalogues (or removed since)
        if key in before:
            print(f"herschreven sinds {args.base[:7]}, niet aangepast: {key}")
            continue
        if key in known:
            old = ast.literal_eval(entry.split(": ", 1)[1].rstrip().rstrip(","))
            if {lang: known[key].get(lang) for lang in old} != old:
                print(f"anders vertaald, niet aangepast: {key}")
            continue
        added.setdefault(section, []).append(entry)
    for section, new in added.items():
        print(f"{section}: {len(new)} sleutel(s) toegevoegd" + (" (droog)" if args.dry_run else ""))
        if not args.dry_run:
            append(section, new)
    if not added:
        print("niets toe te voegen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
