"""URLs of the ecology pages (namespace ``ecology``): the registers here; the air and water pages
include their own modules."""

from django.urls import include, path

from jingjin.ecology import air_urls, views, water_urls

app_name = "ecology"

urlpatterns = [
    path("", views.home, name="home"),
    path("air/", include(air_urls.urlpatterns)),  # ecoair
    path("", include(water_urls.urlpatterns)),  # ecowater: water/…
    path("registers/<slug:register>/", views.record_list, name="register_list"),
    path("registers/<slug:register>/new/", views.record_edit, name="register_new"),
    path("registers/<slug:register>/import/", views.register_import, name="register_import"),
    path("registers/<slug:register>/template.xlsx", views.register_template, name="register_template"),
    path("registers/<slug:register>/export.xlsx", views.register_export, name="register_export"),
    path("registers/<slug:register>/<str:code>/", views.record_detail, name="register_detail"),
    path("registers/<slug:register>/<str:code>/edit/", views.record_edit, name="register_edit"),
    path("registers/<slug:register>/<str:code>/move/", views.record_move, name="register_move"),
    path("registers/<slug:register>/<str:code>/delete/", views.record_delete, name="register_delete"),
]
