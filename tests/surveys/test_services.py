"""Survey services: builder, skip logic, answer validation, one response per respondent."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.places.models import Household, Person
from linli.surveys import services
from linli.surveys.models import Answer, Response
from tests.surveys.helpers import answers, build_survey, resident_users


def test_builder_refusals(world):
    staff = world.users.staff_a
    with pytest.raises(ScopeError):
        services.survey_create(
            actor=world.users.resident_a, committee=world.committee_a, title="问卷"
        )
    with pytest.raises(ServiceError, match="标题"):
        services.survey_create(actor=staff, committee=world.committee_a, title="  ")
    with pytest.raises(ServiceError, match="不属于"):
        services.survey_create(
            actor=staff,
            committee=world.committee_a,
            title="问卷",
            scope="building",
            building=world.building_b,
        )
    s = services.survey_create(actor=staff, committee=world.committee_a, title="问卷")
    with pytest.raises(ServiceError, match="两个选项"):
        services.question_add(actor=staff, survey=s, kind="single", text="题", options=["一"])
    with pytest.raises(ServiceError, match="只有单选题"):
        services.question_add(
            actor=staff, survey=s, kind="multiple", text="题", options=["a", "b"], skip={"a": 3}
        )
    with pytest.raises(ServiceError, match="跳题只能"):
        services.question_add(
            actor=staff, survey=s, kind="single", text="题", options=["a", "b"], skip={"a": 1}
        )
    with pytest.raises(ServiceError, match="不能发布"):
        services.survey_set_status(actor=staff, survey=s, status="open")
    services.question_add(
        actor=staff, survey=s, kind="single", text="题", options=["a", "b"], skip={"a": 5}
    )
    with pytest.raises(ServiceError, match="跳题目标"):
        services.survey_set_status(actor=staff, survey=s, status="open")


def test_online_response_with_skip_logic(world):
    s, q = build_survey(world)
    r = services.response_submit(
        actor=world.users.resident_a,
        survey=s,
        answers={
            q["use"].pk: "从不去",
            q["why"].pk: ["散步"],
            q["rank"].pk: ["座椅", "路灯", "健身器材"],
            q["matrix"].pk: {"绿化": "好", "卫生": "差"},
        },
    )
    got = dict(Answer.objects.filter(response=r).values_list("question__position", "value"))
    assert 2 not in got and 3 not in got  # skipped: not asked, not stored
    assert got[1] == "从不去" and got[4] == ["座椅", "路灯", "健身器材"]
    assert r.channel == "online" and r.building == world.building_a
    assert AuditEvent.objects.filter(action="survey.response_submit").count() == 1


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("use", "不存在的选项", "第1题"),
        ("rate", 6, "1 到 5"),
        ("rate", "3.5", "1 到 5"),
        ("rank", ["座椅", "座椅", "路灯"], "名次"),
        ("why", ["飞行"], "第2题"),
        ("matrix", {"绿化": "好"}, "每一行"),
        ("short", "字" * 201, "最多 200"),
        ("long", "字" * 2001, "最多 2000"),
        ("long", "<script>x</script>", "脚本"),
    ],
)
def test_bad_answers_refused_nothing_saved(world, key, value, message):
    s, q = build_survey(world)
    a = answers(q)
    a[q[key].pk] = value
    with pytest.raises(ServiceError, match=message) as exc:
        services.response_submit(actor=world.users.resident_a, survey=s, answers=a)
    assert exc.value.status == 400
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_required_missing_and_empty(world):
    s, q = build_survey(world)
    a = answers(q)
    del a[q["rate"].pk]
    with pytest.raises(ServiceError, match="第3题"):
        services.response_submit(actor=world.users.resident_a, survey=s, answers=a)
    with pytest.raises(ServiceError):
        services.response_submit(actor=world.users.resident_a, survey=s, answers={})


def test_one_response_per_resident_across_channels(world):
    s, q = build_survey(world)
    resident_users(world)  # links 张建国's person to resident_a
    services.response_submit(actor=world.users.resident_a, survey=s, answers=answers(q))
    with pytest.raises(ServiceError) as exc:
        services.response_submit(actor=world.users.resident_a, survey=s, answers=answers(q))
    assert exc.value.status == 409 and "已经提交过" in exc.value.message
    person = Person.objects.get(name="张建国")
    with pytest.raises(ServiceError, match="已经提交过"):
        services.response_submit(
            actor=world.users.staff_a, survey=s, answers=answers(q), channel="paper", person=person
        )
    assert Response.objects.count() == 1


def test_one_response_per_household(world):
    s, q = build_survey(world, unit="household")
    household = Household.objects.get(flat=world.flat_a)
    services.response_submit(
        actor=world.users.staff_a,
        survey=s,
        answers=answers(q),
        channel="paper",
        household=household,
    )
    with pytest.raises(ServiceError, match="该住户已经提交过"):
        services.response_submit(actor=world.users.resident_a, survey=s, answers=answers(q))
    r = Response.objects.get()
    assert r.respondent_key == f"household:{household.pk}" and r.birth_year == 1960
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            survey=s, respondent_key=r.respondent_key, channel="online", submitted_at=timezone.now()
        )


def test_closed_anonymous_out_of_scope(world):
    s, q = build_survey(world)
    with pytest.raises(ServiceError) as exc:
        services.response_submit(actor=AnonymousUser(), survey=s, answers=answers(q))
    assert exc.value.status == 401
    with pytest.raises(ScopeError):
        services.response_submit(actor=world.users.resident_b, survey=s, answers=answers(q))
    with pytest.raises(ScopeError):
        services.response_submit(
            actor=world.users.resident_a,
            survey=s,
            answers=answers(q),
            channel="paper",
            person=Person.objects.get(name="王伟"),
        )
    with pytest.raises(ServiceError, match="不在本问卷"):
        services.response_submit(
            actor=world.users.staff_a,
            survey=s,
            answers=answers(q),
            channel="paper",
            person=Person.objects.get(name="赵敏"),
        )
    services.survey_set_status(actor=world.users.staff_a, survey=s, status="closed")
    with pytest.raises(ServiceError) as exc:
        services.response_submit(actor=world.users.resident_a, survey=s, answers=answers(q))
    assert exc.value.status == 409 and "已结束" in exc.value.message
    assert not Response.objects.exists()


def test_building_scope_audience(world):
    s, q = build_survey(world, scope="building", building=world.building_a, unit="household")
    from linli.surveys.selectors import audience_size

    assert audience_size(s) == 2
    s2, _ = build_survey(world, title="全体居民")
    assert audience_size(s2) == 3


def test_removing_a_question_renumbers_and_keeps_jumps(world):
    staff = world.users.staff_a
    s = services.survey_create(actor=staff, committee=world.committee_a, title="问卷")
    q1 = services.question_add(
        actor=staff, survey=s, kind="single", text="一", options=["是", "否"], skip={"否": 4}
    )
    q2 = services.question_add(actor=staff, survey=s, kind="short", text="二")
    services.question_add(actor=staff, survey=s, kind="short", text="三")
    q4 = services.question_add(actor=staff, survey=s, kind="short", text="四")
    services.question_remove(actor=staff, question=q2)
    q1.refresh_from_db()
    q4.refresh_from_db()
    assert q4.position == 3 and q1.skip == {"否": 3}
    assert [q.text for q in s.questions.all()] == ["一", "三", "四"]
    services.survey_set_status(actor=staff, survey=s, status="open")
    with pytest.raises(ServiceError, match="已发布"):
        services.question_remove(actor=staff, question=q4)


def test_building_leader_enters_paper_for_own_building_only(world):
    from tests.factories import BuildingFactory, flat_with_people

    other = BuildingFactory(compound=world.compound_a, number="6号楼")
    flat_with_people(other, "101", 1, "60.00", ["钱六"])
    s, q = build_survey(world)
    leader = world.users.leader_a
    assert leader.has_perm("surveys.enter_paper", s)
    r = services.response_submit(
        actor=leader,
        survey=s,
        answers=answers(q),
        channel="paper",
        person=Person.objects.get(name="王伟"),
    )
    assert r.channel == "paper" and r.entered_by == leader and r.building == world.building_a
    with pytest.raises(ScopeError, match="本楼"):
        services.response_submit(
            actor=leader,
            survey=s,
            answers=answers(q),
            channel="paper",
            person=Person.objects.get(name="钱六"),
        )
    assert not world.users.planner_a.has_perm("surveys.enter_paper", s)
    s2, _ = build_survey(world, scope="building", building=other, title="6号楼问卷")
    assert not leader.has_perm("surveys.enter_paper", s2)
