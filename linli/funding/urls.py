from django.urls import path

from linli.funding import views

app_name = "funding"
urlpatterns = [
    path("project/<int:project_id>/", views.plan, name="plan"),
    path("project/<int:project_id>/open/", views.plan_open, name="plan_open"),
    path("project/<int:project_id>/items/", views.item_add, name="item_add"),
    path("project/<int:project_id>/sources/", views.source_add, name="source_add"),
    path("project/<int:project_id>/receipts/", views.receipt_add, name="receipt_add"),
    path("project/<int:project_id>/spendings/", views.spending_add, name="spending_add"),
    path("project/<int:project_id>/contributions/", views.contributions, name="contributions"),
    path("project/<int:project_id>/public/", views.public, name="public"),
    path("project/<int:project_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("project/<int:project_id>/statement/", views.statement, name="statement"),
    path("project/<int:project_id>/bot/", views.bot, name="bot"),
    path("project/<int:project_id>/bot/revenue/", views.bot_revenue, name="bot_revenue"),
    path("sources/<int:source_id>/status/", views.source_status, name="source_status"),
    path("sources/<int:source_id>/pay/", views.contribution_pay, name="contribution_pay"),
    path("sources/<int:source_id>/split/", views.contributions_split, name="contributions_split"),
    path("entries/<int:entry_id>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("entries/<int:entry_id>/review/", views.entry_review, name="entry_review"),
    path("entries/<int:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("entries/<int:entry_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "entries/<int:entry_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("project/<int:project_id>/duties/", views.duty_assign, name="duty_assign"),
    path(
        "contributions/<int:contribution_id>/refund/",
        views.contribution_refund,
        name="contribution_refund",
    ),
    path("committee/<int:committee_id>/", views.committee, name="committee"),
    path(
        "contributions/<int:contribution_id>/pledge/",
        views.contribution_pledge,
        name="contribution_pledge",
    ),
    path("receipts/<int:receipt_id>.pdf", views.receipt_pdf, name="receipt_pdf"),
]
