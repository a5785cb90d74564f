"""Step 6 pages: who sees what, unhappy paths with their status, the guard on the project
page, public case pages without login or personal data, pinned query counts."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from linli.evaluation import services
from linli.evaluation.models import Audit, Convention, Score
from linli.projects.models import Stage
from linli.projects.services import project_change_stage, project_create
from tests.evaluation.conftest import SCORES, png, put_in_stage, settle_books


def _post_scores(client, project, **extra):
    return client.post(reverse("evaluation:score", args=[project.pk]), {**SCORES, **extra})


def _done(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="满意")
    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    services.audit_close(
        actor=ev.auditor, audit=Audit.objects.get(project=ev.project), opinion="无问题"
    )
    settle_books(ev)
    return project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)


def test_staff_opens_and_resident_scores_once(client, ev):
    client.force_login(ev.staff)
    r = client.post(reverse("evaluation:open", args=[ev.project.pk]), {"meeting": ""})
    assert r.status_code == 302
    client.force_login(ev.resident)
    page = client.get(reverse("evaluation:project", args=[ev.project.pk]))
    assert page.status_code == 200 and "提交评分" in page.content.decode()
    assert _post_scores(client, ev.project).status_code == 302
    again = _post_scores(client, ev.project)
    assert again.status_code in (302, 409)
    assert Score.objects.count() == 1
    assert (
        "您已评分"
        in client.get(reverse("evaluation:project", args=[ev.project.pk])).content.decode()
    )


def test_bad_score_is_400_and_writes_nothing(client, ev):
    services.evaluation_open(actor=ev.staff, project=ev.project)
    client.force_login(ev.resident)
    r = _post_scores(client, ev.project, cost="9")
    assert r.status_code == 400
    assert not Score.objects.exists()


def test_paper_score_by_resident_is_403(client, ev):
    services.evaluation_open(actor=ev.staff, project=ev.project)
    client.force_login(ev.resident)
    r = client.post(
        reverse("evaluation:paper_score", args=[ev.project.pk]),
        {**SCORES, "sheet_no": "1", "participant": "王"},
    )
    assert r.status_code == 403
    assert not Score.objects.exists()


def test_evaluator_sees_only_the_assigned_project(client, ev, world):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.satisfaction_survey_create(actor=ev.staff, evaluation=evaluation)
    other = put_in_stage(
        project_create(actor=ev.staff, committee=world.committee_a, title="另一个项目"),
        Stage.EVALUATION,
    )
    services.evaluation_open(actor=ev.staff, project=other)
    client.force_login(ev.evaluator)
    assert client.get(reverse("evaluation:project", args=[ev.project.pk])).status_code == 404
    client.force_login(ev.staff)
    r = client.post(
        reverse("evaluation:evaluator_assign", args=[ev.project.pk]),
        {"mobile": ev.evaluator.mobile, "organisation": "第三方评估中心"},
    )
    assert r.status_code == 302
    client.force_login(ev.evaluator)
    page = client.get(reverse("evaluation:project", args=[ev.project.pk]))
    assert page.status_code == 200 and "开始调查" in page.content.decode()
    r = client.post(reverse("evaluation:survey_status", args=[ev.project.pk]), {"status": "open"})
    assert r.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.survey.status == "open"
    assert client.get(reverse("evaluation:survey_results", args=[ev.project.pk])).status_code == 200
    # nothing else: another project, its audit, the committee's project pages
    assert client.get(reverse("evaluation:project", args=[other.pk])).status_code == 404
    assert client.get(reverse("evaluation:audit", args=[ev.project.pk])).status_code == 404
    assert client.get(reverse("projects:detail", args=[ev.project.pk])).status_code in (403, 404)
    assert client.get(reverse("surveys:results", args=[evaluation.survey_id])).status_code in (
        403,
        404,
    )


def test_assign_unknown_mobile_is_400(client, ev):
    services.evaluation_open(actor=ev.staff, project=ev.project)
    client.force_login(ev.staff)
    r = client.post(
        reverse("evaluation:evaluator_assign", args=[ev.project.pk]),
        {"mobile": "13000000000", "organisation": "x"},
    )
    assert r.status_code == 400 and "找不到该手机号" in r.content.decode()


def test_auditor_reads_books_and_other_project_is_404(client, ev, world):
    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    other = project_create(actor=ev.staff, committee=world.committee_a, title="未委托项目")
    client.force_login(ev.auditor)
    books = client.get(reverse("evaluation:audit_books", args=[ev.project.pk]))
    assert books.status_code == 200 and ev.entry.number in books.content.decode()
    assert client.get(reverse("evaluation:audit_books", args=[other.pk])).status_code == 404
    assert client.get(reverse("evaluation:audit", args=[other.pk])).status_code == 404
    assert client.get(reverse("funding:plan", args=[ev.project.pk])).status_code in (403, 404)
    r = client.post(
        reverse("evaluation:finding_add", args=[ev.project.pk]),
        {
            "severity": "high",
            "title": "支出无发票",
            "text": "第1笔支出未附发票",
            "entry": ev.entry.pk,
        },
    )
    assert r.status_code == 302
    r = client.post(reverse("evaluation:audit_close", args=[ev.project.pk]), {"opinion": "同意"})
    assert r.status_code == 409 and "未获居委会答复" in r.content.decode()


def test_guard_through_the_project_page(client, ev):
    client.force_login(ev.staff)
    url = reverse("projects:change_stage", args=[ev.project.pk])
    r = client.post(url, {"to_stage": "done", "note": ""})
    assert r.status_code == 409
    assert "尚未组织项目评议" in r.content.decode()
    ev.project.refresh_from_db()
    assert ev.project.stage == Stage.EVALUATION
    detail = client.get(reverse("projects:detail", args=[ev.project.pk])).content.decode()
    assert "跟踪评议与审计" in detail  # the section
    assert "账目中尚有凭证未确认入账" in detail  # a checklist line


def test_public_case_pages_without_login_and_without_personal_data(client, ev):
    services.photo_add(actor=ev.staff, project=ev.project, kind="before", image=png())
    services.photo_add(actor=ev.staff, project=ev.project, kind="after", image=png())
    case = services.case_save(
        actor=ev.staff, project=ev.project, project_type="garage", problem="乱停车、乱充电",
        upkeep="车库巡保队每日巡查",
    )  # fmt: skip
    photo = ev.project.pk  # noqa: F841
    assert client.get(reverse("evaluation:case", args=[case.pk])).status_code == 404
    _done(ev)
    services.case_publish(actor=ev.staff, case=case)
    listing = client.get(reverse("evaluation:cases"))
    assert listing.status_code == 200 and ev.project.title in listing.content.decode()
    page = client.get(reverse("evaluation:case", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "改造前后" in text and "人次" in text
    for private in ("张建国", "李秀英", ev.resident.mobile, ev.auditor.name, "会计老李"):
        assert private not in text
    from linli.evaluation.models import ProjectPhoto

    p = ProjectPhoto.objects.filter(project=ev.project).first()
    assert client.get(reverse("evaluation:photo", args=[p.pk])).status_code == 200
    filtered = client.get(reverse("evaluation:cases") + "?type=garden")
    assert ev.project.title not in filtered.content.decode()
    year = timezone.localdate().year
    assert (
        ev.project.title
        in client.get(reverse("evaluation:cases") + f"?year={year}").content.decode()
    )


def test_case_export_xlsx(client, ev):
    case = services.case_save(
        actor=ev.staff, project=ev.project, project_type="garage", problem="x"
    )
    _done(ev)
    services.case_publish(actor=ev.staff, case=case)
    r = client.get(reverse("evaluation:cases_export"))
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "项目" and rows[1][0] == ev.project.title and rows[1][3] == "车库/停车"
    assert rows[1][6] == 1000.0


def test_photo_of_unpublished_project_is_404_for_anonymous(client, ev):
    p = services.photo_add(actor=ev.staff, project=ev.project, kind="before", image=png())
    assert client.get(reverse("evaluation:photo", args=[p.pk])).status_code == 404


def test_report_pdf(client, ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    client.force_login(ev.staff)
    r = client.get(reverse("evaluation:report", args=[ev.project.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    client.force_login(ev.resident)
    assert client.get(reverse("evaluation:report", args=[ev.project.pk])).status_code == 403


@pytest.fixture
def convention(world):
    from linli.deliberation.services import meeting_create

    meeting = meeting_create(
        actor=world.users.staff_a, committee=world.committee_a, kind="building",
        title="5号楼楼组会议", convener="committee", starts_at=timezone.now(), expected_count=5,
    )  # fmt: skip
    c = services.convention_draft(
        actor=world.users.staff_a, committee=world.committee_a, title="5号楼楼组公约",
        text="一、楼道不堆物。", scope="building", building=world.building_a,
    )  # fmt: skip
    return services.convention_adopt(
        actor=world.users.staff_a,
        convention=c,
        meeting=meeting,
        in_force_from=datetime.date.today(),
    )


def test_resident_endorses_from_the_convention_page_twice_is_harmless(client, world, convention):
    client.force_login(world.users.resident_a)
    home = client.get(reverse("places:my_home")).content.decode()
    assert "5号楼楼组公约" in home and "本户未签署" in home
    url = reverse("evaluation:convention", args=[convention.pk])
    assert "本户签署" in client.get(url).content.decode()
    assert (
        client.post(reverse("evaluation:convention_endorse", args=[convention.pk])).status_code
        == 302
    )
    assert (
        client.post(reverse("evaluation:convention_endorse", args=[convention.pk])).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert convention.endorsements.count() == 1
    assert "1 <small>/ 2 户已签署" in page
    assert "本户已签署" in client.get(reverse("places:my_home")).content.decode()


def test_other_committee_resident_cannot_see_or_endorse(client, world, convention):
    client.force_login(world.users.resident_b)
    assert client.get(reverse("evaluation:convention", args=[convention.pk])).status_code == 404
    r = client.post(reverse("evaluation:convention_endorse", args=[convention.pk]))
    assert r.status_code == 404 and not convention.endorsements.exists()


def test_staff_enters_paper_sheet_and_prints_poster(client, world, convention):
    from linli.places.models import Household

    client.force_login(world.users.staff_a)
    h = Household.objects.get(flat=world.flat_a2)
    r = client.post(
        reverse("evaluation:convention_paper", args=[convention.pk]), {"households": [h.pk]}
    )
    assert r.status_code == 302 and convention.endorsements.get().channel == "paper"
    outside = Household.objects.get(flat=world.flat_b)
    r = client.post(
        reverse("evaluation:convention_paper", args=[convention.pk]), {"households": [outside.pk]}
    )
    assert r.status_code == 400 and convention.endorsements.count() == 1
    pdf = client.get(reverse("evaluation:convention_poster", args=[convention.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_draft_convention_hidden_from_residents(client, world):
    c = services.convention_draft(
        actor=world.users.staff_a, committee=world.committee_a, title="草案公约", text="x",
        scope="building", building=world.building_a,
    )  # fmt: skip
    client.force_login(world.users.resident_a)
    assert client.get(reverse("evaluation:convention", args=[c.pk])).status_code == 404


def test_new_convention_form_validates(client, world):
    client.force_login(world.users.staff_a)
    r = client.post(
        reverse("evaluation:convention_new"),
        {"committee": world.committee_a.pk, "title": "t", "text": "x", "scope": "building"},
    )
    assert r.status_code == 400 and "请选择楼栋" in r.content.decode()
    assert not Convention.objects.exists()
    client.force_login(world.users.resident_a)
    assert client.get(reverse("evaluation:convention_new")).status_code == 403


def test_transparency_page_shows_audit_status(client, ev):
    client.force_login(ev.resident)
    url = reverse("funding:public", args=[ev.project.pk])
    assert "尚未开展审计" in client.get(url).content.decode()
    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    assert "审计进行中" in client.get(url).content.decode()
    services.audit_close(
        actor=ev.auditor, audit=Audit.objects.get(project=ev.project), opinion="无问题"
    )
    assert "审计已结束" in client.get(url).content.decode()


# ---------------------------------------------------------------- pinned query counts


def _many_conventions(world, n):
    for i in range(n):
        services.convention_draft(
            actor=world.users.staff_a, committee=world.committee_a, title=f"公约{i}", text="x",
            scope="building", building=world.building_a,
        )  # fmt: skip


@pytest.mark.parametrize("n", [1, 12])
def test_conventions_list_query_count(client, world, n, django_assert_max_num_queries):
    _many_conventions(world, n)
    client.force_login(world.users.staff_a)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("evaluation:conventions"))
    assert r.status_code == 200 and r.content.decode().count("公约0") == 1


@pytest.mark.parametrize("n", [1, 6])
def test_index_query_count(client, world, n, django_assert_max_num_queries):
    for i in range(n):
        p = put_in_stage(
            project_create(
                actor=world.users.staff_a, committee=world.committee_a, title=f"项目{i}"
            ),
            Stage.EVALUATION,
        )
        services.evaluation_open(actor=world.users.staff_a, project=p)
        from tests.factories import make_user

        services.auditor_assign(
            actor=world.users.staff_a, project=p, user=make_user(None, None), organisation="所"
        )
    client.force_login(world.users.staff_a)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("evaluation:index"))
    assert r.status_code == 200 and r.content.decode().count("项目0") == 2


@pytest.mark.parametrize("n", [1, 5])
def test_cases_list_query_count(client, world, n, django_assert_max_num_queries):
    from linli.evaluation.models import Case

    for i in range(n):
        p = put_in_stage(
            project_create(
                actor=world.users.staff_a, committee=world.committee_a, title=f"案例{i}"
            ),
            Stage.DONE,
        )
        Case.objects.create(
            project=p, project_type="garden", problem="x", published_at=timezone.now()
        )
    with django_assert_max_num_queries(8):
        r = client.get(reverse("evaluation:cases"))
    assert r.status_code == 200 and r.content.decode().count("案例0") == 1
