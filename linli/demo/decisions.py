"""Step 3 of the cases (议事与决策): meetings with sign-ins and approved minutes, owners' votes
and options votes with online and paper ballots and signed results, notices with an
answered objection, and the meetings still to come that residents are invited to.

Ballots: residents with demo accounts vote on their phones (online); the other flats of
安顺苑5号楼 hand in written ballots (书面表决票) that two staff of the committee (陈静 and
李红梅) key in independently — one of them keyed differently by the second clerk, checked
against the paper and resolved. Elsewhere the committee's staff record ballots cast at the
owners' meeting (会议现场) and by proxy (委托投票). A ballot can only be cast while a vote is
open, so votes open at build time and are counted at once with the reason recorded (all
flats voted / the owners' meeting counted its ballots).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """An aware datetime in the project's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


# 6: district admin … 19: second clerk of 抚顺路363弄; see linli/demo/logins.py
CHEN, LI, LEADER, RESIDENT = 4, 19, 3, 2
ONLINE_5 = (2, 3, 16, 17, 18)  # 5号楼 residents with accounts


# ---------------------------------------------------------------- meetings


def _meeting(
    story,
    *,
    actor,
    committee,
    kind,
    title,
    convener,
    starts_at,
    expected,
    project=None,
    compound=None,
    location="",
    buildings=(),
    roles=(),
    agenda=(),
):
    from linli.deliberation import services as ds

    m = ds.meeting_create(
        actor=actor,
        committee=committee,
        kind=kind,
        title=title,
        convener=convener,
        starts_at=starts_at,
        expected_count=expected,
        project=project,
        compound=compound,
        location=location,
        invitee_buildings=list(buildings),
        invitee_roles=list(roles),
    )
    for item in agenda:
        title_, text = item[0], item[1]
        ds.agenda_add(
            actor=actor,
            meeting=m,
            title=title_,
            text=text,
            project=project,
            design_option=item[2] if len(item) > 2 else None,
        )
    story.add("meetings")
    return m


def _held(story, meeting, *, actor, approver, qr=(), names=(), officials=(), minutes: dict):
    """Sign-ins (QR by residents with accounts, the rest by staff), close, minutes, approval."""
    from linli.deliberation import services as ds

    token = ds.checkin_token(meeting)
    for user in qr:
        ds.meeting_check_in(actor=user, meeting=meeting, token=token)
    for name, note in names:
        ds.meeting_sign_in(actor=actor, meeting=meeting, name=name, note=note)
    for name, note in officials:
        ds.meeting_sign_in(actor=actor, meeting=meeting, name=name, note=note, counts=False)
    story.add("meeting_signins", len(qr) + len(names) + len(officials))
    ds.meeting_close(actor=actor, meeting=meeting)
    ds.minutes_save(actor=actor, meeting=meeting, **minutes)
    ds.minutes_approve(actor=approver, meeting=meeting)
    story.add("minutes_approved")


def _heads(refs, building: str, skip_users=True):
    """(name, "5号楼302室") of the household heads of a building, without demo accounts."""
    from linli.places.models import Person

    linked = set(Person.objects.filter(user__isnull=False).values_list("pk", flat=True))
    out = []
    for (b, room), person in sorted(refs["heads"].items()):
        if b == building and not (skip_users and person.pk in linked):
            out.append((person.name, f"{b}{room}室"))
    return out


# ---------------------------------------------------------------- votes


def _open(story, vote, actor):
    from linli.voting import services as vs

    vote = vs.vote_open(actor=actor, vote=vote)
    story.add("votes")
    return vote


def _online(story, vote, user, **marks):
    """The user votes on their phone for their own flat; returns the flat id."""
    from linli.voting import services as vs
    from linli.voting.models import Elector

    elector = Elector.objects.filter(vote=vote, voters__person__user=user).first()
    if elector is None:  # e.g. a tenant in an owners' vote: not on the roll
        return None
    vs.ballot_cast(
        actor=user,
        vote=vote,
        flat=elector.flat,
        channel="online",
        idempotency_key=f"demo-{vote.pk}-{elector.flat_id}",
        **marks,
    )
    story.add("ballots_online")
    return elector.flat_id


