"""Named permission predicates for surveys."""

from __future__ import annotations

import rules

from linli.places.rules import can_manage_community, can_view_community


@rules.predicate
def survey_is_open(user, survey) -> bool:
    return survey is not None and survey.is_open()


@rules.predicate
def survey_is_draft(user, survey) -> bool:
    return survey is not None and survey.status == "draft"


@rules.predicate
def survey_is_closed(user, survey) -> bool:
    return survey is not None and survey.status == "closed"


@rules.predicate
def survey_not_draft(user, survey) -> bool:
    return survey is not None and survey.status != "draft"


@rules.predicate
def leads_building_in_audience(user, survey) -> bool:
    """Building leaders enter paper questionnaires collected in their own building(s)."""
    from linli.accounts.scopes import scopes_for
    from linli.surveys.selectors import audience_building_ids

    led = scopes_for(user).led_building_ids
    return bool(survey is not None and led and led & audience_building_ids(survey))


rules.add_perm(
    "surveys.view_survey", can_manage_community | (can_view_community & survey_not_draft)
)
rules.add_perm("surveys.create_survey", can_manage_community)
rules.add_perm("surveys.manage_survey", can_manage_community)
rules.add_perm("surveys.edit_questions", can_manage_community & survey_is_draft)
rules.add_perm("surveys.answer_survey", can_view_community & survey_is_open)
rules.add_perm(
    "surveys.enter_paper", (can_manage_community | leads_building_in_audience) & survey_is_open
)
rules.add_perm(
    # residents read the results once collection has ended, so they do not sway answers
    "surveys.view_results",
    can_manage_community | (can_view_community & survey_is_closed),
)
rules.add_perm("surveys.export_responses", can_manage_community)
