from django.urls import path

from jingjin.supervision import meeting_views, practice_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_issue, name="issue"),
    # issue 20: instructions, extensions, urgings, meetings, stationings (before "<code>/")
    path("instructions/", practice_views.instruction_list, name="instructions"),
    path("instructions/new/", practice_views.instruction_give, name="instruction_give"),
    path("instructions/<str:code>/", practice_views.instruction_detail, name="instruction"),
    path("extensions/", practice_views.extension_list, name="extensions"),
    path("extensions/<int:pk>/decide/", practice_views.extension_decide, name="extension_decide"),
    path("urgings/", practice_views.urging_list, name="urgings"),
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("meetings/<str:code>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<str:code>/issue/", meeting_views.meeting_issue, name="meeting_issue"),
    path("meetings/<str:code>/minutes.docx", meeting_views.meeting_minutes, name="meeting_minutes"),
    path("stationings/", meeting_views.stationing_list, name="stationings"),
    path("stationings/new/", meeting_views.stationing_new, name="stationing_new"),
    path("stationings/<str:code>/", meeting_views.stationing_detail, name="stationing"),
    path("stationings/<str:code>/<slug:what>/", meeting_views.stationing_write, name="stationing_write"),
    path("<str:code>/extension/", practice_views.extension_request, name="extension_request"),
    path("<str:code>/", views.item_detail, name="detail"),
    path("<str:code>/<slug:step>/", views.item_step, name="step"),
]
