"""URLs of the air data pages (included by ``jingjin.ecology.urls`` under ``air/``)."""

from django.urls import path

from jingjin.ecology import air_views

urlpatterns = [
    path("", air_views.air_year, name="air"),
    path("import/", air_views.air_import, name="air_import"),
    path("target/", air_views.air_target, name="air_target"),
]