def _paper(story, vote, elector, first, second, marks, second_marks=None):
    """Two clerks key the written ballot; different keying is checked and resolved."""
    from linli.voting import services as vs

    vs.paper_entry_record(actor=first, vote=vote, code=elector.paper_code, **marks)
    entry = vs.paper_entry_record(
        actor=second, vote=vote, code=elector.paper_code, **(second_marks or marks)
    )
    story.add("paper_entries", 2)
    if entry.state == "mismatch":
        vs.paper_mismatch_resolve(
            actor=first,
            vote=vote,
            elector=elector,
            note="两次录入不一致，调出原票核对后按原票录入",
            **marks,
        )
    story.add("ballots_paper")


def _staff_cast(story, vote, actor, elector, channel, marks, proxy=""):
    from linli.voting import services as vs

    vs.ballot_cast(
        actor=actor,
        vote=vote,
        flat=elector.flat,
        channel=channel,
        idempotency_key=f"demo-{vote.pk}-{elector.flat_id}",
        proxy_name=proxy,
        proxy_authorisation=f"授权委托书（{elector.label}）" if proxy else "",
        **marks,
    )
    story.add("ballots_meeting" if channel == "meeting" else "ballots_proxy")


def _close(story, vote, actor, reason):
    from linli.voting import services as vs

    result = vs.vote_close(actor=actor, vote=vote, reason=reason)
    assert vs.result_verify(result), vote.title
    story.add("vote_results")
    return result


def _window():
    now = timezone.now()
    return now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=7)


# ---------------------------------------------------------------- 安顺苑 睦邻客厅


