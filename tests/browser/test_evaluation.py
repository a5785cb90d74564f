"""Step 6 in a real browser, from 评议 to 完成 by the roles: staff organise the evaluation and
publish the completion notice, a resident scores and endorses the garage convention on a
phone, the third-party evaluator runs the satisfaction survey, the auditor reads the books
and raises a finding that staff answer, the guard holds the project until the ledger is
settled, and the published case is read without login."""

from __future__ import annotations

import datetime

from django.utils import timezone

from linli.evaluation import services
from linli.evaluation.models import Audit, Case, Endorsement, Evaluation, Score
from linli.places.models import MicroSpace
from linli.projects.models import Stage
from tests.browser.conftest import log_in as login_page
from tests.browser.conftest import shot
from tests.evaluation.conftest import ev, png, settle_books  # noqa: F401  (fixture)


def _garage_convention(e):
    from linli.deliberation.services import meeting_create

    w = e.world
    garage = MicroSpace.objects.create(compound=w.compound_a, name="非机动车库", kind="bike_garage")
    meeting = meeting_create(
        actor=e.staff, committee=w.committee_a, kind="operations", title="车库运维商议会",
        convener="committee", starts_at=timezone.now(), expected_count=10, project=e.project,
    )  # fmt: skip
    c = services.convention_draft(
        actor=e.staff, committee=w.committee_a, title="开鲁一村车库停车公约",
        text="一、车辆按序停放。\n二、严禁飞线充电。\n三、巡保队每日巡查。", scope="microspace",
        microspace=garage, project=e.project,
    )  # fmt: skip
    return services.convention_adopt(
        actor=e.staff, convention=c, meeting=meeting, in_force_from=datetime.date.today()
    )


