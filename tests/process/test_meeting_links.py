"""The process page's links to call a meeting open the meeting form with a convener the
kind allows (issue 11: "召开居民代表会议" opened the form with 居民区党组织 pre-selected, and
submitting it was refused: "“居民代表会议”应由居委会召集")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _selected_convener(html: str) -> str:
    select = re.search(r'<select name="convener".*?</select>', html, re.S).group(0)
    m = re.search(r'<option value="(\w+)"[^>]*selected', select)
    return m.group(1) if m else re.search(r'<option value="(\w+)"', select).group(1)


def test_every_meeting_link_of_the_process_page_preselects_an_allowed_convener(
    client, world, at_decision
):
    from linli.deliberation.meeting_types import spec_for

    client.force_login(world.users.staff_a)
    html = client.get(reverse("process:project", args=[at_decision.pk])).content.decode()
    links = set(re.findall(r'href="(/meetings/new/\?[^"]+)"', html))
    kinds = {re.search(r"kind=(\w+)", link.replace("&amp;", "&")).group(1) for link in links}
    assert {"representatives", "party"} <= kinds, links
    for link in links:
        url = link.replace("&amp;", "&")
        kind = re.search(r"kind=(\w+)", url).group(1)
        form = client.get(url).content.decode()
        assert _selected_convener(form) in spec_for(kind).conveners, (url, kind)
