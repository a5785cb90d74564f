"""Owners' joint decisions (业主共同决定, Civil Code art. 278) and meeting majorities.

Why this module exists: a vote of the owners is valid only if *both* the area and the
headcount conditions hold, at participation and at agreement, with bounds that are inclusive
("以上") or strict ("过半数") depending on the wording. Getting one fraction or one comparison
wrong changes who may spend the maintenance fund, so everything here is exact integer
arithmetic: areas are scaled to integers and compared by cross-multiplication.

Counting rules (法释〔2009〕7号, art. 8 and 9, kept unchanged in 法释〔2020〕17号):

* area: each exclusive part (flat) counts with its recorded area;
* headcount: one exclusive part is one person, but all flats of the same buyer count as one
  person, and all flats still held by the developer (建设单位) count as one person.

Decisions this module takes where the texts are silent (see docs/engine-tally-costshare.md):

* an "owner" for the headcount is the exact *set* of owner ids on the title: co-owners
  {A, B} of flat 1 are one owner; A alone on flat 2 is a *different* owner ({A} ≠ {A, B});
* an owner with several flats takes part if any of their flats voted; in the headcount they
  agree only if every flat of theirs that voted agreed (otherwise they count like an
  abstention, or, with ``SplitVotePolicy.ERROR``, the tally refuses); the area of each flat
  always follows that flat's own ballot.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

__all__ = [
    "ART_278_ORDINARY",
    "ART_278_SPECIAL",
    "DEVELOPER_KEY",
    "SHANGHAI_ELEVATOR_RETROFIT",
    "Ballot",
    "Bound",
    "Failure",
    "Flat",
    "Matter",
    "MeetingBase",
    "MeetingResult",
    "MeetingRule",
    "RESIDENTS_MEETING",
    "TWO_THIRDS_OF_MEMBERS_MEETING",
    "TWO_THIRDS_QUORUM_MEETING",
    "SplitVotePolicy",
    "Tally",
    "TallyError",
    "ThresholdRule",
    "meeting_decide",
    "owner_keys",
    "rule_for",
    "tally",
    "tally_columns",
]


class TallyError(ValueError):
    """Input that cannot be tallied; the message is Chinese and meant for organisers."""


class Ballot(enum.IntEnum):
    """One flat's ballot. The integer codes are used by the columnar fast path."""

    NONE = 0  # did not vote (未参与表决)
    AGREE = 1  # 同意
    DISAGREE = 2  # 反对
    ABSTAIN = 3  # 弃权: takes part, does not agree


class Matter(enum.Enum):
    """The nine items of Civil Code art. 278 para. 1, plus elevator retrofit."""

    RULES_OF_PROCEDURE = "278-1"
    MANAGEMENT_STATUTE = "278-2"
    OWNERS_COMMITTEE = "278-3"
    PROPERTY_MANAGER = "278-4"
    USE_MAINTENANCE_FUND = "278-5"
    RAISE_MAINTENANCE_FUND = "278-6"
    REBUILD = "278-7"
    COMMON_PART_USE = "278-8"
    OTHER_MAJOR = "278-9"
    ELEVATOR_RETROFIT = "elevator"

    @property
    def label_zh(self) -> str:
        return _MATTER_LABELS[self]


_MATTER_LABELS: dict[Matter, str] = {
    Matter.RULES_OF_PROCEDURE: "制定和修改业主大会议事规则",
    Matter.MANAGEMENT_STATUTE: "制定和修改管理规约",
    Matter.OWNERS_COMMITTEE: "选举业主委员会或者更换业主委员会成员",
    Matter.PROPERTY_MANAGER: "选聘和解聘物业服务企业或者其他管理人",
    Matter.USE_MAINTENANCE_FUND: "使用建筑物及其附属设施的维修资金",
    Matter.RAISE_MAINTENANCE_FUND: "筹集建筑物及其附属设施的维修资金",
    Matter.REBUILD: "改建、重建建筑物及其附属设施",
    Matter.COMMON_PART_USE: "改变共有部分的用途或者利用共有部分从事经营活动",
    Matter.OTHER_MAJOR: "有关共有和共同管理权利的其他重大事项",
    Matter.ELEVATOR_RETROFIT: "既有多层住宅加装电梯",
}