def test_from_evaluation_to_done_by_the_roles(
    transactional_db,
    ev,  # noqa: F811  (the fixture imported above)
    desktop,
    phone,
    live_server,
    tmp_path,  # noqa: F811
):
    project = ev.project
    convention = _garage_convention(ev)

    # staff organise the evaluation, the survey, the evaluator, photos
    login_page(desktop, live_server, ev.staff)
    desktop.goto(f"/evaluation/projects/{project.pk}/")
    desktop.get_by_role("button", name="组织评议").click()
    desktop.locator("#evaluation-status", has_text="评议中").wait_for()
    desktop.get_by_role("button", name="发起满意度调查（标准问卷，每户一份）").click()
    desktop.locator("#survey-status", has_text="草稿").wait_for()
    desktop.get_by_text("委托第三方评估人").click()
    desktop.fill("#evaluator-form #id_mobile", ev.evaluator.mobile)
    desktop.fill("#evaluator-form #id_organisation", "上海城市更新第三方评估中心")
    desktop.get_by_role("button", name="委托", exact=True).click()
    desktop.locator("#evaluators", has_text="上海城市更新第三方评估中心").wait_for()
    for kind, color in (("before", (90, 90, 90)), ("after", (60, 160, 90))):
        path = tmp_path / f"{kind}.png"
        path.write_bytes(png(color=color).read())
        desktop.goto(f"/evaluation/projects/{project.pk}/photos/")
        desktop.select_option("#id_kind", kind)
        desktop.set_input_files("#id_image", str(path))
        desktop.fill("#id_caption", "改造前" if kind == "before" else "改造后")
        desktop.get_by_role("button", name="上传").click()
        desktop.locator(".before-after img").first.wait_for()
    shot(desktop, "evaluation-staff-photos")

    # a resident scores and endorses the garage convention on a phone
    login_page(phone, live_server, ev.resident)
    phone.goto(f"/evaluation/projects/{project.pk}/")
    for criterion, value in (
        ("need", 5),
        ("quality", 4),
        ("cost", 4),
        ("process", 5),
        ("upkeep", 3),
    ):
        phone.locator(f"#score-form input[name={criterion}][value='{value}']").check()
    shot(phone, "evaluation-phone-score-form")
    phone.get_by_role("button", name="提交评分").click()
    phone.locator("#my-score").wait_for()
    assert Score.objects.get().values()["upkeep"] == 3
    phone.goto(f"/evaluation/conventions/{convention.pk}/")
    assert "0 / 2 户已签署" in phone.locator("#endorse-figure").inner_text().replace("\n", " ")
    shot(phone, "evaluation-phone-convention")
    phone.get_by_role("button", name="本户签署").click()
    phone.locator("#endorsed-mine").wait_for()
    assert "1 / 2 户已签署" in phone.locator("#endorse-figure").inner_text()
    phone.goto(f"/evaluation/conventions/{convention.pk}/")  # endorsing again is not offered
    assert phone.locator("#endorse-button").count() == 0
    assert Endorsement.objects.count() == 1
    shot(phone, "evaluation-phone-convention-endorsed")

    # the third-party evaluator runs the survey of this project
    login_page(desktop, live_server, ev.evaluator)
    desktop.goto(f"/evaluation/projects/{project.pk}/")
    desktop.get_by_role("button", name="开始调查").click()
    desktop.locator("#survey-status", has_text="收集中").wait_for()
    desktop.get_by_role("button", name="结束调查").click()
    desktop.locator("#survey-status", has_text="已结束").wait_for()
    desktop.goto(f"/evaluation/projects/{project.pk}/survey/results/")
    desktop.locator("#response-count").wait_for()
    shot(desktop, "evaluation-evaluator-survey-results")
    assert desktop.goto(f"/projects/{project.pk}/").status in (403, 404)

    # staff assign the auditor; the auditor reads the books and raises a finding
    login_page(desktop, live_server, ev.staff)
    desktop.goto(f"/evaluation/projects/{project.pk}/audit/")
    desktop.fill("#auditor-form #id_mobile", ev.auditor.mobile)
    desktop.fill("#auditor-form #id_organisation", "上海立达会计师事务所")
    desktop.get_by_role("button", name="委托", exact=True).click()
    desktop.locator("#audit-status", has_text="审计进行中").wait_for()
    login_page(desktop, live_server, ev.auditor)
    desktop.goto(f"/evaluation/projects/{project.pk}/audit/books/")
    assert ev.entry.number in desktop.locator("#entries").inner_text()
    shot(desktop, "evaluation-auditor-books")
    desktop.goto(f"/evaluation/projects/{project.pk}/audit/")
    desktop.select_option("#id_severity", "medium")
    desktop.fill("#id_title", "收款凭证未附收据照片")
    desktop.fill("#id_text", "JZ凭证只有记账，未附基金会的收据照片。")
    desktop.get_by_role("button", name="提出").click()
    desktop.locator(".finding", has_text="收款凭证未附收据照片").wait_for()
    desktop.fill("#id_opinion", "同意结项")
    desktop.get_by_role("button", name="出具审计意见并结束审计").click()
    assert "未获居委会答复" in desktop.content()
    login_page(desktop, live_server, ev.staff)
    desktop.goto(f"/evaluation/projects/{project.pk}/audit/")
    desktop.locator(".finding textarea").fill("已补附收据照片，见凭证附件。")
    desktop.get_by_role("button", name="记录答复").click()
    desktop.locator(".finding .response").wait_for()
    login_page(desktop, live_server, ev.auditor)
    desktop.goto(f"/evaluation/projects/{project.pk}/audit/")
    desktop.fill("#id_opinion", "资金收支凭证齐全，账实相符，同意结项。")
    desktop.get_by_role("button", name="出具审计意见并结束审计").click()
    desktop.locator("#opinion-text").wait_for()
    shot(desktop, "evaluation-auditor-closed")
    assert Audit.objects.get().status == "closed"

    # staff publish the completion notice and close the evaluation
    login_page(desktop, live_server, ev.staff)
    desktop.goto(f"/evaluation/projects/{project.pk}/")
    desktop.get_by_role("button", name="发布完工公示（附决算和前后照片）").click()
    desktop.locator("#notice-status", has_text="公示中").wait_for()
    assert "决算" in desktop.content()
    desktop.goto(f"/evaluation/projects/{project.pk}/")
    desktop.fill("#id_conclusion", "居民总体满意，车库整洁安全；建议巡保队按公约做好日常管理。")
    desktop.get_by_role("button", name="完成评议").click()
    desktop.locator("#evaluation-status", has_text="评议已完成").wait_for()
    shot(desktop, "evaluation-staff-closed")
    assert Evaluation.objects.get().status == "closed"

    # the guard: the voucher is still waiting for the cashier and the supervisor
    desktop.goto(f"/projects/{project.pk}/")
    desktop.get_by_role("button", name="进入“完成”").click()
    assert "未确认入账或未经监事审核" in desktop.content()
    shot(desktop, "evaluation-guard-blocked")
    project.refresh_from_db()
    assert project.stage == Stage.EVALUATION
    settle_books(ev)
    desktop.goto(f"/projects/{project.pk}/")
    desktop.get_by_role("button", name="进入“完成”").click()
    desktop.wait_for_load_state()
    project.refresh_from_db()
    assert project.stage == Stage.DONE

    # the case: edited, published, read on a phone without login
    desktop.goto(f"/evaluation/projects/{project.pk}/case/")
    desktop.select_option("#id_project_type", "garage")
    desktop.fill("#id_problem", "车库乱停车、飞线充电，有人看但无人管。")
    desktop.fill("#id_upkeep", "车库巡保队每日巡查保洁，按停车公约管理。")
    desktop.get_by_role("button", name="保存").click()
    desktop.get_by_role("button", name="公开案例").click()
    desktop.wait_for_load_state()
    assert Case.objects.get().published_at is not None
    phone.context.clear_cookies()
    phone.goto("/evaluation/cases/")
    phone.get_by_role("link", name=project.title).click()
    phone.locator("#before-after img").first.wait_for()
    text = phone.locator("main").inner_text() if phone.locator("main").count() else phone.content()
    assert "开鲁一村车库停车公约" in text and "人次" in text
    assert ev.resident.name not in phone.content()
    shot(phone, "evaluation-phone-public-case")
