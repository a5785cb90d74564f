"""What seed 003 part 三 asks before a case leaves 方案与决策, then the cases' later steps.

For every case at or past 方案与决策 (linli/process guards):

* 党员先知晓、先协商、先统一 — the residential party organisation's party-member meeting on
  the project, a few days before the first building, residents' or owners' meeting;
* the decision of the right body linked to its record — an owners' joint decision (a signed
  vote result) where owners' rights are involved (安顺苑 架空层 change of use, 市光四村 BOT
  garage, 明丰苑 6号楼 elevator), otherwise the approved minutes of a residents'
  representatives' meeting (铁路新村, 明丰苑 馨丽园, 辽源花苑);
* that decision published as a 公示 whose period has ended (辽源花苑's is still on display,
  so it stays at 方案与决策, as the seed's story has it).

Dates are the seeds' (backdated like linli/demo/decisions.py); votes open and are counted at
build time with the reason recorded. Then the steps after 方案与决策 are resumed.
"""

from __future__ import annotations

import random

from linli.demo.decisions import (
    _close,
    _heads,
    _held,
    _meeting,
    _open,
    _staff_cast,
    _window,
    at,
)

PARTY_DATES = {
    "铁路新村": (2017, 12, 5),
    "睦邻客厅": (2019, 7, 2),
    "BOT": (2018, 6, 10),
    "馨丽园": (2019, 8, 20),
    "加装电梯": (2020, 5, 12),
    "一脉三园": (2022, 7, 8),
}
CASE_OF = {
    "铁路新村": "tielu",
    "睦邻客厅": "anshun",
    "BOT": "shiguang",
    "馨丽园": "mingfeng",
    "加装电梯": "mingfeng",
    "一脉三园": "liaoyuan",
}
STAFF = {"tielu": 11, "anshun": 4, "shiguang": 12, "mingfeng": 13, "liaoyuan": 14}


def _party(story, fragment):
    refs = story.case(CASE_OF[fragment])
    staff = story.user(STAFF[CASE_OF[fragment]])
    project = story.project(fragment)
    m = _meeting(
        story,
        actor=staff,
        committee=refs["committee"],
        kind="party",
        title=f"党员议事会：{project.title}",
        convener="party_org",
        starts_at=at(*PARTY_DATES[fragment], 18, 30),
        expected=9,
        project=project,
        location=f"{refs['committee'].name}党群服务站",
        agenda=[(project.title, "党员先知晓、先协商、先统一，再召开楼组和居民会议")],
    )
    _held(
        story,
        m,
        actor=staff,
        approver=staff,
        names=[(f"党员{n}", "居民区党总支") for n in "甲乙丙丁戊己庚"],
        minutes=dict(
            summary="居民区党总支召开党员议事会，通报项目方案，听取党员意见，统一认识；"
            "党员分片走访楼组，带头参与后续讨论。",
            resolutions=[{"text": f"支持{project.title}方案，党员带头做好楼组沟通", "agree": 7}],
        ),
    )
    story.add("party_meetings")
    return m


def _link(story, fragment, *, vote_result=None, resolution=None):
    from linli.process import services as ps

    staff = story.user(STAFF[CASE_OF[fragment]])
    ps.decision_link(
        actor=staff,
        project=story.project(fragment),
        vote_result=vote_result,
        resolution=resolution,
    )
    story.add("decisions_linked")


def _publish(story, fragment, *, subject, kind, title, body, start, end):
    from linli.notices import services as ns

    refs = story.case(CASE_OF[fragment])
    staff = story.user(STAFF[CASE_OF[fragment]])
    n = ns.notice_create(
        actor=staff,
        committee=refs["committee"],
        kind=kind,
        title=title,
        body=body,
        subject=subject,
        project=story.project(fragment),
        boards=f"{refs['compound'].name}各楼道公告栏",
        publish=True,
        starts_at=at(*start),
        ends_at=at(*end),
    )
    ns.notice_close(actor=staff, notice=n)
    story.add("notices")


def _resolution_of(project, kind):
    from linli.deliberation.models import Resolution

    return (
        Resolution.objects.filter(
            minutes__meeting__project=project, minutes__meeting__kind=kind, passed=True
        )
        .order_by("minutes__meeting__starts_at", "position")
        .first()
    )