def _anshun(story, rng) -> None:
    from linli.planning import services as ps
    from linli.voting import services as vs

    refs = story.case("anshun")
    committee, b5 = refs["committee"], refs["buildings"]["5号楼"]
    project = story.project("睦邻客厅")
    chen, li, leader = story.user(CHEN), story.user(LI), story.user(LEADER)
    rnd = story.refs["anshun_round"]
    options = list(rnd.options.order_by("position"))

    # 2019年7月 楼组会议: the leader convenes it, residents scan the QR code to sign in
    m = _meeting(
        story,
        actor=leader,
        committee=committee,
        kind="building",
        title="5号楼楼组会议：架空层睦邻客厅方案与楼组公约",
        convener="building_leader",
        starts_at=at(2019, 7, 6, 19, 0),
        expected=12,
        project=project,
        location="5号楼底层架空层",
        buildings=[b5],
        agenda=[
            ("三个设计方案的征询结果", "规划师介绍方案A/B/C和居民评分", options[0]),
            ("《5号楼楼组改造公约》", "开放时间、卫生值日、禁止充电"),
            ("出资方式", "每户4000元，街道1:1配套"),
        ],
    )
    heads = _heads(refs, "5号楼")
    _held(
        story,
        m,
        actor=leader,
        approver=chen,
        qr=[story.user(n) for n in ONLINE_5],
        names=heads[:5],
        officials=[("陈静", "抚顺路363弄居委会"), ("林一凡", "社区规划师")],
        minutes=dict(
            summary="5号楼楼组会议讨论架空层睦邻客厅方案。规划师介绍三稿方案和居民评分，"
            "多数居民倾向方案A“书香客厅”；会议讨论通过楼组改造公约，约定下周发放书面表决票。",
            points=[
                {"speaker": "林一凡（规划师）", "point": "三稿方案造价均在10万元以内，A方案评分最高。"},
                {"speaker": "2楼住户", "point": "担心噪声，要求吊顶隔音并约定晚上8点关门。"},
                {"speaker": "楼组长", "point": "建议成立楼道自治管理小组，设会计、出纳、监事。"},
            ],
            resolutions=[
                {"text": "通过《5号楼楼组改造公约》（开放时间8:00—20:00，禁止在架空层充电）", "agree": 9},
                {"text": "成立12人楼道自治管理小组，设组长、副组长、财务会计、出纳和监事各一名", "agree": 10},
            ],
            follow_ups=[
                {"action": "印发方案选择与业主共同决定书面表决票", "owner": "居委会", "due": "2019-07-13"},
            ],
        ),
    )  # fmt: skip

    # the options vote the round becomes; five residents vote online, seven on paper
    opens, closes = _window()
    vote = ps.round_to_vote(
        actor=chen, round=rnd, opens_at=opens, closes_at=closes, title="5号楼睦邻客厅方案选择"
    )
    vote = _open(story, vote, chen)
    ids = list(vote.options.order_by("position").values_list("pk", flat=True))
    online = {_online(story, vote, story.user(n), option_ids=[ids[i]])
              for n, i in zip(ONLINE_5, (0, 0, 2, 0, 1), strict=True)}  # fmt: skip
    paper = [e for e in vote.electors.order_by("id") if e.flat_id not in online]
    for k, e in enumerate(paper):
        pick = [ids[0]] if k % 3 != 2 else [ids[k % 2 + 1]]
        wrong = [ids[1]] if k == 1 else None  # the second clerk mis-keys one ballot
        _paper(story, vote, e, chen, li, {"option_ids": pick},
               {"option_ids": wrong} if wrong else None)  # fmt: skip
    _close(story, vote, chen, "5号楼12户均已投票（线上5户、书面表决票7户），提前计票")

    # the owners' joint decision: the stilt floor changes use (改变共有部分的用途)
    opens, closes = _window()
    owners = vs.vote_create(
        actor=chen,
        committee=committee,
        project=project,
        title="5号楼底层架空层改建为睦邻客厅",
        description="5号楼底层架空层（约95平方米）由堆物空间改为楼组共用的睦邻客厅，"
        "改造费用9.6万元，5号楼每户出资4000元、街道1:1配套。",
        kind="owners",
        matter="278-8",
        opens_at=opens,
        closes_at=closes,
        buildings=[b5],
    )
    owners = _open(story, owners, chen)
    online = {_online(story, owners, story.user(n), choice="agree") for n in ONLINE_5}
    rest = [e for e in owners.electors.order_by("id") if e.flat_id not in online]
    for k, e in enumerate(rest):
        _paper(story, owners, e, li, chen, {"choice": "abstain" if k == 0 else "agree"})
    result = _close(story, owners, chen, "5号楼12户业主均已表决，提前计票")
    story.refs["anshun_owners_result"] = result

    from linli.notices import services as ns

    # the result was on display in 2019 for 7 days (closed since)
    n = ns.notice_create(
        actor=chen,
        committee=committee,
        kind="vote_result",
        title="5号楼架空层改建业主共同决定结果公示",
        body="5号楼12户业主全部参与表决，11户同意、1户弃权，同意户数和专有部分面积均超过参与表决的四分之三，"
        "决定通过。详见表决结果页（含签名校验）。",
        subject=owners,
        boards="5号楼楼道公告栏；安顺苑南门公告栏",
        publish=True,
        starts_at=at(2019, 7, 22, 9),
        ends_at=at(2019, 7, 29, 9),
    )
    ns.notice_close(actor=chen, notice=n)
    story.add("notices")

    # the funding plan is on display now; a resident objects, the committee answers
    n = ns.notice_create(
        actor=chen,
        committee=committee,
        kind="plan",
        title="5号楼睦邻客厅筹资方案公示",
        body="改造费用9.6万元：5号楼12户每户出资4000元（共4.8万元），四平路街道配套4.8万元。"
        "由5号楼楼道自治管理小组记账，会计、出纳、监事分设，账目按月公开。公示期内可在线提出异议。",
        project=project,
        boards="5号楼楼道公告栏",
        publish=True,
    )
    objection = ns.objection_lodge(
        actor=story.user(RESIDENT),
        notice=n,
        reason="我家是两位老人，一次交4000元有困难，能不能分两期交？",
    )
    ns.objection_respond(
        actor=chen,
        objection=objection,
        response="可以。经楼组会议同意，有困难的住户可分两期缴纳（开工前2000元、完工后2000元），"
        "已告知会计登记；如确有困难可申请街道帮困。",
    )
    story.add("notices")
    story.add("objections_answered")

    # still to come: the implementation meeting (invitations on the invitees' home pages)
    _meeting(
        story,
        actor=chen,
        committee=committee,
        kind="progress",
        title="睦邻客厅实施推进会",
        convener="committee",
        starts_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        expected=20,
        project=project,
        location="抚顺路363弄居委会会议室",
        buildings=[b5],
        roles=["owners_committee", "property_company", "partner", "building_leader"],
        agenda=[
            ("施工进度与噪声安排", "施工单位汇报，物业配合围挡和垃圾清运"),
            ("账目公开", "楼道自治管理小组公开本月收支"),
        ],
    )
    # 楼道“零堆物” (still collecting needs): a building meeting next week
    _meeting(
        story,
        actor=chen,
        committee=committee,
        kind="building",
        title="3号楼楼组会议：楼道“零堆物”",
        convener="committee",
        starts_at=timezone.now() + datetime.timedelta(days=6, hours=1),
        expected=14,
        project=story.project("零堆物"),
        location="3号楼楼道口",
        buildings=[refs["buildings"]["3号楼"]],
        agenda=[("楼道堆物清理方案", "各户认领清理时间，不能清走的物品登记")],
    )
    _ = rng


