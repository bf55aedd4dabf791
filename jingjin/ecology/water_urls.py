"""URLs of the water data (included by ``jingjin/ecology/urls.py`` under ``ecology/``)."""

from django.urls import path

from jingjin.ecology import water_views

urlpatterns = [
    path("water/", water_views.matrix, name="water_matrix"),
    path("water/import/", water_views.samples_import_page, name="water_import"),
    path("water/feeds/", water_views.feeds_page, name="water_feeds"),
]
