from django.urls import path

from linli.planning import views

app_name = "planning"
urlpatterns = [
    path("committee/<int:committee_id>/", views.committee, name="committee"),
    path("committee/<int:committee_id>/profile/", views.community_profile, name="profile"),
    path("committee/<int:committee_id>/profile.pdf", views.profile_pdf, name="profile_pdf"),
    path("project/<int:project_id>/rounds.pdf", views.rounds_pdf, name="rounds_pdf"),
    path("committee/<int:committee_id>/log/", views.worklog, name="worklog"),
    path("committee/<int:committee_id>/partners/", views.partners, name="partners"),
    path("log-photo/<int:photo_id>/", views.worklog_photo, name="worklog_photo"),
    path("project/<int:project_id>/", views.design, name="design"),
    path("project/<int:project_id>/rate-planner/", views.rate_planner, name="rate_planner"),
    path("project/<int:project_id>/compare/", views.compare, name="compare"),
    path("project/<int:project_id>/diagnosis/", views.diagnosis, name="diagnosis"),
    path("project/<int:project_id>/rounds/new/", views.round_new, name="round_new"),
    path("round/<int:round_id>/options/new/", views.option_new, name="option_new"),
    path("round/<int:round_id>/publish/", views.round_publish, name="round_publish"),
    path("round/<int:round_id>/vote/", views.round_vote, name="round_vote"),
    path("option/<int:option_id>/edit/", views.option_edit, name="option_edit"),
    path("option/<int:option_id>/remove/", views.option_remove, name="option_remove"),
    path("option/<int:option_id>/rate/", views.option_rate, name="option_rate"),
    path("option/<int:option_id>/comment/", views.option_comment, name="option_comment"),
    path("option-file/<int:file_id>/", views.option_file, name="option_file"),
    path("comment/<int:comment_id>/reply/", views.comment_reply, name="comment_reply"),
    path("pool/", views.pool, name="pool"),
    path("pool/<int:planner_id>/account/", views.link_account, name="link_account"),
    path("coverage/", views.coverage, name="coverage"),
    path("pair/", views.pair, name="pair"),
    path("pairing/<int:pairing_id>/end/", views.unpair, name="unpair"),
]