_FRACTION_ZH: dict[Fraction, str] = {
    Fraction(1, 2): "半数",
    Fraction(2, 3): "三分之二",
    Fraction(3, 4): "四分之三",
    Fraction(1, 3): "三分之一",
    Fraction(4, 5): "五分之四",
    Fraction(1, 1): "全部",
}


def _fraction_zh(share: Fraction) -> str:
    return _FRACTION_ZH.get(share, f"{share.denominator}分之{share.numerator}")


@dataclass(frozen=True)
class Bound:
    """A share threshold: ``inclusive`` is "以上" (≥), otherwise "过/超过" (>).

    Chinese statutes count the bound itself in "以上"; "过半数" excludes exactly one half.
    """

    share: Fraction
    inclusive: bool

    def __post_init__(self) -> None:
        if not (0 <= self.share <= 1):
            raise TallyError(f"门槛比例必须在0到1之间：{self.share}")

    def met(self, part: int, whole: int) -> bool:
        """Exact test of ``part / whole`` against the bound; an empty whole never meets it."""
        if whole <= 0:
            return False
        lhs = part * self.share.denominator
        rhs = whole * self.share.numerator
        return lhs >= rhs if self.inclusive else lhs > rhs

    @property
    def text_zh(self) -> str:
        word = _fraction_zh(self.share)
        if self.share == Fraction(1, 2) and not self.inclusive:
            return "过半数"
        return f"{word}以上" if self.inclusive else f"超过{word}"

    def shortfall_zh(self) -> str:
        """Wording of the failed condition, e.g. "不足三分之二" or "未过半数"."""
        word = _fraction_zh(self.share)
        if self.inclusive:
            return f"不足{word}"
        return "未过半数" if self.share == Fraction(1, 2) else f"未超过{word}"


TWO_THIRDS_OR_MORE = Bound(Fraction(2, 3), inclusive=True)
THREE_QUARTERS_OR_MORE = Bound(Fraction(3, 4), inclusive=True)
MORE_THAN_HALF = Bound(Fraction(1, 2), inclusive=False)


@dataclass(frozen=True)
class ThresholdRule:
    """Participation and agreement thresholds of one kind of decision.

    Participation is measured against all flats (area and owners); agreement against the
    participating area and participating owners. ``source`` names the legal text.
    """

    name: str
    participation_area: Bound
    participation_owners: Bound
    agree_area: Bound
    agree_owners: Bound
    source: str


ART_278_ORDINARY = ThresholdRule(
    name="双过半",
    participation_area=TWO_THIRDS_OR_MORE,
    participation_owners=TWO_THIRDS_OR_MORE,
    agree_area=MORE_THAN_HALF,
    agree_owners=MORE_THAN_HALF,
    source="《民法典》第二百七十八条第二款：决定前款其他事项，应当经参与表决专有部分面积过半数的业主"
    "且参与表决人数过半数的业主同意",
)

ART_278_SPECIAL = ThresholdRule(
    name="双四分之三",
    participation_area=TWO_THIRDS_OR_MORE,
    participation_owners=TWO_THIRDS_OR_MORE,
    agree_area=THREE_QUARTERS_OR_MORE,
    agree_owners=THREE_QUARTERS_OR_MORE,
    source="《民法典》第二百七十八条第二款：决定前款第六项至第八项规定的事项，应当经参与表决专有部分"
    "面积四分之三以上的业主且参与表决人数四分之三以上的业主同意",
)

