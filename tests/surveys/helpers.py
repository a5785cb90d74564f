"""Survey test setup through the services."""

from __future__ import annotations

from linli.accounts.models import Role
from linli.places.models import Person
from linli.surveys import services
from tests.factories import make_user


def build_survey(world, *, unit="resident", scope="committee", title="中心花园改造意见调查", **kw):
    staff = world.users.staff_a
    s = services.survey_create(
        actor=staff, committee=world.committee_a, title=title, unit=unit, scope=scope, **kw
    )
    q = {}
    q["use"] = services.question_add(
        actor=staff,
        survey=s,
        kind="single",
        text="您平时去中心花园吗？",
        options=["经常去", "偶尔去", "从不去"],
        skip={"从不去": 4},
    )
    q["why"] = services.question_add(
        actor=staff,
        survey=s,
        kind="multiple",
        text="您去花园做什么？",
        options=["散步", "带孩子", "锻炼", "晒太阳"],
    )
    q["rate"] = services.question_add(
        actor=staff, survey=s, kind="rating", text="您对花园现状满意吗？"
    )
    q["rank"] = services.question_add(
        actor=staff,
        survey=s,
        kind="ranking",
        text="请排序最想增加的设施",
        options=["座椅", "路灯", "健身器材"],
    )
    q["matrix"] = services.question_add(
        actor=staff,
        survey=s,
        kind="matrix",
        text="您对以下方面的评价",
        rows=["绿化", "卫生"],
        options=["好", "一般", "差"],
    )
    q["short"] = services.question_add(
        actor=staff, survey=s, kind="short", text="一句话建议", required=False
    )
    q["long"] = services.question_add(
        actor=staff, survey=s, kind="long", text="其他意见", required=False
    )
    s = services.survey_set_status(actor=staff, survey=s, status="open")
    return s, q


def answers(
    q, *, use="经常去", why=("散步",), rate=4, rank=("路灯", "座椅", "健身器材"), short="", long=""
):
    a = {
        q["use"].pk: use,
        q["why"].pk: list(why),
        q["rate"].pk: rate,
        q["rank"].pk: list(rank),
        q["matrix"].pk: {"绿化": "好", "卫生": "一般"},
    }
    if short:
        a[q["short"].pk] = short
    if long:
        a[q["long"].pk] = long
    return a


def resident_users(world):
    """One resident account per registered person of committee A, linked to the person."""
    out = []
    for person in Person.objects.filter(
        residencies__household__flat__building__compound__committee=world.committee_a
    ).distinct():
        flat = person.residencies.first().household.flat
        if person.name == "张建国":
            user = world.users.resident_a
        else:
            user = make_user(Role.RESIDENT, flat, name=person.name)
        person.user = user
        person.save()
        out.append((person, user))
    return out