def _xinli(story):
    """馨丽园: the hearing (decisions.py) is followed by the representatives who pass it."""
    refs = story.case("mingfeng")
    staff = story.user(13)
    garden = story.project("馨丽园")
    m = _meeting(
        story,
        actor=staff,
        committee=refs["committee"],
        kind="representatives",
        title="幸福村居民代表会议：睦邻花园改造方案",
        convener="committee",
        starts_at=at(2019, 8, 25, 14, 0),
        expected=21,
        project=garden,
        location="幸福村居委会会议室",
        agenda=[("睦邻花园改造方案", "听证会全票通过的方案，费用从小区公共收益中支出")],
    )
    _held(
        story,
        m,
        actor=staff,
        approver=staff,
        names=[x for b in refs["buildings"] for x in _heads(refs, b)][:18],
        officials=[("大桥街道自治办", "列席")],
        minutes=dict(
            summary="居民代表会议审议听证会通过的睦邻花园改造方案。",
            resolutions=[{"text": "通过睦邻花园“馨丽园”改造方案", "agree": 18}],
        ),
    )
    _link(story, "馨丽园", resolution=m.minutes.resolutions.get())
    _publish(
        story,
        "馨丽园",
        subject=m.minutes,
        kind="minutes",
        title="幸福村居民代表会议决议公示：睦邻花园改造方案",
        body="居民代表会议通过睦邻花园“馨丽园”改造方案，公示7天。",
        start=(2019, 8, 26, 9),
        end=(2019, 9, 2, 9),
    )


def _shiguang_owners(story, rng):
    """市光四村: the BOT garage uses common parts for a business (民法典第278条第8项)."""
    from linli.voting import services as vs

    refs = story.case("shiguang")
    staff = story.user(12)
    project = story.project("BOT")
    opens, closes = _window()
    vote = vs.vote_create(
        actor=staff,
        committee=refs["committee"],
        project=project,
        title="非机动车库以BOT模式改造并由企业运营收费",
        description="利用共有的非机动车库引入企业带资建设智能车库，前5年企业收费回本，"
        "后5年与业委会分成，10年后充电设备归全体业主。",
        kind="owners",
        matter="278-8",
        opens_at=opens,
        closes_at=closes,
        compounds=[refs["compound"]],
    )
    vote = _open(story, vote, staff)
    for e in vote.electors.order_by("id"):
        if rng.random() < 0.12:
            continue  # about one flat in eight did not vote
        choice = "agree" if rng.random() < 0.92 else rng.choice(["disagree", "abstain"])
        _staff_cast(story, vote, staff, e, "meeting", {"choice": choice})
    result = _close(story, vote, staff, "业主大会书面表决截止，当场计票")
    _link(story, "BOT", vote_result=result)
    _publish(
        story,
        "BOT",
        subject=vote,
        kind="vote_result",
        title="市光四村非机动车库BOT改造业主共同决定结果公示",
        body="业主大会表决通过非机动车库以BOT模式改造并由企业运营收费，详见表决结果页（含签名校验）。",
        start=(2018, 7, 2, 9),
        end=(2018, 7, 9, 9),
    )


def build(story) -> None:
    rng = random.Random(story.builder.seed + 18)
    for fragment in PARTY_DATES:
        _party(story, fragment)
    # the representatives' resolutions of decisions.py (published there)
    for fragment in ("铁路新村", "一脉三园"):
        _link(
            story, fragment, resolution=_resolution_of(story.project(fragment), "representatives")
        )
    # 安顺苑: the owners' joint decision on the change of use (published in decisions.py)
    _link(story, "睦邻客厅", vote_result=story.refs["anshun_owners_result"])
    # 明丰苑 6号楼: the elevator retrofit decision of 6号楼's owners
    lift = story.refs["lift_results"]["elevator"]
    _link(story, "加装电梯", vote_result=lift)
    _publish(
        story,
        "加装电梯",
        subject=lift.vote,
        kind="vote_result",
        title="6号楼加装电梯业主共同决定结果公示",
        body="6号楼业主表决同意加装电梯，按楼层系数分摊费用，底层少出或不出。",
        start=(2020, 8, 10, 9),
        end=(2020, 8, 17, 9),
    )
    _xinli(story)
    _shiguang_owners(story, rng)
    from linli.demo.projects import resume_steps

    resume_steps(story.builder)
