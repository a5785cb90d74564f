"""Permission predicates of the process records (same names in views, API and templates)."""

from __future__ import annotations

import rules

from linli.places.rules import can_manage_community, can_view_community, manages_district

rules.add_perm("process.view_project", can_view_community)
rules.add_perm("process.link_decision", can_manage_community)
rules.add_perm("process.manage_conflicts", can_manage_community)
rules.add_perm("process.configure_district", manages_district)
