"""Conversation and survey pages are complete in English (per-app catalogues)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from linli.opinions import services as op
from tests.surveys.helpers import build_survey

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize("app", ["opinions", "surveys"])
def test_catalogue_complete(app):
    po = ROOT / "linli" / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert po.with_suffix(".mo").exists()
    text = po.read_text(encoding="utf-8")
    assert "fuzzy" not in text
    assert not re.search(r'msgid "[^"]+"\nmsgstr ""\n', text)
    # every translated string of the templates is in a catalogue: the app's, or the project
    # catalogue that holds the templates' strings (locale/en, which Django consults first)
    project = (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    ids = set(re.findall(r'^msgid "(.+)"$', text + "\n" + project, flags=re.M))
    for tpl in (ROOT / "templates" / app).glob("*.html"):
        for s in re.findall(r'{% translate "([^"]+)" %}', tpl.read_text(encoding="utf-8")):
            assert s in ids, f"{tpl.name}: {s}"


def test_pages_render_in_english(world):
    conv = op.conversation_create(
        actor=world.users.staff_a, committee=world.committee_a, topic="花园", statements=["多种树"]
    )
    s, _ = build_survey(world)
    c = Client()
    c.force_login(world.users.resident_a)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = c.get(f"/conversations/{conv.pk}/").content.decode()
    assert "Agree" in html and "Disagree" in html and "赞同" not in html
    html = c.get(f"/surveys/{s.pk}/").content.decode()
    assert "Submit" in html and "提交问卷" not in html
    from linli.surveys.services import survey_set_status

    survey_set_status(actor=world.users.staff_a, survey=s, status="closed")
    html = c.get(f"/surveys/{s.pk}/results/").content.decode()
    assert "esponse rate" in html and "回收率" not in html
