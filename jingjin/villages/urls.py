"""URLs of the villages' pages, namespace ``villages``."""

from django.urls import path

from jingjin.villages import economy_views, manage_views, views

app_name = "villages"

urlpatterns = [
    path("", views.home, name="home"),
    path("demo/", views.demo_list, name="demo"),
    path("toilets/", views.toilets, name="toilets"),
    path("toilets/target/", manage_views.toilet_target, name="toilet_target"),
    path("toilets/export.xlsx", views.toilets_export, name="toilets_export"),
    path("scores/", economy_views.scores, name="scores"),
    path("scores/scheme/", manage_views.scheme, name="scheme"),
    path("economy/", economy_views.economy, name="economy"),
    path("economy/thresholds/", manage_views.thresholds, name="thresholds"),
    path("economy/export.xlsx", economy_views.economy_export, name="economy_export"),
    path("economy/import/", economy_views.economy_import, name="economy_import"),
    path("economy/template.xlsx", economy_views.economy_template, name="economy_template"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("v/<str:code>/", views.village_detail, name="village"),
    path("v/<str:code>/toilets/", views.toilet_record, name="toilet_record"),
    path("v/<str:code>/toilets/accept/", views.toilet_accept, name="toilet_accept"),
    path("v/<str:code>/report/", views.report_submit, name="report"),
    path("v/<str:code>/designate/", manage_views.designate, name="designate"),
    path("v/<str:code>/score/", economy_views.score_village, name="score"),
]
