from django.urls import path

from linli.voting import views

app_name = "voting"
urlpatterns = [
    path("", views.vote_list, name="list"),
    path("new/", views.vote_create, name="create"),
    path("import-pb/", views.import_pb, name="import_pb"),
    path("<int:pk>/", views.vote_detail, name="detail"),
    path("<int:pk>/open/", views.vote_open, name="open"),
    path("<int:pk>/proposals/", views.vote_start_proposals, name="start_proposals"),
    path("<int:pk>/propose/", views.option_propose, name="propose"),
    path("<int:pk>/close/", views.vote_close, name="close"),
    path("<int:pk>/cast/", views.ballot_cast, name="cast"),
    path("<int:pk>/record/", views.ballot_record, name="record"),
    path("<int:pk>/paper/", views.paper_entry, name="paper"),
    path("<int:pk>/paper/<int:elector_id>/resolve/", views.paper_resolve, name="paper_resolve"),
    path("<int:pk>/result/", views.vote_result, name="result"),
    path("<int:pk>/recount/", views.vote_recount, name="recount"),
    path("<int:pk>/ballots.pdf", views.ballots_pdf, name="ballots_pdf"),
    path("<int:pk>/export.pb", views.export_pb, name="export_pb"),
]
