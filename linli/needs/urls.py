from django.urls import path

from linli.needs import views

app_name = "needs"
urlpatterns = [
    path("committee/<int:committee_id>/", views.board, name="board"),
    path("committee/<int:committee_id>/new/", views.submit, name="submit"),
    path("committee/<int:committee_id>/duplicates/", views.duplicates, name="duplicates"),
    path("committee/<int:committee_id>/offline/", views.offline, name="offline"),
    path("committee/<int:committee_id>/triage/", views.triage, name="triage"),
    path("committee/<int:committee_id>/merge/", views.merge, name="merge"),
    path("committee/<int:committee_id>/weights/", views.weights, name="weights"),
    path("committee/<int:committee_id>/lists/", views.lists, name="lists"),
    path("committee/<int:committee_id>/spaces/", views.space_reports, name="space_reports"),
    path(
        "committee/<int:committee_id>/spaces/new/", views.space_report_new, name="space_report_new"
    ),
    path("street/<int:street_id>/lists/", views.street_lists, name="street_lists"),
    path("need/<int:need_id>/", views.detail, name="detail"),
    path("need/<int:need_id>/support/", views.support, name="support"),
    path("need/<int:need_id>/support-offline/", views.support_offline, name="support_offline"),
    path("need/<int:need_id>/split/", views.split, name="split"),
    path("need/<int:need_id>/assess/", views.assess, name="assess"),
    path("need/<int:need_id>/project/", views.to_project, name="to_project"),
    path("list/<int:list_id>/", views.list_detail, name="list_detail"),
    path("list/<int:list_id>/publish/", views.list_publish, name="list_publish"),
    path("list/<int:list_id>/pdf/", views.list_pdf, name="list_pdf"),
    path("list/<int:list_id>/xlsx/", views.list_xlsx, name="list_xlsx"),
    path("public/<str:token>/", views.public_list, name="public_list"),
    path("public/<str:token>/pdf/", views.public_pdf, name="public_pdf"),
    path("space/<int:report_id>/verify/", views.space_verify, name="space_verify"),
    path("space/<int:report_id>/reject/", views.space_reject, name="space_reject"),
    path("scan/building/<int:building_id>/", views.scan_building, name="scan_building"),
    path("scan/microspace/<int:microspace_id>/", views.scan_microspace, name="scan_microspace"),
    path("scan/compound/<int:compound_id>/", views.scan_compound, name="scan_compound"),
    path("compound/<int:compound_id>/qr.pdf", views.qr_sheet, name="qr_sheet"),
]
