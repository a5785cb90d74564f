"""Checks shared by the per-app ``test_i18n_messages.py`` tests: which Chinese literals of an
app's python reach a user without gettext, and which gettext strings lack an English entry.

Parsed with ``ast``: docstrings, bare string statements, and the arguments of gettext,
logging and audit calls are not UI text and are skipped; everything else that holds a CJK
character and is not inside ``_()``/``gettext_lazy()`` is reported, so that a test can compare
it with an explicit allow-list of data constants."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "gettext_noop",
}
# calls whose string arguments are not shown to a user: log lines and audit payloads
NOT_UI = {"debug", "info", "warning", "exception", "critical", "log", "audit_record"}


def _name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def untranslated(path: Path) -> list[tuple[int, str]]:
    """(line, literal) of every CJK string constant or f-string of ``path`` that is not a
    docstring and not inside a gettext, logging or audit call."""
    tree = _tree(path)
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))
        if isinstance(node, ast.Call) and (_name(node.func) in GETTEXT | NOT_UI):
            skip.update(id(sub) for sub in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and CJK.search(node.value)
        ):
            found.append((node.lineno, node.value))
    return sorted(found)


def gettext_ids(path: Path) -> set[str]:
    """The literal msgids of every gettext call in ``path``."""
    ids = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call) and _name(node.func) in GETTEXT and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                ids.add(arg.value)
    return ids


def app_sources(app: str) -> list[Path]:
    """The python modules of ``linli/<app>`` (migrations excluded)."""
    return sorted(p for p in (ROOT / "linli" / app).rglob("*.py") if "migrations" not in p.parts)


def english_entries(po_path: Path) -> dict[str, str]:
    """msgid → msgstr of the non-fuzzy, translated entries of a .po catalogue."""
    entries: dict[str, str] = {}
    for block in po_path.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or ", fuzzy" in block:
            continue
        mid, mstr, cur = [], [], None
        for line in block.splitlines():
            if line.startswith("msgid "):
                cur = mid
                line = line[6:]
            elif line.startswith("msgstr "):
                cur = mstr
                line = line[7:]
            elif not line.startswith('"'):
                continue
            if cur is not None:
                cur.append(line.strip()[1:-1])
        key, value = "".join(mid), "".join(mstr)
        if key and value:
            entries[key.replace('\\"', '"').replace("\\n", "\n")] = value
    return entries


def catalogue(app: str) -> dict[str, str]:
    """English entries an English user of ``app`` gets: the app's catalogue, then the
    project catalogue (which Django consults first)."""
    merged = english_entries(ROOT / "linli" / app / "locale/en/LC_MESSAGES/django.po")
    merged.update(english_entries(ROOT / "locale/en/LC_MESSAGES/django.po"))
    return merged


def client_in(user, lang: str):
    """A test client logged in as ``user`` asking for ``lang`` (the language cookie)."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return c


def assert_no_untranslated_literal(app: str, allowed: set[tuple[str, str]]) -> None:
    """Every CJK literal of the app's python is inside gettext or on its allow-list of data
    constants, given as (file relative to the app, literal)."""
    found = {
        (str(p.relative_to(ROOT / "linli" / app)), literal)
        for p in app_sources(app)
        for _line, literal in untranslated(p)
    }
    assert found <= allowed, sorted(found - allowed)


def assert_every_gettext_string_translated(app: str, *, at_least: int = 50) -> None:
    """Every gettext string of the app's python has an English entry (and there are many:
    a check over nothing would pass)."""
    english = catalogue(app)
    used = set().union(*(gettext_ids(p) for p in app_sources(app)))
    assert len(used) > at_least
    missing = sorted(used - set(english))
    assert not missing, missing