# ---------------------------------------------------------------- 市光四村 BOT garage


def _shiguang(story, rng) -> None:
    from linli.voting import services as vs

    refs = story.case("shiguang")
    committee, compound = refs["committee"], refs["compound"]
    project = story.project("BOT")
    staff = story.user(12)
    m = _meeting(
        story,
        actor=staff,
        committee=committee,
        kind="owner_representatives",
        title="市光四村业主代表会议：非机动车库BOT改造方案",
        convener="committee",
        starts_at=at(2018, 6, 16, 14, 0),
        expected=25,
        project=project,
        compound=compound,
        location="市光四村第三居委会会议室",
        agenda=[
            ("车库改造方案", "规划师介绍智能车库方案与BOT模式"),
            ("僵尸车清理", "辖区企业“大米换僵尸车”"),
        ],
    )
    names = [(name, room) for name, room in _heads(refs, next(iter(refs["buildings"])))]
    others = [x for b in list(refs["buildings"])[1:] for x in _heads(refs, b)]
    _held(
        story,
        m,
        actor=staff,
        approver=staff,
        names=(names + others)[:20],
        officials=[("殷行街道自治办", "列席"), ("社区规划师", "列席")],
        minutes=dict(
            summary="业主代表讨论非机动车库改造：同意引入企业以BOT模式建设智能车库，"
            "物业安置车库管理员，辖区企业以“大米换僵尸车”清理僵尸车。",
            resolutions=[
                {"text": "同意以BOT模式改造非机动车库，由规划师完善方案后与企业签订合同", "agree": 18},
            ],
            follow_ups=[{"action": "规划师完善车库方案", "owner": "社区规划师", "due": "2018-07-15"}],
        ),
    )  # fmt: skip
    # naming the garage (2019): residents proposed names in the WeChat group, staff entered them
    opens, closes = _window()
    naming = vs.vote_create(
        actor=staff,
        committee=committee,
        project=project,
        title="新车库征名",
        description="居民微信群征集的名称，由居委会登记后投票。",
        kind="options",
        method="single",
        opens_at=opens,
        closes_at=closes,
        compounds=[compound],
    )
    naming = vs.vote_start_proposals(actor=staff, vote=naming)
    for label in ("睦邻车库", "四村智行车库", "安心车棚"):
        vs.option_propose(actor=staff, vote=naming, label=label, description="居民微信群提名")
    naming = _open(story, naming, staff)
    ids = list(naming.options.order_by("position").values_list("pk", flat=True))
    for e in naming.electors.order_by("id"):
        if rng.random() < 0.75:
            continue  # about a quarter of the flats took part
        pick = ids[0] if rng.random() < 0.62 else rng.choice(ids[1:])
        _staff_cast(story, naming, staff, e, "meeting", {"option_ids": [pick]})
    result = _close(story, naming, staff, "居民议事会现场投票结束，当场计票")
    story.refs["shiguang_naming"] = result


