"""Step 1 of the five case committees besides 抚顺路363弄 (whose step-1 material is in
:mod:`linli.demo.engagement`): the needs residents raised — in the words the seeds' stories
give them — recorded by the committee's staff from meetings, visits and calls, some
supported by neighbours, and a published needs list.
"""

from __future__ import annotations

# case key -> (list title, [(text, category, channel, meeting kind, micro-space name)])
# The texts paraphrase what residents say in the seeds' case stories (seed 000: 铁路新村,
# 市光四村, 明丰苑, 辽源花苑, 鞍山四村).
CASE_NEEDS: dict[str, tuple[str, list[tuple[str, str, str, str, str]]]] = {
    "tielu": (
        "2017年铁路新村居民需求清单",
        [
            ("中心花园设施老旧，座椅坏了好几张，老人散步没地方歇脚", "elderly", "meeting", "home_council", "中心花园"),
            ("经常带小孙子来花园，希望开辟一块儿童玩耍的区域", "children", "meeting", "home_council", "中心花园"),
            ("花园绿植太单调，希望有层次、四季有花", "greening", "visit", "", "中心花园"),
            ("希望保留铁路记忆，让年轻人知道这里的历史", "activities", "reception", "", "铁路记忆景墙"),
        ],
    ),
    "shiguang": (
        "2018年市光四村需求清单",
        [
            ("车库里电瓶车乱拉电线充电，随时可能起火", "safety", "meeting", "home_council", "非机动车库"),
            ("非机动车库乱停车，有人看但没人管", "parking", "meeting", "home_council", "非机动车库"),
            ("车库里僵尸车太多，占了一半车位", "parking", "visit", "", "非机动车库"),
            ("希望车库装智能充电桩，按次付费也愿意", "safety", "phone", "", "非机动车库"),
        ],
    ),
    "mingfeng": (
        "2019年明丰苑需求清单",
        [
            ("小区花园废弃快20年，杂草丛生，夏天蚊子太多", "environment", "meeting", "home_council", "废旧花园"),
            ("凉亭油漆剥落，希望重新粉刷，大家可以坐坐", "facilities", "visit", "", "花园凉亭"),
            ("6号楼老人多，爬楼太吃力，希望加装电梯", "elevator", "meeting", "building_council", ""),
            ("希望有地方种花种草，愿意自己动手", "greening", "reception", "", "废旧花园"),
        ],
    ),
    "liaoyuan": (
        "2022年辽源花苑需求清单",
        [
            ("中轴绿化带植物单一，希望改造成大家能走走的花园", "greening", "meeting", "topic_consultation", "中轴绿化带"),
            ("东侧闲置绿地裸土杂物多，希望利用起来", "environment", "visit", "", "东侧闲置绿地"),
            ("种大树会不会挡住低楼层的采光？请设计时考虑", "greening", "meeting", "topic_consultation", "中轴绿化带"),
            ("绿地里积水容易生蚊虫，希望改善排水", "environment", "phone", "", "东侧闲置绿地"),
        ],
    ),
    "anshan": (
        "2023年鞍山四村需求清单",
        [
            ("宅间闲置绿地可以种中草药和花草，建个“百草园”", "greening", "meeting", "topic_consultation", "宅间闲置绿地"),
            ("希望孩子们放学后有地方认识植物、动手种植", "children", "meeting", "topic_consultation", "宅间闲置绿地"),
            ("绿地边上希望放几张椅子，老人可以晒太阳", "elderly", "visit", "", "宅间闲置绿地"),
        ],
    ),
}  # fmt: skip

STAFF = {"tielu": 11, "shiguang": 12, "mingfeng": 13, "liaoyuan": 14, "anshan": 15}


def build(story) -> None:
    import random

    from linli.needs import services as needs

    rng = random.Random(story.builder.seed + 11)
    for key, (title, rows) in CASE_NEEDS.items():
        refs = story.case(key)
        staff = story.user(STAFF[key])
        committee = refs["committee"]
        buildings = list(refs["buildings"].values())
        made = []
        for text, category, channel, meeting_kind, space in rows:
            need = needs.need_record_offline(
                actor=staff,
                committee=committee,
                text=text,
                channel=channel,
                category=category,
                meeting_kind=meeting_kind,
                building=refs["buildings"]["6号楼"] if "6号楼" in text else rng.choice(buildings),
                microspace=refs["microspaces"].get(space) if space else None,
                reporter_age_group=rng.choice(["35_59", "60_79", "80_up"]),
            )
            made.append(need)
            for _ in range(rng.randint(1, 5)):
                needs.need_support_offline(
                    actor=staff,
                    need=need,
                    channel=rng.choice(["visit", "reception", "phone"]),
                    building=rng.choice(buildings),
                    age_group=rng.choice(["35_59", "60_79", "80_up", "18_34"]),
                )
        story.add("needs", len(made))
        needs_list = needs.needs_list_create(actor=staff, committee=committee, title=title)
        needs.needs_list_publish(actor=staff, needs_list=needs_list)
        story.add("needs_lists")
