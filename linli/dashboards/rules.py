"""Who may read a dashboard: the street's staff (and its district's admins) for a street,
the district's admins for a district. Committee staff, planners and residents may not:
the dashboards show every committee of the street side by side."""

from __future__ import annotations

import rules

from linli.places.rules import manages_a_street, manages_district

rules.add_perm("dashboards.view_street", manages_a_street)
rules.add_perm("dashboards.view_district", manages_district)
