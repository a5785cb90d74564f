"""Meeting types, who may convene them and the quorum rule each is held under.

The rules are configuration handed to the engine (``linli.engine.tally.meeting_decide``);
the arithmetic lives there once.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy

from linli.engine.tally import (
    RESIDENTS_MEETING,
    TWO_THIRDS_QUORUM_MEETING,
    Bound,
    MeetingRule,
)


class MeetingKind(models.TextChoices):
    PARTY = "party", gettext_lazy("党员议事会")
    BUILDING = "building", gettext_lazy("楼组会议")
    REPRESENTATIVES = "representatives", gettext_lazy("居民代表会议")
    RESIDENTS = "residents", gettext_lazy("居民会议")
    OWNER_REPRESENTATIVES = "owner_representatives", gettext_lazy("业主代表会议")
    OWNERS_ASSEMBLY = "owners_assembly", gettext_lazy("业主大会")
    JOINT = "joint", gettext_lazy("居民区联席会议")
    HEARING = "hearing", gettext_lazy("听证会")
    COORDINATION = "coordination", gettext_lazy("协调会")
    EVALUATION = "evaluation", gettext_lazy("评议会")
    # the six project meetings ("六会")
    PROJECT_REVIEW = "project_review", gettext_lazy("立项评审会")
    DECISION_HEARING = "decision_hearing", gettext_lazy("决策听证会")
    CONFLICT = "conflict", gettext_lazy("矛盾协调会")
    PROGRESS = "progress", gettext_lazy("实施推进会")
    ACCEPTANCE = "acceptance", gettext_lazy("验收评估会")
    OPERATIONS = "operations", gettext_lazy("运维商议会")


class Convener(models.TextChoices):
    PARTY_ORG = "party_org", gettext_lazy("居民区党组织")
    COMMITTEE = "committee", gettext_lazy("居委会")
    OWNERS_COMMITTEE = "owners_committee", gettext_lazy("业委会")
    STREET = "street", gettext_lazy("街道/镇")
    BUILDING_LEADER = "building_leader", gettext_lazy("楼组长")


MORE_THAN_HALF = Bound(Fraction(1, 2), inclusive=False)

CONSULTATIVE_MEETING = MeetingRule(
    name="协商会议：应到人员过半数出席，出席人过半数同意",
    quorum=MORE_THAN_HALF,
    majority=MORE_THAN_HALF,
    source="议事协商会议参照《城市居民委员会组织法》居民会议规则：过半数出席，出席人过半数通过",
)
OWNERS_ASSEMBLY_MEETING = MeetingRule(
    name="业主大会：三分之二以上业主出席（按人数）",
    quorum=TWO_THIRDS_QUORUM_MEETING.quorum,
    majority=MORE_THAN_HALF,
    source="《民法典》第二百七十八条：应由专有部分面积占比三分之二以上且人数占比三分之二以上的业主"
    "参与表决；会场签到只核对人数，面积与表决结果由业主表决模块按两个条件计算",
)
REPRESENTATIVES_MEETING = MeetingRule(
    name="居民代表会议：三分之二以上代表出席，出席人过半数同意",
    quorum=TWO_THIRDS_QUORUM_MEETING.quorum,
    majority=MORE_THAN_HALF,
    source="《上海市居民委员会工作条例》：居民代表会议须有三分之二以上的居民代表出席方能举行",
)


@dataclass(frozen=True)
class KindSpec:
    rule: MeetingRule
    conveners: tuple[str, ...]
    owners_matter: bool = False  # convened by the owners' committee; the committee may act
    project_meeting: bool = False


_C = Convener
KIND_SPECS: dict[str, KindSpec] = {
    MeetingKind.PARTY: KindSpec(CONSULTATIVE_MEETING, (_C.PARTY_ORG,)),
    MeetingKind.BUILDING: KindSpec(CONSULTATIVE_MEETING, (_C.COMMITTEE, _C.BUILDING_LEADER)),
    MeetingKind.REPRESENTATIVES: KindSpec(REPRESENTATIVES_MEETING, (_C.COMMITTEE,)),
    MeetingKind.RESIDENTS: KindSpec(RESIDENTS_MEETING, (_C.COMMITTEE,)),
    MeetingKind.OWNER_REPRESENTATIVES: KindSpec(
        REPRESENTATIVES_MEETING, (_C.OWNERS_COMMITTEE, _C.COMMITTEE), owners_matter=True
    ),
    MeetingKind.OWNERS_ASSEMBLY: KindSpec(
        OWNERS_ASSEMBLY_MEETING, (_C.OWNERS_COMMITTEE, _C.COMMITTEE), owners_matter=True
    ),
    MeetingKind.JOINT: KindSpec(CONSULTATIVE_MEETING, (_C.PARTY_ORG, _C.COMMITTEE)),
    MeetingKind.HEARING: KindSpec(CONSULTATIVE_MEETING, (_C.COMMITTEE, _C.STREET)),
    MeetingKind.COORDINATION: KindSpec(CONSULTATIVE_MEETING, (_C.COMMITTEE, _C.STREET)),
    MeetingKind.EVALUATION: KindSpec(CONSULTATIVE_MEETING, (_C.COMMITTEE,)),
}
for _kind in (
    MeetingKind.PROJECT_REVIEW,
    MeetingKind.DECISION_HEARING,
    MeetingKind.CONFLICT,
    MeetingKind.PROGRESS,
    MeetingKind.ACCEPTANCE,
    MeetingKind.OPERATIONS,
):
    KIND_SPECS[_kind] = KindSpec(
        CONSULTATIVE_MEETING, (_C.COMMITTEE, _C.STREET, _C.PARTY_ORG), project_meeting=True
    )


def spec_for(kind: str) -> KindSpec:
    return KIND_SPECS[MeetingKind(kind)]


def rule_for_kind(kind: str) -> MeetingRule:
    return spec_for(kind).rule
