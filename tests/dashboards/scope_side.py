"""Dashboards' side objects for the site-wide scope walk (tests/core/test_scope_walk.py).

The dashboards' URLs name a street or a district (already mapped) and a figure slug: the
walk fills it with "projects" (a list of records), so B's street dashboard and the records
behind its figures are refused to A's staff, and nothing of B shows on A's pages."""

from __future__ import annotations

from types import SimpleNamespace

from tests.core import scope_sides

scope_sides.KWARG_KINDS.update({"figure": "dashboard_figure"})


def dashboards_side(world, side):
    return {"dashboard_figure": SimpleNamespace(pk="projects")}


if not any(getattr(f, "__name__", "") == "dashboards_side" for f in scope_sides.BUILDERS):
    scope_sides.BUILDERS.append(dashboards_side)
