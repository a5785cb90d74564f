"""Step 2 of the cases (社区规划师把脉): the district's planner pool, pairings, the planners'
site visits (work log), diagnoses, and design rounds with residents' ratings and comments.

The demo planner (林一凡, 13800000007) is in the pool with her account and paired with
四平路街道 by the street's staff, so her pages have real work: the 安顺苑 睦邻客厅 round she
published (rated and commented on by 5号楼 residents, whose comments she answered), and at
鞍山四村 (百草园, still at 规划师把脉) her site visits, a diagnosis and a draft round of two
options waiting to be published. 辽源花苑's three rounds (三下三上) were entered by the
committee's staff for their paired planner, who has no account; 铁路新村's planner (刘悦来,
named in seed 000) is in the pool paired with 五角场街道.
"""

from __future__ import annotations

import datetime

# (name, profession, organisation, qualifications, user mobile or None, street or committee)
POOL = [
    ("林一凡", "planning", "同济大学建筑与城市规划学院", "注册城乡规划师", 7, "四平路街道"),
    ("刘悦来", "landscape", "同济大学建筑与城市规划学院", "景观设计师，四叶草堂发起人", None, "五角场街道"),
    ("程嘉", "landscape", "上海市园林设计研究总院", "风景园林工程师", None, "辽源花苑居委会"),
    ("沈立", "architecture", "同济大学建筑设计研究院", "一级注册建筑师", None, "殷行街道"),
    ("黄蓓", "interior", "上海大学美术学院", "室内设计师", None, "大桥街道"),
    ("赵文博", "fine_art", "同济大学设计创意学院", "视觉传达设计", None, ""),
]  # fmt: skip


def _pool(story) -> dict:
    from linli.planning import services as ps

    admin = story.user(6)
    street_staff = story.user(5)
    district = story.builder.streets["四平路街道"].district
    planners = {}
    for name, profession, org, quals, mobile, pair_with in POOL:
        planner = ps.planner_add(
            actor=admin,
            district=district,
            name=name,
            profession=profession,
            organisation=org,
            qualifications=quals,
            user=story.user(mobile) if mobile else None,
            availability="available" if pair_with else "limited",
        )
        planners[name] = planner
        story.add("planners")
        if not pair_with:
            continue
        if pair_with.endswith("居委会"):
            committee = next(
                r["committee"] for r in story.builder.case_refs.values()
                if r["committee"].name == pair_with
            )  # fmt: skip
            street, actor = committee.street, admin
        else:
            committee, street = None, story.builder.streets[pair_with]
            actor = street_staff if pair_with == "四平路街道" else admin
        ps.planner_pair(
            actor=actor,
            planner=planner,
            street=street,
            committee=committee,
            note="定向结对：每月至少两次到社区现场" if mobile else "定向结对",
        )
        story.add("pairings")
    return planners


