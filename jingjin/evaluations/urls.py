from django.urls import path

from jingjin.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_index, name="index"),
    path("<slug:kind>/", views.evaluation_kind, name="kind"),
    path("<slug:kind>/<int:pk>/", views.evaluation_run, name="run"),
    path("<slug:kind>/<int:pk>/status/", views.evaluation_status, name="status"),
    path("<slug:kind>/<int:pk>/result", views.evaluation_result, name="result"),
]
