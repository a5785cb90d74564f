"""Synthetic residents of the demo district: names, mobiles and household compositions.

Shared by the district builder and the 高境镇 build (neither imports the other)."""

from __future__ import annotations

import random

from linli.demo import data


def person_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    chars = data.MALE_CHARS if sex == "M" else data.FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return (surname or rng.choice(data.SURNAMES)) + given


_MOBILE_PREFIXES = ["139", "159", "186", "137", "135", "158", "188", "189", "150", "151", "177"]


def _mobile(rng: random.Random, age: int) -> str:
    if age < 16 or age > 88 or rng.random() > 0.75:
        return ""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# Household compositions: (weight, [(relation, age range, sex rule), ...]). Sex rule: "M",
# "F", "x" (random), "o" (opposite of head). Ages of children are relative to the head when
# given as negative offsets. Weights are tuned so that ≈36 % of residents are 60 or older.
OWNER_TEMPLATES = [
    (12, [("head", (62, 93), "x")]),
    (20, [("head", (60, 88), "M"), ("spouse", (-4, 2), "o")]),
    (5, [("head", (24, 59), "x")]),
    (8, [("head", (26, 40), "M"), ("spouse", (-4, 1), "o")]),
    (20, [("head", (35, 55), "M"), ("spouse", (-4, 1), "o"), ("child", (-34, -24), "x")]),
    (
        4,
        [
            ("head", (36, 50), "M"),
            ("spouse", (-4, 1), "o"),
            ("child", (-34, -24), "x"),
            ("child", (-38, -28), "x"),
        ],
    ),
    (
        9,
        [
            ("head", (60, 80), "M"),
            ("spouse", (-4, 2), "o"),
            ("child", (-32, -26), "x"),
            ("grandchild", (-62, -50), "x"),
        ],
    ),
    (
        6,
        [
            ("head", (60, 78), "M"),
            ("spouse", (-4, 2), "o"),
            ("child", (-32, -26), "M"),
            ("other", (-33, -25), "F"),
            ("grandchild", (-62, -52), "x"),
        ],
    ),
    (8, [("head", (58, 85), "x"), ("child", (-34, -24), "x")]),
    (3, [("head", (78, 95), "x"), ("other", (-40, -25), "F")]),
    (5, [("head", (40, 55), "M"), ("spouse", (-4, 1), "o"), ("parent", (26, 34), "x")]),
]
TENANT_TEMPLATES = [
    (30, [("head", (22, 40), "x")]),
    (25, [("head", (25, 42), "M"), ("spouse", (-4, 1), "o")]),
    (20, [("head", (30, 48), "M"), ("spouse", (-4, 1), "o"), ("child", (-34, -24), "x")]),
    (10, [("head", (22, 35), "x"), ("other", (-3, 3), "x"), ("other", (-3, 3), "x")]),
    (15, [("head", (62, 85), "x")]),  # elderly renting near their children
]


def _cum(templates):
    total = 0
    out = []
    for w, members in templates:
        total += w
        out.append((total, members))
    return total, out


_OWNER_CUM = _cum(OWNER_TEMPLATES)
_TENANT_CUM = _cum(TENANT_TEMPLATES)


def _pick(rng: random.Random, cum) -> list:
    total, rows = cum
    x = rng.random() * total
    for edge, members in rows:
        if x < edge:
            return members
    return rows[-1][1]


def household_people(rng: random.Random, tenant: bool) -> list[tuple[str, tuple]]:
    members = _pick(rng, _TENANT_CUM if tenant else _OWNER_CUM)
    out: list[tuple[str, tuple]] = []
    head_age = head_sex = head_surname = None
    for relation, (lo, hi), sex_rule in members:
        if relation == "head":
            age = rng.randint(lo, hi)
            sex = rng.choice("MF") if sex_rule == "x" else sex_rule
            head_age, head_sex = age, sex
            head_surname = rng.choice(data.SURNAMES)
            surname = head_surname
        else:
            if relation == "parent":
                age = head_age + rng.randint(lo, hi)
            else:
                age = head_age + rng.randint(lo, hi)
            age = max(0, min(age, 102))
            if sex_rule == "o":
                sex = "F" if head_sex == "M" else "M"
            elif sex_rule == "x":
                sex = rng.choice("MF")
            else:
                sex = sex_rule
            surname = (
                head_surname if relation in ("child", "grandchild") and head_sex == "M" else None
            )
        out.append(
            (
                relation,
                (
                    person_name(rng, sex, surname),
                    sex,
                    data.REF_YEAR - age,
                    _mobile(rng, age),
                    False,
                ),
            )
        )
    return out


def outside_owner(rng: random.Random) -> tuple:
    sex = rng.choice("MF")
    age = rng.randint(38, 78)
    return (person_name(rng, sex), sex, data.REF_YEAR - age, _mobile(rng, age), False)