SHANGHAI_ELEVATOR_RETROFIT = ThresholdRule(
    name="加装电梯（按改建）",
    participation_area=TWO_THIRDS_OR_MORE,
    participation_owners=TWO_THIRDS_OR_MORE,
    agree_area=THREE_QUARTERS_OR_MORE,
    agree_owners=THREE_QUARTERS_OR_MORE,
    source="上海既有多层住宅加装电梯实践：以本幢（本单元）业主为表决范围，按《民法典》第二百七十八条"
    "第一款第七项“改建”事项表决（三分之二以上参与，参与表决面积与人数均四分之三以上同意）；"
    "项目可按本地最新文件配置",
)

# Civil Code art. 278 para. 2: items 6 to 8 need the double three-quarters; all others,
# including item 5 (using the maintenance fund), the double majority.
_SPECIAL_MATTERS = frozenset(
    {Matter.RAISE_MAINTENANCE_FUND, Matter.REBUILD, Matter.COMMON_PART_USE}
)


def rule_for(
    matter: Matter, *, elevator_rule: ThresholdRule = SHANGHAI_ELEVATOR_RETROFIT
) -> ThresholdRule:
    """The statutory rule of a matter; elevator retrofit uses the configurable rule given."""
    if matter is Matter.ELEVATOR_RETROFIT:
        return elevator_rule
    return ART_278_SPECIAL if matter in _SPECIAL_MATTERS else ART_278_ORDINARY


# ---------------------------------------------------------------------------------------
# Inputs and outputs


DEVELOPER_KEY: frozenset[str] = frozenset({"建设单位"})


@dataclass(frozen=True)
class Flat:
    """One exclusive part (专有部分) with its recorded area and the owner ids on its title.

    ``developer_held`` marks flats the developer has not sold, or sold but not delivered;
    all of them together count as one person (法释 art. 9).
    """

    id: str
    area: Decimal
    owners: frozenset[str] = frozenset()
    developer_held: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.owners, frozenset):
            object.__setattr__(self, "owners", frozenset(self.owners))
        if isinstance(self.area, float | bool):  # binary floats are not recorded areas
            raise TallyError(f"专有部分面积请用 Decimal 或字符串表示，不能用浮点数：{self.id}")
        if not isinstance(self.area, Decimal):
            object.__setattr__(self, "area", Decimal(self.area))

    @property
    def owner_key(self) -> frozenset[str]:
        """The headcount identity: the exact set of owners, or the developer."""
        return DEVELOPER_KEY if self.developer_held else self.owners


class SplitVotePolicy(enum.Enum):
    """What to do with an owner of several flats whose flats voted differently."""

    NOT_AGREEING = "not_agreeing"  # takes part, counted as not agreeing (like 弃权)
    ERROR = "error"  # refuse to tally until the organiser has clarified the ballots


@dataclass(frozen=True)
class Failure:
    """A failed condition: a stable machine code and the Chinese wording for notices."""

    code: str
    message: str


@dataclass(frozen=True)
class Tally:
    """The full count of one owners' vote, with every share exact."""

    matter: Matter
    rule: ThresholdRule
    total_area: Fraction
    total_owners: int
    participating_area: Fraction
    participating_owners: int
    agreeing_area: Fraction
    agreeing_owners: int
    participation_met: bool
    passed: bool
    failures: tuple[Failure, ...]
    split_owners: tuple[str, ...] = field(default=())

    @property
    def participation_area_share(self) -> Fraction:
        return _share(self.participating_area, self.total_area)

    @property
    def participation_owners_share(self) -> Fraction:
        return _share(self.participating_owners, self.total_owners)

    @property
    def agree_area_share(self) -> Fraction:
        """Agreeing area as a share of the *participating* area."""
        return _share(self.agreeing_area, self.participating_area)

    @property
    def agree_owners_share(self) -> Fraction:
        """Agreeing owners as a share of the *participating* owners."""
        return _share(self.agreeing_owners, self.participating_owners)

    @property
    def failure_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.failures)


def _share(part: Fraction | int, whole: Fraction | int) -> Fraction:
    return Fraction(part) / Fraction(whole) if whole else Fraction(0)


# ---------------------------------------------------------------------------------------
# Counting


