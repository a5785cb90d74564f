from django.urls import path

from linli.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    # evaluation 评议
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("projects/<int:project_id>/open/", views.evaluation_open, name="open"),
    path("projects/<int:project_id>/meeting/", views.evaluation_meeting, name="meeting"),
    path("projects/<int:project_id>/score/", views.score_submit, name="score"),
    path("projects/<int:project_id>/paper-score/", views.score_paper, name="paper_score"),
    path("projects/<int:project_id>/evaluator/", views.evaluator_assign, name="evaluator_assign"),
    path("projects/<int:project_id>/survey/", views.survey_create, name="survey_create"),
    path("projects/<int:project_id>/survey/status/", views.survey_status, name="survey_status"),
    path("projects/<int:project_id>/survey/results/", views.survey_results, name="survey_results"),
    path("projects/<int:project_id>/close/", views.evaluation_close, name="close"),
    path("projects/<int:project_id>/notice/", views.completion_notice, name="notice"),
    path("projects/<int:project_id>/report.pdf", views.report_pdf, name="report"),
    path("projects/<int:project_id>/photos/", views.photos, name="photos"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    # audit 审计
    path("projects/<int:project_id>/audit/", views.audit_page, name="audit"),
    path("projects/<int:project_id>/audit/auditor/", views.auditor_assign, name="auditor_assign"),
    path("projects/<int:project_id>/audit/findings/", views.finding_add, name="finding_add"),
    path(
        "projects/<int:project_id>/audit/findings/<int:finding_id>/respond/",
        views.finding_respond,
        name="finding_respond",
    ),
    path("projects/<int:project_id>/audit/close/", views.audit_close, name="audit_close"),
    path("projects/<int:project_id>/audit/books/", views.audit_books, name="audit_books"),
    path(
        "projects/<int:project_id>/audit/vouchers/<int:attachment_id>/",
        views.audit_attachment,
        name="audit_attachment",
    ),
    path(
        "projects/<int:project_id>/audit/documents/<int:attachment_id>/",
        views.audit_notice_attachment,
        name="audit_notice_attachment",
    ),
    # conventions 公约
    path("conventions/", views.conventions, name="conventions"),
    path("conventions/new/", views.convention_new, name="convention_new"),
    path("conventions/<int:convention_id>/", views.convention_detail, name="convention"),
    path(
        "conventions/<int:convention_id>/discuss/",
        views.convention_discuss,
        name="convention_discuss",
    ),
    path("conventions/<int:convention_id>/adopt/", views.convention_adopt, name="convention_adopt"),
    path("conventions/<int:convention_id>/amend/", views.convention_amend, name="convention_amend"),
    path(
        "conventions/<int:convention_id>/endorse/",
        views.convention_endorse,
        name="convention_endorse",
    ),
    path("conventions/<int:convention_id>/paper/", views.convention_paper, name="convention_paper"),
    path(
        "conventions/<int:convention_id>/poster.pdf",
        views.convention_poster,
        name="convention_poster",
    ),
    # case library 案例库 (public)
    path("cases/", views.case_list, name="cases"),
    path("cases/export.xlsx", views.case_export, name="cases_export"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/publish/", views.case_publish, name="case_publish"),
    path("projects/<int:project_id>/case/", views.case_edit, name="case_edit"),
]
