from django.urls import path

from jingjin.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.lists, name="lists"),
    path("compute/", views.compute, name="compute"),
    path("<int:pk>/", views.list_detail, name="list"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/exempt/", views.exempt, name="exempt"),
    path("units/<str:code>/", views.unit_history, name="history"),
    path("schemes/<int:pk>/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/link/", views.scheme_link, name="scheme_link"),
]
