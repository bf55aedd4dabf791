"""URLs of the ecology pages (namespace ``ecology``); each part includes its own module."""

from django.urls import include, path

from jingjin.ecology import air_urls

app_name = "ecology"

urlpatterns = [
    path("air/", include(air_urls.urlpatterns)),  # ecoair
]
