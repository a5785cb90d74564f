"""Step 6 of the demo cases as real records, made through linli.evaluation's services.

* 市光四村 smart garage: before/after photos, the 停车公约 (drafted, discussed, adopted at a
  运维商议会, endorsed online by three resident logins and on the paper sign sheet by most
  households), the 评议会 with online and paper scores, the third-party satisfaction survey
  (paper questionnaires entered by staff, run by the evaluator login), the completion 公示
  with the final accounts, the audit with a finding, the committee's answer and the closing
  opinion, then 评议 → 完成 through the stage guards and a published case;
* 明丰苑 馨丽园 (in 评议): an open evaluation with paper scores and a draft case;
* 安顺苑 5号楼: the 楼组改造公约, so the resident login sees it on the home page.

A stage guard of another step that refuses a move is reported and the project stays where
it is (as in :mod:`linli.demo.projects`). Hooked into ``DemoBuilder.build`` with one statement.
"""

from __future__ import annotations

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

EVALUATOR_MOBILE = "13800000051"
AUDITOR_MOBILE = "13800000052"
GARAGE_RESIDENTS = ("13800000053", "13800000054", "13800000055")

PARKING_CONVENTION = """一、非机动车一律停入车库划定车位，按序停放，不占通道、不占消防通道。
二、电动自行车只在智能充电桩充电，严禁私拉电线“飞线充电”，严禁电瓶带回家中充电。
三、长期不用的车辆请主动清理；连续三个月无人认领的车辆由车库巡保队登记后公示处理。
四、车库巡保队每天定时巡查和保洁，发现问题据实记录并反馈物业公司。
五、停车费、充电费按BOT合同公示的标准收取，收支每半年在公告栏公开一次。
六、本公约经居民讨论、运维商议会通过，由各户签署后共同遵守。"""

CORRIDOR_CONVENTION = """一、楼道内不堆放杂物，不停放自行车、电动车。
二、楼道公共照明、扶手、信报箱等设施大家爱护，损坏及时报修。
三、楼道自治管理小组每月组织一次楼道清洁日，各户轮流参加。
四、楼道改造资金的收支由小组财务会计记账、出纳确认、监事审核，按月公开。"""


