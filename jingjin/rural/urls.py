from django.urls import path

from jingjin.rural import edit_views, views

app_name = "rural"

urlpatterns = [
    path("", views.household_list, name="households"),
    path("members.xlsx", views.members_export, name="export"),
    path("announcement/", views.announcement, name="announcement"),
    path("announcement.xlsx", views.announcement_export, name="announcement-export"),
    path("screening/", views.screening, name="screening"),
    path("screening/<int:pk>/", views.screening_run, name="run"),
    path("candidates/<int:pk>/take/", views.candidate_take, name="take"),
    path("access-log/", views.access_log, name="access-log"),
    path("lines/", edit_views.income_lines, name="lines"),
    path("households/<str:code>/<str:kind>/<int:pk>/edit/", edit_views.item_edit, name="edit"),
    path("households/<str:code>/", views.household_detail, name="household"),
    path("households/<str:code>/notice/", views.household_notice, name="notice"),
    path("households/<str:code>/<str:action>/", views.household_action, name="action"),
]
