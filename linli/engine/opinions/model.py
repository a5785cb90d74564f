"""Plain dataclasses in and out of the opinion-groups engine (no framework types)."""

from __future__ import annotations

from dataclasses import dataclass, field

AGREE = 1
DISAGREE = -1
PASS = 0


@dataclass(slots=True)
class Vote:
    """One vote. ``value`` is +1 agree, -1 disagree, 0 pass; ``timestamp`` orders re-votes."""

    participant: int
    statement: int
    value: int
    timestamp: float = 0.0


@dataclass
class Conversation:
    """Votes plus moderation state. Missing votes are simply absent from ``votes``.

    ``moderated_out`` statements stay in the matrix as all-pass columns (as Pol.is does) but are
    never chosen as representative or consensus statements; ``meta`` statements are treated the
    same way (Pol.is puts them in mod-out).
    """

    votes: list[Vote]
    moderated_out: frozenset[int] = frozenset()
    meta: frozenset[int] = frozenset()
    # What the previous run decided; Pol.is always carries this over (see PriorState).
    prior: PriorState | None = None
    texts: dict[int, str] = field(default_factory=dict)  # statement id -> text, for reports
    source: str = ""  # what a loader read (file and shape), said in reports


@dataclass(frozen=True)
class KSmoother:
    """Pol.is only switches to a new group count after it wins 4 runs in a row."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None


@dataclass(frozen=True)
class PriorState:
    """State a previous run leaves for the next one, as Pol.is persists it between math ticks.

    Clusters are stored as participant-id lists (not coordinates), so the state survives the
    PCA axes rotating or flipping sign between runs: each old cluster is re-centred on the
    current positions of its members, exactly like Pol.is's ``clean-start-clusters``.
    """

    in_conv: frozenset[int] = frozenset()  # "once in, stays in"
    base_clusters: tuple[tuple[int, ...], ...] = ()  # in creation order (Pol.is's ids)
    # Recorded for reference only: like Pol.is after loading a conversation, group clusters
    # are recomputed from the base clusters on every run.
    group_clusters: tuple[tuple[int, ...], ...] = ()
    k_smoother: KSmoother = KSmoother()


@dataclass(frozen=True)
class Params:
    """Pol.is's defaults (math/src/polismath/math/conversation.clj)."""

    min_votes: int = 7  # participants need min(7, #statements) votes to be clustered
    greedy_n: int = 15  # ...but the top voters are admitted until there are at least 15
    base_k: int = 100
    base_iters: int = 100
    group_iters: int = 20  # Pol.is passes :cluster-iters, so kmeans keeps its default of 20
    max_k: int = 5
    k_buffer: int = 4  # runs a new k must win in a row before the group count changes
    # Without prior state, re-apply the admission rule along the vote timestamps (Pol.is's
    # "once in, stays in") and, up to base_k participants, rebuild Pol.is's base clusters by
    # replaying one math run per vote timestamp (see history.py).
    replay_history: bool = True
    replay_max_votes: int = 20_000  # bounds the replay's cost (one run per timestamp)
    pick_max: int = 5
    z_90: float = 1.2816  # one-tailed 90 % critical value, as hard-coded in Pol.is


@dataclass(frozen=True)
class RepStatement:
    """A statement that sets a group apart, with the z-tests that justify it."""

    statement: int
    direction: str  # "agree" | "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    statement: int
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True)
class GroupVotes:
    """One group's votes on one statement."""

    agree: int
    disagree: int
    total: int  # agree + disagree + pass


@dataclass(frozen=True)
class GroupConsensusStatement:
    """A statement every group shown agrees (or disagrees) with, each by the consensus rule:
    p = (1 + n_success) / (2 + n_trials) > 0.5 and its z-test above the 90 % value."""

    statement: int
    direction: str  # "agree" | "disagree"
    score: float  # product over groups of p (Pol.is's group-aware consensus for "agree")
    per_group: dict[int, GroupVotes]


@dataclass
class OpinionResult:
    """Everything the map and report need.

    ``projection`` covers every participant (the 2-D map); ``groups`` only those admitted to
    clustering. Components use our sign convention (+1 = agree); Pol.is stores -1 = agree, so its
    center and projections are ours negated (PCA signs are arbitrary anyway).
    """

    participants: list[int]
    statements: list[int]
    center: list[float]
    components: list[list[float]]
    projection: dict[int, tuple[float, float]]
    in_conv: list[int]
    base_clusters: list[list[int]]  # participant ids per base cluster
    base_centers: list[tuple[float, float]]
    groups: dict[int, int]  # participant -> group id
    group_members: dict[int, list[int]]
    k: int
    silhouettes: dict[int, float]
    repness: dict[int, list[RepStatement]]
    consensus_agree: list[ConsensusStatement] = field(default_factory=list)
    consensus_disagree: list[ConsensusStatement] = field(default_factory=list)
    group_aware_consensus: dict[int, float] = field(default_factory=dict)
    # Statements that meet the consensus rule inside every group (what "各群组都赞同" may list).
    group_consensus_agree: list[GroupConsensusStatement] = field(default_factory=list)
    group_consensus_disagree: list[GroupConsensusStatement] = field(default_factory=list)
    group_votes: dict[int, dict[int, GroupVotes]] = field(default_factory=dict)  # g -> tid ->
    statement_projection: dict[int, tuple[float, float]] = field(default_factory=dict)
    state: PriorState = PriorState()  # feed back as Conversation.prior on the next run
    # True when no prior state was given and the base clusters were rebuilt from the vote stream.
    replayed_history: bool = False