def _anshun(story) -> None:
    """睦邻客厅 (2019): the planner's visit, diagnosis and the round residents chose from."""
    from linli.planning import services as ps

    planner = story.user(7)
    refs = story.case("anshun")
    project = story.project("睦邻客厅")
    committee = refs["committee"]
    b5 = refs["buildings"]["5号楼"]
    ps.worklog_add(
        actor=planner,
        committee=committee,
        project=project,
        kind="site_visit",
        date=datetime.date(2019, 5, 10),
        place="安顺苑5号楼底层架空层",
        people_met="5号楼楼组长、居委会陈静",
        findings="架空层约95平方米，堆放旧家具和自行车，采光尚可，靠北侧有一处渗水；"
        "两侧可开窗通风。居民希望有坐下聊天、看书、下棋的地方，也担心噪声影响2楼住户。",
    )
    ps.worklog_add(
        actor=planner,
        committee=committee,
        project=project,
        kind="interview",
        date=datetime.date(2019, 5, 18),
        place="5号楼楼道口",
        people_met="5号楼12户中的9户居民",
        findings="多数住户愿意出资，前提是账目公开；老人希望有饮水和座椅，年轻家庭希望有儿童看护角；"
        "楼组长提出开放时间由楼组公约约定（8:00—20:00）。",
    )
    story.add("worklogs", 2)
    ps.diagnosis_save(
        actor=planner,
        project=project,
        needs_analysis="5号楼12户，60岁以上居民约占四成；需求集中在交往空间（聊天、读书、下棋）"
        "和清理堆物；年轻家庭关注儿童看护。",
        resource_analysis="架空层约95平方米，产权属5号楼全体业主；楼组凝聚力强，有居民愿意承担财务和监督。",
        property_rights="底层架空层为5号楼业主共有部分，改变用途须经5号楼业主共同决定。",
        budget_band="medium",
        safety="清理堆物后保留消防通道；电器线路重新敷设，不得在架空层充电。",
        recommendations="分三个功能方案征询：书香客厅、棋牌茶座、亲子共享；材料选耐潮防滑，造价控制在10万元以内。",
    )
    story.add("diagnoses")
    rnd = ps.round_create(actor=planner, project=project, buildings=[b5])
    options = [
        ("A 书香客厅", "靠墙书架与阅读桌，中间可移动座椅，适合读书看报、小型楼组会议。", "书籍由居民捐赠，楼组志愿者每周整理。",
         [("书架与阅读桌", "32000"), ("照明与电气", "18000"), ("地面与墙面", "40000"), ("设计与监理", "6000")]),
        ("B 棋牌茶座", "四张棋牌桌与饮水角，软包隔音吊顶，老人白天下棋喝茶。", "饮水机由物业每月维护，桌椅由楼组管理。",
         [("棋牌桌椅与饮水角", "28000"), ("隔音吊顶", "22000"), ("地面与墙面", "40000"), ("设计与监理", "6000")]),
        ("C 亲子共享", "一半做儿童看护角（软垫、绘本），一半做休息区，放学后有家长看护。", "软垫每季度清洗，家长轮值看护。",
         [("儿童软垫与绘本架", "26000"), ("休息区座椅", "20000"), ("地面与墙面", "44000"), ("设计与监理", "6000")]),
    ]  # fmt: skip
    made = [
        ps.option_save(
            actor=planner,
            round=rnd,
            label=label,
            description=text,
            maintenance=upkeep,
            cost_items=items,
        )
        for label, text, upkeep, items in options
    ]
    story.add("design_options", len(made))
    rnd = ps.round_publish(actor=planner, round=rnd)
    story.add("design_rounds")
    # 5号楼 residents with accounts rate every option and comment on one
    ratings = {2: (5, 3, 4), 3: (4, 5, 3), 16: (5, 2, 4), 17: (4, 3, 5), 18: (5, 4, 3)}
    for n, scores in ratings.items():
        for option, score in zip(made, scores, strict=True):
            ps.option_rate(actor=story.user(n), option=option, score=score)
            story.add("design_ratings")
    comments = [
        (2, made[0], "书香客厅好，晚上能不能开到八点？上班族也能来坐坐。",
         "可以，开放时间写进楼组公约，初定8:00—20:00，由楼组长和志愿者轮流开关门。"),
        (3, made[1], "下棋声音会不会吵到2楼？吊顶隔音一定要做好。",
         "方案B已含软包隔音吊顶；选定方案后也会在2楼住户家里做一次噪声测试。"),
        (17, made[2], "儿童角的软垫要能拆洗，不然夏天容易有味道。",
         "选用可拆洗的EVA软垫，每季度清洗一次，已写入维护说明。"),
    ]  # fmt: skip
    for n, option, text, reply in comments:
        c = ps.option_comment(actor=story.user(n), option=option, text=text)
        ps.comment_reply(actor=planner, comment=c, reply=reply)
        story.add("design_comments")
    story.refs["anshun_round"] = rnd


