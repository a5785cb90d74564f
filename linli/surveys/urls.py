from django.urls import path

from linli.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/questions/", views.question_add, name="add_question"),
    path(
        "<int:pk>/questions/<int:question_id>/remove/",
        views.question_remove,
        name="remove_question",
    ),
    path("<int:pk>/status/", views.set_status, name="status"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/paper/", views.paper_entry, name="paper"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/responses.xlsx", views.export_xlsx, name="export"),
    path("<int:pk>/questionnaire.pdf", views.questionnaire_pdf, name="pdf"),
]
