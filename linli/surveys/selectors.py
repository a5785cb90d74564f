"""Scoped reads of surveys, the audience of a survey and a user's own response."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from linli.accounts.scopes import scopes_for
from linli.core.errors import ScopeError, ServiceError
from linli.places.models import Building, Flat, Household, Person
from linli.surveys.models import Response, Survey


def surveys_visible_to(user) -> QuerySet[Survey]:
    s = scopes_for(user)
    return (
        Survey.objects.filter(
            Q(committee_id__in=s.managed_committee_ids)
            | (Q(committee_id__in=s.visible_committee_ids) & ~Q(status=Survey.Status.DRAFT))
        )
        .select_related("committee", "compound", "building", "building__compound")
        .annotate(n_responses=Count("responses"))
    )


def audience_flats(survey: Survey) -> QuerySet[Flat]:
    if survey.scope == Survey.Scope.BUILDING:
        return Flat.objects.filter(building_id=survey.building_id)
    if survey.scope == Survey.Scope.COMPOUND:
        return Flat.objects.filter(building__compound_id=survey.compound_id)
    return Flat.objects.filter(building__compound__committee_id=survey.committee_id)


def audience_building_ids(survey: Survey) -> set[int]:
    if survey.scope == Survey.Scope.BUILDING:
        return {survey.building_id}
    if survey.scope == Survey.Scope.COMPOUND:
        return set(
            Building.objects.filter(compound_id=survey.compound_id).values_list("id", flat=True)
        )
    return set(
        Building.objects.filter(compound__committee_id=survey.committee_id).values_list(
            "id", flat=True
        )
    )


def paper_flats(user, survey: Survey) -> QuerySet[Flat]:
    """Flats whose questionnaires this user may enter: all (staff) or their buildings (leaders)."""
    flats = audience_flats(survey)
    if user.has_perm("places.manage_committee", survey.committee):
        return flats
    return flats.filter(building_id__in=scopes_for(user).led_building_ids)


def audience_households(survey: Survey) -> QuerySet[Household]:
    return Household.objects.filter(flat__in=audience_flats(survey)).select_related(
        "flat", "flat__building"
    )


def audience_people(survey: Survey) -> QuerySet[Person]:
    return Person.objects.filter(residencies__household__flat__in=audience_flats(survey)).distinct()


def audience_size(survey: Survey) -> int:
    if survey.unit == Survey.Unit.HOUSEHOLD:
        return audience_households(survey).count()
    return audience_people(survey).count()


def _first_household(flat_ids, survey: Survey) -> Household | None:
    return (
        audience_households(survey).filter(flat_id__in=flat_ids).order_by("flat_id", "id").first()
    )


def respondent_for_user(user, survey: Survey) -> tuple[str, Person | None, Household | None]:
    """Whom an online response by ``user`` counts for: (key, person, household)."""
    if not getattr(user, "is_authenticated", False):
        raise ServiceError("请先登录后再填写问卷", code="login_required", status=401)
    flat_ids = scopes_for(user).resident_flat_ids
    household = _first_household(flat_ids, survey) if flat_ids else None
    person = Person.objects.filter(user=user).first()
    if survey.unit == Survey.Unit.HOUSEHOLD:
        if household is None:
            raise ScopeError("您的住户不在本问卷的调查范围内")
        return f"household:{household.pk}", person, household
    if person is not None and audience_people(survey).filter(pk=person.pk).exists():
        return f"person:{person.pk}", person, household
    if household is None:
        raise ScopeError("您不在本问卷的调查范围内")
    return f"user:{user.pk}", person, household


def response_of(user, survey: Survey) -> Response | None:
    try:
        key, *_ = respondent_for_user(user, survey)
    except Exception:  # noqa: BLE001 - not in the audience: no response
        return None
    return Response.objects.filter(survey=survey, respondent_key=key).first()