def tally(
    flats: Iterable[Flat],
    ballots: Mapping[str, Ballot],
    matter: Matter,
    *,
    rule: ThresholdRule | None = None,
    split_vote: SplitVotePolicy = SplitVotePolicy.NOT_AGREEING,
) -> Tally:
    """Count an owners' vote on ``matter``; flats missing from ``ballots`` did not vote.

    ``rule`` overrides the statutory rule (e.g. a project's own elevator rule). The work is
    done by :func:`tally_columns`, so the object path and the bulk path cannot disagree.
    """
    flat_list = list(flats)
    if not flat_list:
        raise TallyError("没有专有部分，无法计票")
    seen: set[str] = set()
    keys: dict[frozenset[str], int] = {}
    person_names: list[str] = []
    owner_idx: list[int] = []
    for flat in flat_list:
        if flat.id in seen:
            raise TallyError(f"专有部分重复：{flat.id}")
        seen.add(flat.id)
        if not flat.area.is_finite() or flat.area <= 0:
            raise TallyError(f"专有部分面积必须为正数：{flat.id}")
        if not flat.developer_held and not flat.owners:
            raise TallyError(f"专有部分没有登记业主：{flat.id}")
        key = flat.owner_key
        if key not in keys:
            keys[key] = len(keys)
            person_names.append("+".join(sorted(key)))
        owner_idx.append(keys[key])
    unknown = sorted(set(ballots) - seen)
    if unknown:
        raise TallyError(f"选票对应的专有部分不存在：{'、'.join(unknown)}")

    scale = _area_scale(f.area for f in flat_list)
    area_units = [int(Fraction(f.area) * scale) for f in flat_list]
    dtype = np.int64 if sum(area_units) < 2**62 else object
    for flat_id, ballot in ballots.items():
        if not isinstance(ballot, Ballot):
            raise TallyError(f"表决意见无效：{flat_id}")
    choices = np.fromiter(
        (int(ballots.get(f.id, Ballot.NONE)) for f in flat_list),
        dtype=np.int8,
        count=len(flat_list),
    )
    counts = _count(
        np.asarray(area_units, dtype=dtype),
        np.asarray(owner_idx, dtype=np.int64),
        choices,
        n_persons=len(keys),
    )
    split = tuple(sorted(person_names[i] for i in counts.split_persons))
    if split and split_vote is SplitVotePolicy.ERROR:
        raise TallyError(f"同一业主名下多个专有部分表决意见不一致：{'、'.join(split)}")
    return _decide(counts, matter, rule or rule_for(matter), scale, split)


def tally_columns(
    area_units: npt.NDArray[np.int64],
    owner_idx: npt.NDArray[np.int64],
    choices: npt.NDArray[np.int8],
    matter: Matter,
    *,
    area_scale: int = 100,
    rule: ThresholdRule | None = None,
    split_vote: SplitVotePolicy = SplitVotePolicy.NOT_AGREEING,
) -> Tally:
    """Bulk path: one row per flat, areas as integers in units of ``1/area_scale`` m².

    ``owner_idx`` numbers the headcount owners 0..n-1 (same rules as :func:`tally`);
    ``choices`` holds :class:`Ballot` codes. ``split_owners`` reports owner indices.
    """
    area_units = np.asarray(area_units)
    owner_idx = np.asarray(owner_idx, dtype=np.int64)
    choices = np.asarray(choices, dtype=np.int8)
    n = len(area_units)
    if n == 0:
        raise TallyError("没有专有部分，无法计票")
    if len(owner_idx) != n or len(choices) != n:
        raise TallyError("列长度不一致")
    if not (np.issubdtype(area_units.dtype, np.integer) or area_units.dtype == object):
        raise TallyError("面积列必须是整数（按 area_scale 缩放），不能用浮点数")
    if area_scale <= 0:
        raise TallyError("面积单位必须为正数")
    if area_units.min() <= 0:
        raise TallyError("专有部分面积必须为正数")
    if owner_idx.min() < 0:
        raise TallyError("业主编号必须为非负整数")
    if choices.min() < 0 or choices.max() > max(Ballot):
        raise TallyError("表决意见编码无效")
    # Renumber densely so that owner numbers never used do not inflate the headcount.
    top = int(owner_idx.max())
    if top < 4 * n + 1024:  # linear-time presence table; a sort only for very sparse ids
        present = np.bincount(owner_idx, minlength=top + 1) > 0
        n_persons = int(present.sum())
        if n_persons != top + 1:
            owner_idx = (np.cumsum(present) - 1)[owner_idx]
    else:
        _, owner_idx = np.unique(owner_idx, return_inverse=True)
        n_persons = int(owner_idx.max()) + 1
    counts = _count(area_units, owner_idx, choices, n_persons=n_persons)
    split = tuple(str(i) for i in counts.split_persons)
    if split and split_vote is SplitVotePolicy.ERROR:
        raise TallyError(f"同一业主名下多个专有部分表决意见不一致：{'、'.join(split)}")
    return _decide(counts, matter, rule or rule_for(matter), area_scale, split)


