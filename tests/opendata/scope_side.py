"""Open data in the site-wide scope walk (tests/core/test_scope_walk.py).

Its pages are public on purpose, for every street: they are marked in
``scope_sides.PUBLIC_URL_NAMES`` so the walk does not expect B's street page to refuse
staff A, but A's pages are still checked to show nothing of B. ``year`` and ``dataset``
are not objects: the builder gives them as values with a ``pk``.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from tests.core import scope_sides

scope_sides.PUBLIC_URL_NAMES.update(
    {
        "opendata:landing", "opendata:dictionary", "opendata:dictionary_csv",
        "opendata:street", "opendata:export_json", "opendata:export_csv", "opendata:notice",
        "opendata:vote", "opendata:accounts", "api:open_streets", "api:open_dictionary",
        "api:open_street_year", "api:open_street_year_csv",
    }
)  # fmt: skip
scope_sides.KWARG_KINDS.update({"year": "open_year", "dataset": "open_dataset"})


def opendata_side(world, side):
    return {
        "open_year": SimpleNamespace(pk=timezone.localdate().year),
        "open_dataset": SimpleNamespace(pk="votes"),
    }


if not any(getattr(f, "__name__", "") == "opendata_side" for f in scope_sides.BUILDERS):
    scope_sides.BUILDERS.append(opendata_side)
