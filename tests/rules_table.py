"""Checking permission predicates as a table: one string of 0/1 per role, in the order of
the app's list of permission names (``tests/<app>/test_rules.py``)."""

from __future__ import annotations

GROUPS = {
    "manager": ("staff_a", "street_a", "district"),
    "member": ("planner_a", "leader_a", "resident_a"),
    "stranger": ("staff_b", "resident_b", "outsider"),
}


def bits(user, perms: list[str], obj) -> str:
    return "".join("1" if user.has_perm(p, obj) else "0" for p in perms)


def assert_table(perms: list[str], obj, expected: dict, *, users: dict) -> None:
    """``expected``: name -> bits; ``users``: name -> user. Every mismatch is listed."""
    wrong = {
        who: dict(zip(perms, bits(users[who], perms, obj), strict=True))
        for who, want in expected.items()
        if bits(users[who], perms, obj) != want
    }
    assert not wrong, wrong


def by_group(world, table: dict[str, str], perms: list[str]) -> tuple[dict, dict]:
    """Expand {group: bits} over the world's users (a group not named may do nothing)."""
    none = "0" * len(perms)
    expected = {who: table.get(group, none) for group, names in GROUPS.items() for who in names}
    return expected, {who: getattr(world.users, who) for who in expected}