def _anshan(story) -> None:
    """百草园 (2023, still at 规划师把脉): the planner's open work."""
    from linli.planning import services as ps

    planner = story.user(7)
    refs = story.case("anshan")
    project = story.project("百草园")
    committee = refs["committee"]
    for date, kind, place, people, findings in [
        (datetime.date(2023, 5, 6), "site_visit", "鞍山四村宅间闲置绿地", "居委会陆敏、绿化养护员",
         "闲置绿地约260平方米，东西走向，上午光照好；土壤板结，局部建筑垃圾；北侧有一处雨水井。"),
        (datetime.date(2023, 5, 20), "interview", "鞍山四村居委会活动室", "“小小景观设计师”活动的14名小朋友和家长",
         "孩子们画出心中的百草园：薄荷、艾草、向日葵、小路和放大镜观察站；家长愿意轮流浇水。"),
        (datetime.date(2023, 6, 3), "interview", "宅间绿地旁", "8位60岁以上居民",
         "老人希望种常见的中草药（金银花、紫苏、薄荷），担心招蚊虫；希望有两三张长椅晒太阳。"),
    ]:  # fmt: skip
        ps.worklog_add(
            actor=planner,
            committee=committee,
            project=project,
            kind=kind,
            date=date,
            place=place,
            people_met=people,
            findings=findings,
        )
        story.add("worklogs")
    ps.diagnosis_save(
        actor=planner,
        project=project,
        needs_analysis="需求来自议题征询会和“小小景观设计师”活动：种植中草药与花草、儿童自然教育、老人休憩。",
        resource_analysis="宅间闲置绿地约260平方米，产权属全体业主；有绿化爱好者和愿意轮值浇水的家长。",
        property_rights="宅间绿地为业主共有部分，不改变用途（仍为绿化），由居民自治管理。",
        budget_band="small",
        safety="不种有毒植物；雨水井加盖；步道防滑。",
        recommendations="先出两稿方案征询：以孩子的画为蓝本的“百草小径”，以及以老人需求为主的“药香小院”。",
    )
    story.add("diagnoses")
    rnd = ps.round_create(actor=planner, project=project)
    for label, text, items in [
        ("A 百草小径", "一条碎石小径串起12块种植池，每块挂二维码植物牌；入口设观察站，孩子认领种植池。",
         [("种植池与土壤改良", "18000"), ("碎石小径", "9000"), ("植物牌与观察站", "4000")]),
        ("B 药香小院", "中间一圈中草药花坛，四周三张长椅和一处花架，靠雨水井一侧做透水铺装。",
         [("中草药花坛", "15000"), ("长椅与花架", "11000"), ("透水铺装", "8000")]),
    ]:  # fmt: skip
        ps.option_save(actor=planner, round=rnd, label=label, description=text, cost_items=items)
        story.add("design_options")
    story.add("design_rounds")  # a draft: the planner publishes it when she is ready


def _liaoyuan(story) -> None:
    """一脉三园 (2022): 三下三上 — three rounds entered by the committee for its planner."""
    from linli.planning import services as ps

    staff = story.user(14)
    project = story.project("一脉三园")
    refs = story.case("liaoyuan")
    ps.diagnosis_save(
        actor=staff,
        project=project,
        needs_analysis="居民座谈会提出改造中轴绿带和三处闲置绿地；低楼层住户担心采光和蚊虫。",
        resource_analysis="中轴绿化带约650平方米、东侧闲置绿地约180平方米；小区有种植达人和党员志愿者。",
        property_rights="绿地为业主共有部分，不改变绿化用途。",
        budget_band="medium",
        safety="乔木距住宅外墙不少于5米；排水找坡，避免积水生蚊。",
        recommendations="以一条景观步道串起三座主题花园，分三轮下到楼组征求意见。",
    )
    story.add("diagnoses")
    rounds = [
        ("", [("中轴林荫花园", "中轴种植香樟和桂花形成林荫，三处绿地做主题花园。",
               [("乔木与灌木", "120000"), ("步道与座椅", "60000")])]),
        ("调整乔木位置、远离低层住户窗前，改用低矮灌木和香草；增加排水找坡。",
         [("中轴林荫花园", "香樟移到中轴北段远离住宅，其余改为低矮灌木、香草和花境。",
           [("灌木、香草与花境", "90000"), ("步道与座椅", "60000"), ("排水改造", "20000")])]),
        ("“一脉三园”：一条景观步道（一脉）串起党建微花园、香草园和儿童自然角（三园）。",
         [("中轴林荫花园", "一脉三园：步道+党建微花园+香草园+儿童自然角。",
           [("灌木、香草与花境", "90000"), ("步道与座椅", "60000"), ("排水改造", "20000"),
            ("儿童自然角", "15000")])]),
    ]  # fmt: skip
    for i, (note, options) in enumerate(rounds):
        rnd = ps.round_create(
            actor=staff,
            project=project,
            change_note=note,
            compounds=[refs["compound"]] if i == 0 else [],
        )
        for label, text, items in options:
            existing = rnd.options.filter(label=label).first()
            ps.option_save(
                actor=staff,
                round=rnd,
                label=label,
                description=text,
                cost_items=items,
                option=existing,
            )
            story.add("design_options", 0 if existing else 1)
        ps.round_publish(actor=staff, round=rnd)
        story.add("design_rounds")


def build(story) -> None:
    story.refs["planners"] = _pool(story)
    _anshun(story)
    _anshan(story)
    _liaoyuan(story)