# ---------------------------------------------------------------- 明丰苑


def _mingfeng(story, rng) -> None:
    from linli.voting import services as vs

    refs = story.case("mingfeng")
    committee = refs["committee"]
    staff = story.user(13)
    garden = story.project("馨丽园")
    m = _meeting(
        story,
        actor=staff,
        committee=committee,
        kind="hearing",
        title="明丰苑睦邻花园改造方案听证会",
        convener="committee",
        starts_at=at(2019, 8, 24, 9, 30),
        expected=30,
        project=garden,
        location="幸福村居委会活动室",
        agenda=[
            ("睦邻花园改造方案", "规划师与居民代表共同制订的方案"),
            ("费用来源", "小区公共收益"),
        ],
    )
    names = [x for b in refs["buildings"] for x in _heads(refs, b)][:22]
    _held(
        story,
        m,
        actor=staff,
        approver=staff,
        names=names,
        officials=[("大桥街道自治办", "列席"), ("物业公司", "列席")],
        minutes=dict(
            summary="听证会审议睦邻花园改造方案，费用从小区公共收益中支出；居民愿意自己动手粉刷凉亭、种植花草。",
            resolutions=[{"text": "通过睦邻花园改造方案", "agree": 22}],
        ),
    )
    from linli.notices import services as ns

    n = ns.notice_create(
        actor=staff,
        committee=committee,
        kind="plan",
        title="明丰苑睦邻花园改造方案公示",
        body="听证会全票通过睦邻花园改造方案，费用3万元从小区公共收益中支出，欢迎居民报名参与种植。",
        project=garden,
        boards="明丰苑各楼道公告栏",
        publish=True,
        starts_at=at(2019, 8, 26, 9),
        ends_at=at(2019, 9, 2, 9),
    )
    ns.notice_close(actor=staff, notice=n)
    story.add("notices")

    # 6号楼加装电梯: building meeting, then two owners' decisions of 6号楼
    lift = story.project("加装电梯")
    b6 = refs["buildings"]["6号楼"]
    m = _meeting(
        story,
        actor=staff,
        committee=committee,
        kind="building",
        title="6号楼楼组会议：加装电梯意向",
        convener="committee",
        starts_at=at(2020, 5, 16, 19, 0),
        expected=12,
        project=lift,
        location="6号楼门口",
        buildings=[b6],
        agenda=[("加装电梯意向与费用分摊", "按楼层系数分摊，底层不出资")],
    )
    _held(
        story,
        m,
        actor=staff,
        approver=staff,
        names=_heads(refs, "6号楼")[:10],
        minutes=dict(
            summary="6号楼多数住户有加装电梯意向，成立加装电梯工作小组；底层住户担心采光和噪声，工作小组负责沟通。",
            resolutions=[{"text": "成立6号楼加装电梯工作小组", "agree": 9}],
        ),
    )
    results = {}
    for matter, title in (
        ("elevator", "6号楼既有多层住宅加装电梯"),
        ("278-5", "6号楼加装电梯使用专项维修资金"),
    ):
        opens, closes = _window()
        vote = vs.vote_create(
            actor=staff,
            committee=committee,
            project=lift,
            title=title,
            kind="owners",
            matter=matter,
            opens_at=opens,
            closes_at=closes,
            buildings=[b6],
        )
        vote = _open(story, vote, staff)
        for k, e in enumerate(vote.electors.select_related("flat").order_by("id")):
            choice = "disagree" if e.flat.floor == 1 and k % 2 == 0 else "agree"
            proxy = "子女（持委托书）" if k == 3 else ""
            _staff_cast(
                story, vote, staff, e, "proxy" if proxy else "meeting", {"choice": choice}, proxy
            )
        results[matter] = _close(
            story, vote, staff, "6号楼业主会议现场表决，12户业主均已表决，当场计票"
        )
    story.refs["lift_results"] = results