def _img(name: str, before: bool, seed: int) -> SimpleUploadedFile:
    """A schematic photo (no real photos ship with the demo): clutter before, rows after."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    im = Image.new("RGB", (640, 420), (96, 96, 96) if before else (225, 236, 228))
    d = ImageDraw.Draw(im)
    if before:
        for _ in range(60):
            x, y = rng.randint(0, 600), rng.randint(40, 400)
            d.rectangle([x, y, x + rng.randint(20, 60), y + rng.randint(8, 20)],
                        fill=(rng.randint(40, 140),) * 3)  # fmt: skip
        for _ in range(8):
            d.line([rng.randint(0, 640), 0, rng.randint(0, 640), 420], fill=(30, 30, 30), width=2)
    else:
        d.rectangle([0, 0, 640, 40], fill=(27, 94, 32))
        for row in range(4):
            for col in range(12):
                x, y = 20 + col * 50, 70 + row * 85
                d.rectangle([x, y, x + 30, y + 60], fill=(60, 120, 200))
            d.rectangle([10, 140 + row * 85, 630, 146 + row * 85], fill=(250, 200, 40))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _account(mobile: str, name: str, password_hash: str, *, role=None, scope=None, person=None):
    from linli.accounts.models import User
    from linli.accounts.services import role_assign, user_create
    from linli.places.models import Person

    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = user_create(actor=None, mobile=mobile, name=name)
    user.password = password_hash
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    if role is not None and not user.roles.filter(role=role).exists():
        role_assign(actor=None, user=user, role=role, scope=scope)
    if person is not None:
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        Person.objects.filter(pk=person.pk).update(user=user)
    return user


def _staff_of(logins, committee):
    from linli.accounts.models import Role

    return next(
        x["user"]
        for x in logins
        if x["role"] == Role.COMMITTEE_STAFF and getattr(x["scope"], "pk", None) == committee.pk
    )


def _project(projects, fragment):
    return next(p for p in projects if fragment in p.title)


def _move(builder, staff, project, to_stage, note) -> bool:
    from linli.core.errors import ServiceError
    from linli.projects.services import project_change_stage

    try:
        project_change_stage(actor=staff, project=project, to_stage=to_stage, note=note)
    except ServiceError as exc:
        builder.log(f"  ！{project.title} 未能进入“{to_stage}”：{exc.message}")
        return False
    project.refresh_from_db()
    return True


def _meeting(staff, committee, project, kind, title, when, names, location):
    from linli.deliberation import services as ds

    m = ds.meeting_create(
        actor=staff, committee=committee, kind=kind, title=title, convener="committee",
        starts_at=when, expected_count=max(len(names), 5), project=project, location=location,
    )  # fmt: skip
    for name, note in names:
        ds.meeting_sign_in(actor=staff, meeting=m, name=name, note=note)
    return m


def _households(convention):
    from linli.evaluation.selectors import scope_households

    return list(scope_households(convention).select_related("flat").order_by("flat_id", "id"))


def _garage(builder, logins, projects, password_hash, rng, counts) -> None:
    from linli.accounts.models import Role
    from linli.evaluation import services as es
    from linli.evaluation.models import Audit
    from linli.surveys import services as ss

    refs = builder.case_refs["shiguang"]
    committee = refs["committee"]
    project = _project(projects, "BOT")
    staff = _staff_of(logins, committee)
    garage = refs["microspaces"]["非机动车库"]
    heads = sorted(refs["heads"].items(), key=lambda kv: kv[0])
    names = [(p.name, f"{b}{r}") for (b, r), p in heads]

    for i, (kind, caption) in enumerate(
        [
            ("before", "改造前：乱停乱放、飞线充电"),
            ("before", "改造前：僵尸车占道"),
            ("after", "改造后：智能车库按序停放"),
            ("after", "改造后：智能充电桩"),
        ]  # fmt: skip
    ):
        es.photo_add(actor=staff, project=project, kind=kind, caption=caption,
                     image=_img(f"garage-{i}.png", kind == "before", i))  # fmt: skip
        counts["photos"] += 1

    # 停车公约: drafted, discussed, adopted at the 运维商议会, endorsed by households
    residents = []
    for mobile, ((b, r), person) in zip(GARAGE_RESIDENTS, heads[:3], strict=False):
        residents.append(
            _account(
                mobile,
                person.name,
                password_hash,
                role=Role.RESIDENT,
                scope=refs["flats"][(b, r)],
                person=person,
            )  # fmt: skip
        )
    convention = es.convention_draft(
        actor=staff, committee=committee, title="市光四村睦邻车库停车公约",
        text=PARKING_CONVENTION, scope="microspace", microspace=garage, project=project,
    )  # fmt: skip
    es.convention_discuss(actor=staff, convention=convention,
                          note="居民微信群征求意见两周，收到建议17条，采纳“充电时段”等5条")  # fmt: skip
    ops = _meeting(staff, committee, project, "operations", "市光四村睦邻车库运维商议会",
                   timezone.make_aware(datetime.datetime(2019, 1, 20, 14)), names[:18],
                   "市光四村第三居委会会议室")  # fmt: skip
    convention = es.convention_adopt(
        actor=staff, convention=convention, meeting=ops, in_force_from=datetime.date(2019, 2, 1)
    )
    counts["conventions"] += 1
    for user in residents:
        es.endorse_online(actor=user, convention=convention)
        counts["endorsements"] += 1
    households = _households(convention)
    sheet = [h for h in households if rng.random() < 0.72]
    for start in range(0, len(sheet), 400):
        counts["endorsements"] += es.endorse_paper(
            actor=staff, convention=convention, households=sheet[start : start + 400]
        )

    # audit: a finding, the committee's answer, the closing opinion
    auditor = _account(AUDITOR_MOBILE, "吴敏（审计）", password_hash)
    es.auditor_assign(actor=staff, project=project, user=auditor,
                      organisation="上海立达会计师事务所")  # fmt: skip
    audit = Audit.objects.get(project=project)
    finding = es.finding_add(
        actor=auditor, audit=audit, severity="medium", title="BOT收益分成台账未按半年公开",
        text="BOT合同约定的停车费、充电费收支应每半年在公告栏公开，2019年下半年的台账未见公开记录。",
    )  # fmt: skip
    es.finding_respond(actor=staff, finding=finding,
                       response="已补充公开2019年下半年收支台账，并在公约第五条写明每半年公开。")  # fmt: skip
    es.audit_close(actor=auditor, audit=audit,
                   opinion="项目资金收支凭证齐全，账实相符；BOT收益公开问题已整改。同意结项。")  # fmt: skip
    counts["audits"] += 1

    # the evaluation needs the project in 验收与运维 or 评议 (step 5 brings it there)
    if project.stage == "implementation":
        _move(builder, staff, project, "acceptance", "2019年1月 车库建成验收")
    if project.stage not in es.EVALUATION_STAGES:
        builder.log(f"  ！{project.title} 停在“{project.get_stage_display()}”，未组织评议")
    else:
        # 评议会 with online and paper scores
        evaluation = es.evaluation_open(actor=staff, project=project)
        meeting = _meeting(staff, committee, project, "evaluation", "市光四村睦邻车库项目评议会",
                           timezone.make_aware(datetime.datetime(2019, 12, 14, 9, 30)), names[3:25],
                           "市光四村睦邻车库")  # fmt: skip
        es.evaluation_set_meeting(actor=staff, evaluation=evaluation, meeting=meeting)
        for user in residents:
            es.score_submit(actor=user, evaluation=evaluation,
                            scores={"need": 5, "quality": 5, "cost": 4, "process": 5, "upkeep": 4},
                            comment="车库整洁了，充电也安全了")  # fmt: skip
            counts["scores"] += 1
        for i, (name, _room) in enumerate(names[3:21], 1):
            scores = {c: min(5, max(2, round(rng.gauss(mu, 0.7))))
                      for c, mu in (("need", 4.6), ("quality", 4.3), ("cost", 4.0),
                                    ("process", 4.4), ("upkeep", 3.9))}  # fmt: skip
            es.score_enter_paper(actor=staff, evaluation=evaluation, sheet_no=f"PY-{i:02d}",
                                 participant=name, scores=scores)  # fmt: skip
            counts["scores"] += 1

        # satisfaction survey run by the third-party evaluator; paper questionnaires by staff
        evaluator = _account(EVALUATOR_MOBILE, "周博（第三方评估）", password_hash)
        es.evaluator_assign(actor=staff, project=project, user=evaluator,
                            organisation="上海城市更新第三方评估中心")  # fmt: skip
        survey = es.satisfaction_survey_create(actor=staff, evaluation=evaluation)
        es.satisfaction_survey_set_status(actor=evaluator, evaluation=evaluation, status="open")
        questions = list(survey.questions.order_by("position"))
        for h in [h for h in households if rng.random() < 0.35][:80]:
            answers = {}
            for q in questions:
                if q.kind == "rating":
                    answers[q.pk] = min(5, max(1, round(rng.gauss(4.3, 0.8))))
                elif q.kind == "single":
                    answers[q.pk] = rng.choices(q.options, weights=[5, 3, 1])[0]
            ss.response_submit(actor=staff, survey=survey, answers=answers, channel="paper",
                               household=h)  # fmt: skip
            counts["survey_responses"] += 1
        es.satisfaction_survey_set_status(actor=evaluator, evaluation=evaluation, status="closed")

        # completion notice with the final accounts and before/after photos
        es.completion_notice_publish(actor=staff, evaluation=evaluation,
                                     boards="市光四村睦邻车库入口\n第三居委会宣传栏")  # fmt: skip
        counts["notices"] += 1

        es.evaluation_close(
            actor=staff, evaluation=evaluation,
            conclusion="居民对车库改造总体满意，安全隐患消除；建议巡保队继续按公约做好日常管理。",
        )  # fmt: skip
        counts["evaluations"] += 1

    case = es.case_save(
        actor=staff, project=project, project_type="garage",
        problem="原非机动车库乱停车、乱充电、有人看但无人管，存在严重安全隐患；僵尸车占了一半车位。",
        upkeep="BOT：前5年企业收费回本，后5年与业委会分成，10年后充电设备归全体业主；"
        "志愿者“车库巡保队”每天巡查保洁，按停车公约管理。",
        lessons="引入社会资本解决资金难题；公约和巡保队让“建”之后有人“管”。",
    )  # fmt: skip
    if project.stage == "acceptance":
        _move(builder, staff, project, "evaluation", "2019年12月 评议会召开，第三方满意度调查")
    if project.stage == "evaluation" and _move(
        builder, staff, project, "done", "2020年1月 评议、审计完成，项目结项"
    ):
        es.case_publish(actor=staff, case=case)
        counts["cases_published"] += 1


def _mingfeng(builder, logins, projects, rng, counts) -> None:
    from linli.evaluation import services as es

    refs = builder.case_refs["mingfeng"]
    project = _project(projects, "馨丽园")
    staff = _staff_of(logins, refs["committee"])
    if project.stage not in ("acceptance", "evaluation"):
        return
    evaluation = es.evaluation_open(actor=staff, project=project)
    heads = sorted(refs["heads"].items(), key=lambda kv: kv[0])[:12]
    for i, (_key, person) in enumerate(heads, 1):
        scores = {c: min(5, max(3, round(rng.gauss(4.5, 0.5))))
                  for c in ("need", "quality", "cost", "process", "upkeep")}  # fmt: skip
        es.score_enter_paper(actor=staff, evaluation=evaluation, sheet_no=f"XL-{i:02d}",
                             participant=person.name, scores=scores)  # fmt: skip
        counts["scores"] += 1
    counts["evaluations"] += 1
    es.case_save(
        actor=staff, project=project, project_type="garden",
        problem="约300平方米的花园废弃近20年，杂草丛生，夏天“蚊满为患”。",
        upkeep="花友会认领花坛，居民轮流养护。",
    )  # fmt: skip


def _anshun(builder, logins, projects, counts) -> None:
    from linli.deliberation.models import Meeting
    from linli.evaluation import services as es

    refs = builder.case_refs["anshun"]
    staff = _staff_of(logins, refs["committee"])
    project = next((p for p in projects if "睦邻客厅" in p.title), None)
    meeting = (
        Meeting.objects.filter(committee=refs["committee"], project=project)
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        return
    convention = es.convention_draft(
        actor=staff, committee=refs["committee"], title="安顺苑5号楼楼组改造公约",
        text=CORRIDOR_CONVENTION, scope="building", building=refs["buildings"]["5号楼"],
        project=project,
    )  # fmt: skip
    es.convention_adopt(actor=staff, convention=convention, meeting=meeting,
                        in_force_from=datetime.date(2019, 9, 1))  # fmt: skip
    counts["conventions"] += 1
    # the paper sheet signed at the 楼组会议: every household but the resident login's own,
    # which endorses online from the home page
    from linli.accounts.models import Role

    own = {
        x["scope"].pk
        for x in logins
        if x["role"] == Role.RESIDENT and getattr(x["scope"], "building_id", None)
    }
    sheet = [h for h in _households(convention) if h.flat_id not in own][:8]
    if sheet:
        counts["endorsements"] += es.endorse_paper(
            actor=staff, convention=convention, households=sheet
        )


def build(builder, logins: list[dict], projects: list) -> dict:
    """Step 6 records of the cases; returns counts for the build summary."""
    from collections import Counter

    from linli.demo import data

    rng = random.Random(getattr(builder, "seed", 0) + 6)
    counts: Counter = Counter()
    from django.contrib.auth.hashers import make_password

    password_hash = make_password(data.DEMO_PASSWORD)
    with transaction.atomic():
        _garage(builder, logins, projects, password_hash, rng, counts)
    with transaction.atomic():
        _mingfeng(builder, logins, projects, rng, counts)
    with transaction.atomic():
        _anshun(builder, logins, projects, counts)
    builder.log(
        "第6步（评议、审计、公约、案例）：" + "，".join(f"{k} {v}" for k, v in counts.items())
    )
    return dict(counts)


def delete(district, note) -> None:
    """``demo_district --reset``: remove step 6's rows of the district before the story's
    notices, meetings, votes, surveys and projects they point at (children first)."""
    from linli.evaluation import models as em

    in_project = {"project__committee__street__district": district}
    conventions = em.Convention.objects.filter(committee__street__district=district)
    note("step6_rows", em.Endorsement.objects.filter(convention__in=conventions).delete()[0])
    conventions.update(previous=None)
    note("step6_rows", conventions.delete()[0])
    note("step6_rows", em.Finding.objects.filter(audit__project__committee__street__district=district).delete()[0])  # fmt: skip
    note("step6_rows", em.Score.objects.filter(evaluation__project__committee__street__district=district).delete()[0])  # fmt: skip
    for model in (em.Audit, em.AuditorAssignment, em.Evaluation, em.EvaluatorAssignment,
                  em.ProjectPhoto, em.Case):  # fmt: skip
        note("step6_rows", model.objects.filter(**in_project).delete()[0])
