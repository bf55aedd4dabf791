from django.urls import path

from jingjin.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.home, name="home"),
    path("review/", views.review, name="review"),
    path("overview/", views.overview, name="overview"),
    path("overview/export.xlsx", views.overview_export, name="overview_export"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("<str:period>/tasks/<int:task_id>/", views.report_page, name="report"),
]

from jingjin.reporting import batch_views  # noqa: E402  (kept apart from the views of the form)

urlpatterns += [
    path("batch/", batch_views.batch_page, name="batch"),
    path("batch/template.xlsx", batch_views.batch_template, name="batch_template"),
    path("<str:period>/tasks/<int:task_id>/copy/", batch_views.copy_previous, name="copy_previous"),
]

from jingjin.reporting import load_views  # noqa: E402  (issue 20: the reporting load)

urlpatterns += [path("load/", load_views.load_page, name="load")]
