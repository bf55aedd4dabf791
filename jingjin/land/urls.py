"""URLs of the per-mu evaluation pages (namespace ``land``)."""

from django.urls import path

from jingjin.land import views

app_name = "land"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("policies/", views.policies, name="policies"),
    path("schemes/<slug:code>/", views.scheme, name="scheme"),
    path("schemes/<slug:code>/indicators/", views.scheme_indicators, name="scheme_indicators"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
    path("appeals/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("firms/<str:code>/", views.firm, name="firm"),
    path("<int:year>/", views.campaign_detail, name="campaign"),
    path("<int:year>/results/", views.results, name="results"),
    path("<int:year>/export.xlsx", views.export, name="export"),
    path("<int:year>/<str:step>/", views.campaign_step, name="step"),
]
