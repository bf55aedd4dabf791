from django.urls import path

from jingjin.people import challenge_views, party_views, talent_views, views

app_name = "people"

urlpatterns = [
    path("", views.home, name="home"),
    path("talents/", views.talent_list, name="talents"),
    path("talents/export.xlsx", views.talent_export, name="talent_export"),
    path("talents/import/", views.talent_import, name="talent_import"),
    path("talents/access-log/", views.access_log, name="access_log"),
    path("talents/new/", talent_views.talent_create, name="talent_create"),
    path("talents/teams/new/", talent_views.team_create, name="team_create"),
    path("talents/teams/<str:code>/edit/", talent_views.team_edit, name="team_edit"),
    path("talents/<str:code>/", views.talent_detail, name="talent"),
    path("talents/<str:code>/edit/", talent_views.talent_edit, name="talent_edit"),
    path("challenges/", challenge_views.challenge_list, name="challenges"),
    path("challenges/new/", challenge_views.challenge_create, name="challenge_create"),
    path("challenges/<str:code>/", challenge_views.challenge_detail, name="challenge"),
    path("open-challenges/", challenge_views.open_challenges, name="open_challenges"),
    path("organisations/", party_views.org_list, name="orgs"),
    path("organisations/new/", party_views.org_create, name="org_create"),
    path("organisations/members/", party_views.unit_members, name="unit_members"),
    path("organisations/<str:code>/", party_views.org_detail, name="org"),
    path("warnings/", party_views.warning_list, name="warnings"),
    path("warnings/rules/", party_views.rules, name="rules"),
    path("warnings/<int:pk>/", party_views.warning_detail, name="warning"),
]
