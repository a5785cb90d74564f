"""Buildings and micro-spaces in the order and with the labels a resident expects.

Building numbers are text ("1号楼", "10号楼", "3A号楼"): sorted as text 10号楼 comes before
1号楼. ``natural_key`` compares runs of digits as numbers (full-width digits too), so
1号楼, 2号楼, …, 10号楼. Sorting happens in Python: one committee has tens to a few hundred
buildings, and the same code then behaves identically on PostgreSQL and SQLite.

``natural_places(field)`` makes a form's building / micro-space dropdown use that order,
grouped by compound (``<optgroup>``) when the list spans more than one compound — a phone's
picker then shows short, labelled groups instead of one list of ~100 buildings. Micro-spaces
are labelled with where they are ("废弃电话亭 · 安顺苑 近5号楼"), so three phone booths are
three different, recognisable choices.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext as _

_DIGITS = re.compile(r"(\d+)")


def natural_key(text) -> tuple:
    """Sort key: digit runs as integers, the rest as case-folded text (NFKC: ０-９ → 0-9)."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(text)
        if part
    )


def building_key(building) -> tuple:
    """Compound (by name), then building number, both natural."""
    return (natural_key(building.compound.name), natural_key(building.number), building.pk)


def sorted_buildings(buildings: Iterable) -> list:
    """``buildings`` (with their compound loaded, ideally) in natural order."""
    return sorted(buildings, key=building_key)


def microspace_label(ms) -> str:
    """Name plus where it is: the compound, the building it belongs to, or its number."""
    where = ms.compound.name
    if ms.building_id:
        where += _(" 近%(number)s") % {"number": ms.building.number}
    else:
        where += _(" 登记号%(pk)s") % {"pk": ms.pk}
    return f"{ms.name} · {where}"


def _place_key(obj) -> tuple:
    compound = getattr(obj, "compound", None)
    own = obj.number if hasattr(obj, "number") else obj.name
    return (natural_key(compound.name if compound else ""), natural_key(own), obj.pk)


class NaturalPlaceIterator(ModelChoiceIterator):
    """Choices of a building / micro-space field: natural order, grouped by compound."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset
        if hasattr(queryset.model, "compound"):
            queryset = queryset.select_related("compound")
        if queryset.model.__name__ == "MicroSpace":
            queryset = queryset.select_related("building")
        objs = sorted(queryset, key=_place_key)
        groups: dict[str, list] = {}
        for obj in objs:
            compound = getattr(obj, "compound", None)
            groups.setdefault(compound.name if compound else "", []).append(self.choice(obj))
        if len(groups) > 1:
            yield from groups.items()
        else:
            for items in groups.values():
                yield from items


def natural_places(*fields) -> None:
    """Give form fields (ModelChoiceField / ModelMultipleChoiceField over Building or
    MicroSpace) natural order, compound groups and, for micro-spaces, located labels.
    Call after the field's queryset is set."""
    for field in fields:
        if field.queryset.model.__name__ == "MicroSpace":
            field.label_from_instance = microspace_label
        field.iterator = NaturalPlaceIterator
        field.widget.choices = field.choices


def grouped_buildings(buildings: Iterable) -> list[tuple[str, list]]:
    """``buildings`` in natural order, grouped by compound: ``[(compound name, [building…])]``
    — for hand-written lists (checkboxes, ``<optgroup>``) that cannot use ``natural_places``."""
    groups: dict[str, list] = {}
    for b in sorted_buildings(buildings):
        groups.setdefault(b.compound.name, []).append(b)
    return list(groups.items())