def _area_scale(areas: Iterable[Decimal]) -> int:
    """Smallest power of ten that makes every recorded area an integer (exact)."""
    places = 0
    for a in areas:
        exp = a.normalize().as_tuple().exponent
        if isinstance(exp, int) and exp < 0:
            places = max(places, -exp)
    return 10**places


@dataclass(frozen=True)
class _Counts:
    total_area: int
    total_owners: int
    participating_area: int
    participating_owners: int
    agreeing_area: int
    agreeing_owners: int
    split_persons: tuple[int, ...]


def _count(
    area: npt.NDArray[np.int64],
    owner_idx: npt.NDArray[np.int64],
    choices: npt.NDArray[np.int8],
    *,
    n_persons: int,
) -> _Counts:
    """The one place where flats become sums: integer areas, persons by bincount."""
    voted = choices != Ballot.NONE
    agree = choices == Ballot.AGREE
    n_voted = np.bincount(owner_idx[voted], minlength=n_persons)
    n_agree = np.bincount(owner_idx[agree], minlength=n_persons)
    person_voted = n_voted > 0
    person_agrees = person_voted & (n_agree == n_voted)
    # Split: voted on several flats with not all ballots equal. Only several-flat owners
    # can be split, so check the (rare) candidates exactly.
    split: list[int] = []
    multi = np.flatnonzero(n_voted > 1)
    if multi.size:
        mask = voted & np.isin(owner_idx, multi)
        first: dict[int, int] = {}
        bad: set[int] = set()
        for p, c in zip(owner_idx[mask].tolist(), choices[mask].tolist(), strict=True):
            if first.setdefault(p, c) != c:
                bad.add(p)
        split = sorted(bad)
    return _Counts(
        total_area=int(area.sum()),
        total_owners=n_persons,
        participating_area=int(area[voted].sum()),
        participating_owners=int(person_voted.sum()),
        agreeing_area=int(area[agree].sum()),
        agreeing_owners=int(person_agrees.sum()),
        split_persons=tuple(split),
    )


def _decide(
    c: _Counts, matter: Matter, rule: ThresholdRule, scale: int, split: tuple[str, ...]
) -> Tally:
    failures: list[Failure] = []
    checks = [
        (
            rule.participation_area.met(c.participating_area, c.total_area),
            "participation_area",
            f"参与表决的专有部分面积{rule.participation_area.shortfall_zh()}",
        ),
        (
            rule.participation_owners.met(c.participating_owners, c.total_owners),
            "participation_owners",
            f"参与表决的业主人数{rule.participation_owners.shortfall_zh()}",
        ),
        (
            rule.agree_area.met(c.agreeing_area, c.participating_area),
            "agree_area",
            f"同意的专有部分面积占参与表决专有部分面积{rule.agree_area.shortfall_zh()}",
        ),
        (
            rule.agree_owners.met(c.agreeing_owners, c.participating_owners),
            "agree_owners",
            f"同意的业主人数占参与表决人数{rule.agree_owners.shortfall_zh()}",
        ),
    ]
    for ok, code, message in checks:
        if not ok:
            failures.append(Failure(code, message))
    participation_met = checks[0][0] and checks[1][0]
    return Tally(
        matter=matter,
        rule=rule,
        total_area=Fraction(c.total_area, scale),
        total_owners=c.total_owners,
        participating_area=Fraction(c.participating_area, scale),
        participating_owners=c.participating_owners,
        agreeing_area=Fraction(c.agreeing_area, scale),
        agreeing_owners=c.agreeing_owners,
        participation_met=participation_met,
        passed=not failures,
        failures=tuple(failures),
        split_owners=split,
    )