# ---------------------------------------------------------------- 辽源花苑, 铁路新村


def _liaoyuan(story) -> None:
    from linli.notices import services as ns

    refs = story.case("liaoyuan")
    staff = story.user(14)
    project = story.project("一脉三园")
    m = _meeting(
        story,
        actor=staff,
        committee=refs["committee"],
        kind="representatives",
        title="辽源花苑居民代表会议：“一脉三园”方案",
        convener="committee",
        starts_at=at(2022, 7, 12, 14, 0),
        expected=21,
        project=project,
        location="辽源花苑居委会会议室",
        agenda=[("第三轮方案“一脉三园”", "三下三上后的方案")],
    )
    _held(
        story,
        m,
        actor=staff,
        approver=staff,
        names=[x for b in refs["buildings"] for x in _heads(refs, b)][:17],
        officials=[("江浦路街道", "列席"), ("程嘉（社区规划师）", "列席")],
        minutes=dict(
            summary="第三轮方案调整了乔木位置并改用低矮灌木和香草，代表们认为打消了采光和蚊虫的顾虑。",
            resolutions=[{"text": "通过“一脉三园”方案，线上线下公示7天", "agree": 16}],
        ),
    )
    ns.notice_create(
        actor=staff,
        committee=refs["committee"],
        kind="plan",
        title="辽源花苑党建微花园“一脉三园”方案公示",
        subject=m.minutes,
        body="一条景观步道串起党建微花园、香草园和儿童自然角；方案经三轮征询和居民代表会议通过。"
        "公示期内可在线或到居委会提出异议。",
        project=project,
        boards="辽源花苑各楼道公告栏；小区东门",
        publish=True,
    )
    story.add("notices")


def _tielu(story) -> None:
    from linli.notices import services as ns

    refs = story.case("tielu")
    staff = story.user(11)
    project = story.project("铁路新村")
    m = _meeting(
        story,
        actor=staff,
        committee=refs["committee"],
        kind="representatives",
        title="铁路新村居民代表会议：中心花园改造最终方案",
        convener="committee",
        starts_at=at(2017, 12, 9, 14, 0),
        expected=24,
        project=project,
        location="铁路新村居委会会议室",
        agenda=[("中心花园改造最终方案", "保留铁路记忆元素，增设儿童游戏区、休憩座椅和分层绿化")],
    )
    _held(
        story,
        m,
        actor=staff,
        approver=staff,
        names=[x for b in refs["buildings"] for x in _heads(refs, b)][:19],
        officials=[("刘悦来（社区规划师）", "列席"), ("五角场街道", "列席")],
        minutes=dict(
            summary="半年多时间多轮修改后的最终设计方案提交居民代表会议。",
            resolutions=[{"text": "通过中心花园改造最终方案，线上线下公示7天", "agree": 19}],
        ),
    )
    n = ns.notice_create(
        actor=staff,
        committee=refs["committee"],
        kind="plan",
        title="铁路新村中心花园改造方案公示",
        subject=m.minutes,
        body="最终设计方案经居民代表会议通过，现公示7天。",
        project=project,
        boards="铁路新村中心花园入口",
        publish=True,
        starts_at=at(2017, 12, 11, 9),
        ends_at=at(2017, 12, 18, 9),
    )
    ns.notice_close(actor=staff, notice=n)
    story.add("notices")


def build(story) -> None:
    rng = random.Random(story.builder.seed + 13)
    _anshun(story, rng)
    _shiguang(story, rng)
    _mingfeng(story, rng)
    _liaoyuan(story)
    _tielu(story)
