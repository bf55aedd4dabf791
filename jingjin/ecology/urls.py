"""URLs of the ecology app (生态环境), namespace ``ecology``: each slice's own module included."""

from django.urls import include, path

app_name = "ecology"

urlpatterns = [
    path("", include("jingjin.ecology.water_urls")),
]
