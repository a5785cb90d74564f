"""Issue 10: the Python of these apps speaks through gettext.

For each app: every string its Python marks for translation has an English entry in the
app's own catalogue (``linli/<app>/locale/en``); its services, views and forms hold no Chinese
literal outside gettext (docstrings, comments, logging and audit payloads excluded, and the
data constants allowed below, each with its reason); and a refusal reaches an English user
in English and a Chinese user in Chinese.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)
CJK = re.compile(r"[\u4e00-\u9fff]")
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
NOT_UI_CALLS = {"record", "debug", "info", "warning", "exception", "log", "_event"}

APPS = [
    "partners", "deliberation", "activities", "notifications", "notices", "audit", "projects",
    "process", "accounts", "opendata", "dashboards", "core", "maps",
]  # fmt: skip

# Chinese literals in services/views/forms that are data, not UI, with the reason.
DATA = {
    # written into the database (a role's title, an event's note, a flat's label): data
    ("partners/services.py", "社区合伙人"),
    ("partners/services.py", "社区"),
    ("deliberation/services.py", "室"),
    ("notices/services.py", "异议#"),
    ("notices/services.py", "条异议未答复"),
    ("projects/services.py", "创建项目"),
    ("audit/services.py", "系统"),  # the actor's name snapshot kept with an audit event
    # the SMS text goes to a phone, not to a page; it is sent in Chinese to Chinese mobiles
    ("accounts/services.py", "【邻里】"),
    ("accounts/services.py", "5分钟内有效"),
    # a downloaded file's name
    ("notifications/views.py", "上门告知清单"),
    # "other" row of a dashboard chart is stored in the cached figures (H6's area)
    ("dashboards/selectors.py", "其他"),
}


def _python_files(app: str):
    for path in sorted((ROOT / "linli" / app).rglob("*.py")):
        if "migrations" not in path.parts and "management" not in path.parts:
            yield path


def _name(func) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _marked(tree) -> set[str]:
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _name(node.func) in GETTEXT
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def _bare_chinese(tree) -> list[tuple[int, str]]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))  # docstring
        if isinstance(node, ast.Call) and (
            _name(node.func) in GETTEXT or _name(node.func) in NOT_UI_CALLS
        ):
            skip.update(id(sub) for sub in ast.walk(node))
        if isinstance(node, ast.Call) and _name(node.func) in {"get", "post", "put"}:
            # API route decorators: the summary is API documentation
            skip.update(id(k.value) for k in node.keywords if k.arg in {"summary", "description"})
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and CJK.search(node.value)
    ]


def _catalogue(app: str) -> dict[str, str]:
    po = (ROOT / "linli" / app / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = {}
    for block in po.split("\n\n"):
        if "#, fuzzy" in block:
            continue
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, flags=re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, flags=re.M)
        if msgid and msgstr:
            join = lambda s: "".join(re.findall(r'"(.*)"', s)).replace('\\"', '"')  # noqa: E731
            entries[join(msgid.group(1))] = join(msgstr.group(1))
    return entries


@pytest.mark.parametrize("app", APPS)
def test_every_marked_string_has_an_english_entry(app):
    entries = _catalogue(app)
    missing = []
    for path in _python_files(app):
        for text in _marked(ast.parse(path.read_text(encoding="utf-8"))):
            key = text.replace("\n", "\\n")
            if not entries.get(key):
                missing.append(f"{path.relative_to(ROOT)}: {text}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("app", APPS)
def test_no_chinese_literal_outside_gettext_in_services_views_forms(app):
    found = []
    for name in ("services.py", "views.py", "forms.py"):
        path = ROOT / "linli" / app / name
        if not path.exists():
            continue
        for line, text in _bare_chinese(ast.parse(path.read_text(encoding="utf-8"))):
            if not any(f"{app}/{name}" == f and piece in text for f, piece in DATA):
                found.append(f"linli/{app}/{name}:{line}: {text}")
    assert not found, "\n".join(found)


def test_the_check_finds_a_bare_literal():
    tree = ast.parse(
        'def f():\n    """文档"""\n    raise ServiceError("没有翻译")\n    _("已翻译")\n'
    )
    assert _bare_chinese(tree) == [(3, "没有翻译")]
    assert _marked(tree) == {"已翻译"}


def _client(user, lang: str) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return c


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, english, chinese",
    [
        ("/projects/new/", "Only neighbourhood committee, street office or district staff can create projects", "只有居委会、街道或区级工作人员可以创建项目"),
        ("/notices/new/", "Only neighbourhood committee, street office or district staff can publish notices", "只有居委会、街道或区级工作人员可以发布公示"),
        ("/meetings/new/", "Only neighbourhood committee staff or owners&#x27; committee members can call meetings", "只有居委会工作人员或业委会成员可以召集会议"),
    ],
)  # fmt: skip
def test_a_refusal_in_english_and_in_chinese(world, url, english, chinese):
    r = _client(world.users.resident_a, "en").get(url)
    assert r.status_code == 403 and english in r.content.decode()
    r = _client(world.users.resident_a, "zh-hans").get(url)
    assert r.status_code == 403 and chinese in r.content.decode()


@pytest.mark.django_db
def test_a_service_refusal_in_english(world):
    """A service's error (not the view's) reaches the English user in English."""
    from django.utils import translation

    from linli.core.errors import ServiceError
    from linli.projects.services import project_create

    with translation.override("en"), pytest.raises(ServiceError) as exc:
        project_create(actor=world.users.staff_a, committee=world.committee_a, title=" ")
    assert str(exc.value) == "Please fill in the project's title"
    with translation.override("zh-hans"), pytest.raises(ServiceError) as exc:
        project_create(actor=world.users.staff_a, committee=world.committee_a, title=" ")
    assert str(exc.value) == "请填写项目名称"
