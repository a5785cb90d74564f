"""Step-1 material for the demo: needs heard online and offline (with near-duplicates to
merge), a published needs list and a survey with paper responses. (The opinion conversation
is the demo's own, see :mod:`linli.demo.conversation`.)

Everything goes through the apps' services, so it is audited like real use.
"""

from __future__ import annotations

import random

from linli.accounts.models import Role
from linli.core.errors import ServiceError

# (text, category, channel, meeting kind) — several phrasings of the same needs on purpose,
# including traditional characters and Shanghainese words, so the triage page has work to do.
NEEDS = [
    ("5号楼底楼架空层堆满杂物，希望清理后做成邻居能坐坐的睦邻客厅", "activities", "online", ""),
    ("架空层現在亂堆東西，能不能改成大家聊天的地方", "activities", "visit", ""),
    ("底楼架空层可以搞个活动室，老人家有地方坐", "activities", "meeting", "topic_consultation"),
    ("车棚里电瓶车飞线充电，很危险，希望装充电桩", "safety", "online", ""),
    ("楼道里私拉电线给电动车充电，怕着火", "safety", "reception", ""),
    ("非机动车乱停放，小区门口走不过去", "parking", "visit", ""),
    ("助动车停得乱七八糟，希望划线规范停放", "parking", "questionnaire", ""),
    ("楼道灯坏了，晚上上下楼看不见，老人容易摔跤", "housing", "phone", ""),
    ("楼道燈壞了好幾天，老人上下樓看不見", "housing", "online", ""),
    ("中心花园缺少座椅，老人散步走累了没地方坐", "elderly", "meeting", "home_council"),
    ("小区里希望多放几张长椅，阿拉老人家走不动要歇歇脚", "elderly", "visit", ""),
    ("6号楼想加装电梯，楼上老人下楼太吃力", "elevator", "meeting", "building_council"),
    ("希望给我们这栋楼装电梯", "elevator", "reception", ""),
    ("小孩没有玩的地方，希望有个儿童游乐角", "children", "online", ""),
    ("垃圾房味道很大，夏天苍蝇多", "environment", "phone", ""),
    ("北门门房间空着，可以做快递收发点", "facilities", "meeting", "community_council"),
]

SURVEY_QUESTIONS = [
    ("single", "您平时去中心花园吗？", ["经常去", "偶尔去", "从不去"]),
    (
        "multiple",
        "您希望架空层睦邻客厅有哪些功能？",
        ["聊天休息", "读书看报", "棋牌", "儿童看护", "快递代收"],
    ),
    ("rating", "您对小区公共空间现状满意吗？", None),
    ("short", "一句话建议", None),
]


def seed_engagement(builder, logins: list[dict]) -> dict:
    from linli.needs import services as needs
    from linli.places.models import Person
    from linli.surveys import services as surveys

    by_mobile = {x["mobile"]: x for x in logins}
    staff = by_mobile["13800000004"]["user"]  # 抚顺路363弄居委会 陈静
    resident = by_mobile["13800000002"]["user"]  # 安顺苑5号楼
    leader = by_mobile["13800000003"]["user"]
    refs = builder.case_refs["anshun"]
    committee = refs["committee"]
    buildings = list(refs["buildings"].values())
    rng = random.Random(builder.seed)
    made = []
    for text, category, channel, meeting_kind in NEEDS:
        building = rng.choice(buildings)
        if channel == "online":
            need = needs.need_submit(
                actor=resident, committee=committee, text=text, category=category
            )
        else:
            need = needs.need_record_offline(
                actor=staff, committee=committee, text=text, channel=channel, category=category,
                meeting_kind=meeting_kind, building=building, reporter_age_group=rng.choice(["35_59", "60_79", "80_up"]),
            )  # fmt: skip
        made.append(need)
        for _ in range(rng.randint(0, 6)):
            needs.need_support_offline(
                actor=staff, need=need, channel=rng.choice(["visit", "reception", "phone"]),
                building=rng.choice(buildings), age_group=rng.choice(["35_59", "60_79", "80_up", "18_34"]),
            )  # fmt: skip
    for need in made[:6]:
        if need.author_id != leader.pk:
            try:
                needs.need_support(actor=leader, need=need)
            except ServiceError:  # e.g. a need the leader already supports
                pass
    needs_list = needs.needs_list_create(
        actor=staff, committee=committee, title="2026年第四季度需求清单"
    )
    needs.needs_list_publish(actor=staff, needs_list=needs_list)

    survey = surveys.survey_create(
        actor=staff, committee=committee, title="安顺苑公共空间使用意见调查", unit="household"
    )
    questions = [
        surveys.question_add(
            actor=staff,
            survey=survey,
            kind=kind,
            text=text,
            options=options,
            required=kind != "short",
        )
        for kind, text, options in SURVEY_QUESTIONS
    ]
    surveys.survey_set_status(actor=staff, survey=survey, status="open")
    responses = 0
    persons = Person.objects.filter(
        residencies__household__flat__building__compound__committee=committee
    ).distinct()
    for person in persons.order_by("id")[:150]:
        household = person.residencies.first().household
        answers = {
            questions[0].pk: rng.choice(["经常去", "偶尔去", "从不去"]),
            questions[1].pk: rng.sample(
                ["聊天休息", "读书看报", "棋牌", "儿童看护", "快递代收"], k=rng.randint(1, 3)
            ),
            questions[2].pk: rng.randint(1, 5),
        }
        try:
            surveys.response_submit(
                actor=staff,
                survey=survey,
                answers=answers,
                channel="paper",
                person=person,
                household=household,
            )
            responses += 1
        except ServiceError:  # a household already answered (one response per household)
            continue

    # the opinion conversation is seeded from the demo's own data: linli/demo/conversation.py
    _ = Role  # roles are already granted by the logins step
    return {"needs": len(made), "survey_responses": responses}
