"""URLs of the monthly project reports, under ``projects/reports/`` (names ``projects:report_*``)."""

from django.urls import path

from jingjin.projects import report_views as views

urlpatterns = [
    path("", views.home, name="report_home"),
    path("review/", views.review, name="report_review"),
    path("<int:pk>/", views.detail, name="report_detail"),
    path("<int:pk>/supervise/", views.supervise, name="report_supervise"),
    path("<str:period>/<str:code>/", views.edit, name="report_edit"),
]
