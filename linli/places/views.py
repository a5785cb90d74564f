"""Registry pages: role homes (district, street, workbench, planner, resident) and the
compound → building → flat → micro-space pages. Every read goes through a scoped selector;
objects outside the user's scope answer 404, missing permissions 403."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.scopes import scopes_for
from linli.core.actions import run_form, run_service
from linli.core.permissions import get_visible, require
from linli.core.templatetags.linli import (
    FACILITY_KIND_LABELS,
    MICROSPACE_KIND_LABELS,
    STAGE_LABELS,
)
from linli.places import selectors, services
from linli.places.forms import MicroSpaceForm, MicroSpacePhotoForm
from linli.places.models import (
    District,
    Facility,
    Flat,
    Household,
    Ownership,
    Residency,
    Street,
)
from linli.places.ordering import sorted_buildings
from linli.projects.models import STAGE_ORDER, Stage
from linli.projects.selectors import projects_visible_to

STAGE_CHOICES = list(Stage.choices)


def _stage_counts(projects) -> list[dict]:
    """Projects per stage in loop order, zeros included."""
    counts = dict(projects.order_by().values_list("stage").annotate(n=Count("id")))
    top = max(counts.values(), default=0) or 1
    return [
        {"stage": s, "label": label, "n": counts.get(s, 0), "pct": counts.get(s, 0) * 100 // top}
        for s, label in STAGE_CHOICES
    ]


def _stage_matrix(projects, key: str) -> dict[int, dict[str, int]]:
    """{committee or street id: {stage: n}}."""
    matrix: dict[int, dict[str, int]] = defaultdict(dict)
    for key_id, stage, n in projects.order_by().values_list(key, "stage").annotate(n=Count("id")):
        matrix[key_id][stage] = n
    return matrix


def _chart_json(stage_counts: list[dict]) -> dict:
    return {
        "labels": [str(STAGE_LABELS.get(c["stage"], c["label"])) for c in stage_counts],
        "values": [c["n"] for c in stage_counts],
    }


# ---------------------------------------------------------------- role home pages


@login_required
def district(request, pk: int):
    scopes = scopes_for(request.user)
    obj = get_visible(District.objects.filter(id__in=scopes.managed_district_ids), pk=pk)
    require(request.user, "places.view_district", obj)
    streets = obj.streets.annotate(
        n_committees=Count("committees", distinct=True),
        n_projects=Count("committees__projects", distinct=True),
        n_open=Count(
            "committees__projects",
            filter=~Q(committees__projects__stage=Stage.DONE),
            distinct=True,
        ),
    ).order_by("name")
    projects = projects_visible_to(request.user).filter(committee__street__district=obj)
    stage_counts = _stage_counts(projects)
    return render(
        request,
        "places/district.html",
        {
            "district": obj,
            "streets": streets,
            "stage_counts": stage_counts,
            "chart": _chart_json(stage_counts),
            "total_projects": sum(c["n"] for c in stage_counts),
        },
    )


def _committee_rows(user, committees, projects):
    matrix = _stage_matrix(projects, "committee_id")
    rows = []
    for c in committees:
        by_stage = matrix.get(c.pk, {})
        rows.append(
            {
                "committee": c,
                "stages": [{"stage": s, "n": by_stage.get(s, 0)} for s in STAGE_ORDER],
                "open": sum(n for s, n in by_stage.items() if s != Stage.DONE),
            }
        )
    return rows


@login_required
def street(request, pk: int):
    scopes = scopes_for(request.user)
    obj = get_visible(
        Street.objects.filter(
            id__in=scopes.managed_street_ids | scopes.planner_street_ids
        ).select_related("district"),
        pk=pk,
    )
    require(request.user, "places.view_street", obj)
    committees = selectors.street_committees_overview(obj).filter(
        id__in=scopes.visible_committee_ids
    )
    projects = projects_visible_to(request.user).filter(committee__street=obj)
    stage_counts = _stage_counts(projects)
    return render(
        request,
        "places/street.html",
        {
            "street": obj,
            "rows": _committee_rows(request.user, committees, projects),
            "stage_counts": stage_counts,
            "chart": _chart_json(stage_counts),
            "total_projects": sum(c["n"] for c in stage_counts),
            "stage_choices": STAGE_CHOICES,
            "can_see_district": obj.district_id in scopes.managed_district_ids,
            "can_manage": obj.pk in scopes.managed_street_ids,
        },
    )


@login_required
def workbench(request, pk: int):
    committee = get_visible(selectors.committees_managed_by(request.user), pk=pk)
    require(request.user, "places.manage_committee", committee)
    projects = projects_visible_to(request.user).filter(committee=committee)
    stage_counts = _stage_counts(projects)
    compounds = committee.compounds.annotate(
        n_buildings=Count("buildings", distinct=True),
        n_microspaces=Count("microspaces", distinct=True),
    ).order_by("name")
    microspaces = (
        selectors.microspaces_visible_to(request.user)
        .filter(compound__committee=committee)
        .order_by("compound__name", "name")[:20]
    )
    return render(
        request,
        "places/workbench.html",
        {
            "committee": committee,
            "summary": selectors.committee_summary(committee),
            "compounds": compounds,
            "microspaces": microspaces,
            "stage_counts": stage_counts,
            "chart": _chart_json(stage_counts),
            "recent_projects": projects.order_by("-stage_changed_at")[:8],
            "other_committees": selectors.committees_managed_by(request.user).exclude(
                pk=committee.pk
            )[:50],
        },
    )


@login_required
def planner_home(request):
    scopes = scopes_for(request.user)
    streets = list(
        Street.objects.filter(id__in=scopes.planner_street_ids)
        .select_related("district")
        .order_by("name")
    )
    committees = (
        selectors.committees_visible_to(request.user)
        .filter(street__in=streets)
        .annotate(
            n_compounds=Count("compounds", distinct=True),
            n_projects=Count("projects", distinct=True),
        )
        .order_by("name")
    )
    projects = projects_visible_to(request.user).filter(committee__street__in=streets)
    matrix = _stage_matrix(projects, "committee_id")
    by_street: dict[int, list] = defaultdict(list)
    for c in committees:
        by_street[c.street_id].append(
            {
                "committee": c,
                "open": sum(n for s, n in matrix.get(c.pk, {}).items() if s != Stage.DONE),
            }
        )
    groups = [{"street": s, "committees": by_street.get(s.pk, [])} for s in streets]
    diagnosis = projects.filter(stage=Stage.DIAGNOSIS).order_by("-stage_changed_at")[:10]
    return render(
        request,
        "places/planner_home.html",
        {"groups": groups, "diagnosis": diagnosis, "stage_counts": _stage_counts(projects)},
    )


def _flats_with_people(queryset):
    """Flats with owners and residents in a fixed number of queries."""
    return queryset.select_related("building", "building__compound").prefetch_related(
        Prefetch(
            "ownerships",
            queryset=Ownership.objects.select_related("person").order_by("id"),
        ),
        Prefetch(
            "households",
            queryset=Household.objects.prefetch_related(
                Prefetch(
                    "residencies",
                    queryset=Residency.objects.select_related("person").order_by("id"),
                )
            ).order_by("id"),
        ),
    )


def _open_items(user, limit: int = 12) -> list[dict]:
    """What a resident can act on now, as every app registered it (projects.registry)."""
    from linli.projects.registry import todos_for

    return [
        {"label": t.kind, "title": t.title, "url": t.url, "until": t.until}
        for t in todos_for(user, limit=limit)
    ]


@login_required
def my_home(request):
    scopes = scopes_for(request.user)
    if not scopes.visible_committee_ids:
        return render(request, "core/no_role.html")
    flats = _flats_with_people(
        selectors.flats_visible_to(request.user).filter(id__in=scopes.resident_flat_ids)
    ).order_by("building__compound__name", "building__number", "room")
    led_buildings = (
        selectors.buildings_visible_to(request.user)
        .filter(id__in=scopes.led_building_ids)
        .annotate(n_flats=Count("flats"))
        .order_by("number")
    )
    committees = selectors.committees_visible_to(request.user).order_by("name")
    open_projects = (
        projects_visible_to(request.user).exclude(stage=Stage.DONE).order_by("-stage_changed_at")
    )[:20]
    done_projects = (
        projects_visible_to(request.user).filter(stage=Stage.DONE).order_by("-stage_changed_at")
    )[:5]
    microspaces = selectors.microspaces_visible_to(request.user).order_by("compound__name", "name")[
        :30
    ]
    compounds = selectors.compounds_visible_to(request.user).order_by("name")[:20]
    return render(
        request,
        "places/my_home.html",
        {
            "flats": flats,
            "led_buildings": led_buildings,
            "committees": committees,
            "open_projects": open_projects,
            "done_projects": done_projects,
            "microspaces": microspaces,
            "compounds": compounds,
            "open_items": _open_items(request.user),
        },
    )


# ---------------------------------------------------------------- registry pages


def _point(lat, lng, **props) -> dict | None:
    if lat is None or lng is None:
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(lng), float(lat)]},
        "properties": props,
    }


@login_required
def compound(request, pk: int):
    obj = get_visible(
        selectors.compounds_visible_to(request.user).select_related("committee__street"), pk=pk
    )
    require(request.user, "places.view_committee", obj)
    scopes = scopes_for(request.user)
    can_manage = request.user.has_perm("places.manage_committee", obj)
    buildings = sorted_buildings(
        obj.buildings.annotate(n_flats=Count("flats")).select_related("compound")
    )
    for b in buildings:
        b.can_roster = can_manage or b.pk in scopes.led_building_ids
    microspaces = list(obj.microspaces.select_related("building").order_by("name"))
    features = [
        f
        for f in (
            [_point(b.lat, b.lng, name=f"{b.number}", kind="building") for b in buildings]
            + [
                _point(
                    m.lat,
                    m.lng,
                    name=m.name,
                    kind="microspace",
                    url=f"/places/microspaces/{m.pk}/",
                    label=str(MICROSPACE_KIND_LABELS.get(m.kind, m.get_kind_display())),
                )
                for m in microspaces
            ]
        )
        if f
    ]
    plan_points = [
        {
            "x": float(m.plan_x),
            "y": float(m.plan_y),
            "name": m.name,
            "url": f"/places/microspaces/{m.pk}/",
        }
        for m in microspaces
        if m.plan_x is not None and m.plan_y is not None
    ]
    centre = (
        [float(obj.lat), float(obj.lng)] if obj.lat is not None and obj.lng is not None else None
    )
    projects = projects_visible_to(request.user).filter(compounds=obj).order_by("-created_at")[:20]
    return render(
        request,
        "places/compound.html",
        {
            "compound": obj,
            "buildings": buildings,
            "microspaces": microspaces,
            "projects": projects,
            "can_manage": can_manage,
            "map_data": {
                "centre": centre,
                "features": {"type": "FeatureCollection", "features": features},
                "plan": obj.site_plan.url if obj.site_plan else None,
                "plan_points": plan_points,
            },
        },
    )


@login_required
def building(request, pk: int):
    """The building roster: flats with floor, area, owners and residents."""
    obj = get_visible(
        selectors.buildings_visible_to(request.user).select_related("compound__committee"), pk=pk
    )
    require(request.user, "places.view_building_roster", obj)
    flats = _flats_with_people(Flat.objects.filter(building=obj)).order_by("-floor", "unit", "room")
    flats = list(flats)
    total_area = sum((f.area for f in flats), start=0)
    return render(
        request,
        "places/building.html",
        {
            "building": obj,
            "flats": flats,
            "total_area": total_area,
            "show_contacts": request.user.has_perm("places.see_contacts", obj),
            "can_manage": request.user.has_perm("places.manage_committee", obj),
        },
    )


def _get_flat(request, pk: int):
    obj = get_visible(
        _flats_with_people(selectors.flats_visible_to(request.user)).select_related(
            "building__compound__committee"
        ),
        pk=pk,
    )
    require(request.user, "places.view_flat", obj)
    return obj


@login_required
def flat(request, pk: int):
    return _flat_page(request, _get_flat(request, pk))


def _flat_page(request, obj, status: int = 200):
    can_link = request.user.has_perm("places.manage_committee", obj)
    people = []
    if can_link:  # the people registered in the flat, for linking their platform accounts
        seen = set()
        for p in [o.person for o in obj.ownerships.all()] + [
            r.person for h in obj.households.all() for r in h.residencies.all()
        ]:
            if p.pk not in seen:
                seen.add(p.pk)
                people.append(p)
    return render(
        request,
        "places/flat.html",
        {
            "flat": obj,
            "show_contacts": request.user.has_perm("places.see_contacts", obj),
            "can_roster": request.user.has_perm("places.view_building_roster", obj.building),
            "can_link": can_link,
            "people": people,
        },
        status=status,
    )


@login_required
@require_POST
def person_link_account(request, pk: int, person_pk: int):
    """Committee staff link a person of the flat to his platform account (by mobile)."""
    obj = _get_flat(request, pk)
    person = get_visible(selectors.persons_visible_to(request.user), pk=person_pk)
    return run_service(
        request,
        lambda: services.person_link_account(
            actor=request.user, flat=obj, person=person, mobile=request.POST.get("mobile", "")
        ),
        success=lambda p: _("已将%(name)s关联到平台账号") % {"name": p.name},
        redirect_to=reverse("places:flat", args=[obj.pk]) + "#accounts",
        render_refusal=lambda status: _flat_page(request, obj, status),
    )


def _get_microspace(request, pk):
    obj = get_visible(
        selectors.microspaces_visible_to(request.user).select_related("compound__committee"),
        pk=pk,
    )
    require(request.user, "places.view_committee", obj)
    return obj


@login_required
def microspace(request, pk: int):
    obj = _get_microspace(request, pk)
    return render(request, "places/microspace.html", _microspace_context(request, obj))


def _microspace_context(request, obj, photo_form=None):
    photos = obj.photos.order_by("-taken_at", "-id")
    projects = projects_visible_to(request.user).filter(microspaces=obj).order_by("-created_at")
    point = _point(obj.lat, obj.lng, name=obj.name, kind="microspace")
    return {
        "ms": obj,
        "photos": photos,
        "projects": projects,
        "can_edit": request.user.has_perm("places.edit_microspace", obj),
        "photo_form": photo_form or MicroSpacePhotoForm(),
        "map_data": {
            "centre": [float(obj.lat), float(obj.lng)] if point else None,
            "features": {"type": "FeatureCollection", "features": [point] if point else []},
            "plan": obj.compound.site_plan.url if obj.compound.site_plan else None,
            "plan_points": (
                [{"x": float(obj.plan_x), "y": float(obj.plan_y), "name": obj.name}]
                if obj.plan_x is not None and obj.plan_y is not None
                else []
            ),
        },
    }


@login_required
def microspace_create(request, compound_pk: int):
    compound_obj = get_visible(selectors.compounds_visible_to(request.user), pk=compound_pk)
    require(request.user, "places.edit_microspace", compound_obj, _("您无权登记该小区的小微空间"))
    form = MicroSpaceForm(request.POST or None, compound=compound_obj)
    return run_form(
        request,
        form,
        lambda d: services.microspace_create(actor=request.user, compound=compound_obj, **d),
        template="places/microspace_form.html",
        success=_("小微空间已登记"),
        redirect_to=lambda ms: reverse("places:microspace", args=[ms.pk]),
        context={"compound": compound_obj, "ms": None},
    )


@login_required
def microspace_edit(request, pk: int):
    obj = get_visible(
        selectors.microspaces_visible_to(request.user).select_related("compound"), pk=pk
    )
    require(request.user, "places.edit_microspace", obj, _("您无权修改该小微空间"))
    form = MicroSpaceForm(request.POST or None, instance=obj, compound=obj.compound)
    return run_form(
        request,
        form,
        lambda d: services.microspace_update(actor=request.user, microspace=obj, **d),
        template="places/microspace_form.html",
        success=_("小微空间已更新"),
        redirect_to=reverse("places:microspace", args=[obj.pk]),
        context={"compound": obj.compound, "ms": obj},
    )


@login_required
def facilities(request):
    qs = selectors.facilities_visible_to(request.user).select_related("street", "committee")
    kind = request.GET.get("kind", "")
    if kind in Facility.Kind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    street_id = request.GET.get("street", "")
    visible_streets = Street.objects.filter(
        id__in=selectors.committees_visible_to(request.user).values("street_id")
    ).order_by("name")
    if street_id.isdigit():
        qs = qs.filter(street_id=int(street_id))
    items = list(qs.order_by("street__name", "kind", "name")[:500])
    features = [
        _point(
            f.lat,
            f.lng,
            name=f.name,
            label=str(FACILITY_KIND_LABELS.get(f.kind, f.get_kind_display())),
            kind="facility",
        )
        for f in items
    ]
    return render(
        request,
        "places/facilities.html",
        {
            "facilities": items,
            "kinds": Facility.Kind.choices,
            "kind": kind,
            "streets": visible_streets,
            "street_id": int(street_id) if street_id.isdigit() else None,
            "map_data": {
                "centre": None,
                "features": {"type": "FeatureCollection", "features": [f for f in features if f]},
                "plan": None,
                "plan_points": [],
            },
        },
    )


@login_required
@require_POST
def microspace_photo_add(request, pk: int):
    obj = _get_microspace(request, pk)
    # 403 before the form is read (the service checks again): ADR 0002
    require(request.user, "places.edit_microspace", obj, _("您无权为该小微空间上传照片"))
    form = MicroSpacePhotoForm(request.POST, request.FILES)
    return run_form(
        request,
        form,
        lambda d: services.microspace_photo_add(actor=request.user, microspace=obj, **d),
        template="places/microspace.html",
        success=_("照片已上传"),
        redirect_to=reverse("places:microspace", args=[obj.pk]),
        context=lambda: _microspace_context(request, obj, photo_form=form),
    )