# ---------------------------------------------------------------------------------------
# Meeting majorities (居民会议, 居民代表会议, 楼组会议, 业主代表会议 …)


class MeetingBase(enum.Enum):
    """What the majority is measured against."""

    PRESENT = "present"  # 出席人
    MEMBERS = "members"  # 全体成员


@dataclass(frozen=True)
class MeetingRule:
    """Quorum (share of members present) and majority (share of present or of members)."""

    name: str
    quorum: Bound
    majority: Bound
    majority_base: MeetingBase = MeetingBase.PRESENT
    source: str = ""


RESIDENTS_MEETING = MeetingRule(
    name="居民会议",
    quorum=MORE_THAN_HALF,
    majority=MORE_THAN_HALF,
    source="《城市居民委员会组织法》：居民会议须有过半数出席才能举行，决定由出席人的过半数通过",
)
TWO_THIRDS_QUORUM_MEETING = MeetingRule(
    name="三分之二出席、出席人过半数通过",
    quorum=TWO_THIRDS_OR_MORE,
    majority=MORE_THAN_HALF,
)
TWO_THIRDS_OF_MEMBERS_MEETING = MeetingRule(
    name="全体成员三分之二以上同意",
    quorum=TWO_THIRDS_OR_MORE,
    majority=TWO_THIRDS_OR_MORE,
    majority_base=MeetingBase.MEMBERS,
)


@dataclass(frozen=True)
class MeetingResult:
    rule: MeetingRule
    members: int
    present: int
    agree: int
    quorum_met: bool
    passed: bool
    failures: tuple[Failure, ...]

    @property
    def present_share(self) -> Fraction:
        return _share(self.present, self.members)

    @property
    def agree_share(self) -> Fraction:
        base = self.present if self.rule.majority_base is MeetingBase.PRESENT else self.members
        return _share(self.agree, base)


def meeting_decide(*, members: int, present: int, agree: int, rule: MeetingRule) -> MeetingResult:
    """Decide a motion of a meeting of ``members`` with ``present`` attending."""
    if members <= 0:
        raise TallyError("会议应到人数必须为正数")
    if not (0 <= present <= members):
        raise TallyError("出席人数必须在0到应到人数之间")
    if not (0 <= agree <= present):
        raise TallyError("同意人数必须在0到出席人数之间")
    quorum_met = rule.quorum.met(present, members)
    base = present if rule.majority_base is MeetingBase.PRESENT else members
    majority_met = rule.majority.met(agree, base)
    failures: list[Failure] = []
    if not quorum_met:
        failures.append(Failure("quorum", f"出席人数{rule.quorum.shortfall_zh()}，会议不能举行"))
    if not majority_met:
        who = "出席人数" if rule.majority_base is MeetingBase.PRESENT else "全体成员"
        failures.append(Failure("majority", f"同意人数占{who}{rule.majority.shortfall_zh()}"))
    return MeetingResult(
        rule=rule,
        members=members,
        present=present,
        agree=agree,
        quorum_met=quorum_met,
        passed=quorum_met and majority_met,
        failures=tuple(failures),
    )


def owner_keys(flats: Sequence[Flat]) -> list[frozenset[str]]:
    """Headcount identity of each flat, in order (for adapters that build columns)."""
    return [f.owner_key for f in flats]
