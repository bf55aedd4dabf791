from django.urls import path

from jingjin.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_tree, name="tree"),
    path("search/", views.search, name="search"),
    path("plan/import/", views.plan_import, name="import"),
    path("plan/<slug:plan_code>/", views.plan_tree, name="tree_of"),
    path("plan/<slug:plan_code>/export.<str:fmt>", views.plan_export, name="export"),
    path("plan/<slug:plan_code>/actions/<str:code>/", views.action_detail, name="action"),
    path("plan/<slug:plan_code>/measures/<str:code>/", views.measure_detail, name="measure"),
    path("plan/<slug:plan_code>/measures/<str:code>/tasks/", views.measure_tasks, name="measure_tasks"),
    path("plan/<slug:plan_code>/tasks/<str:code>/", views.task_detail, name="task"),
    path("plan/<slug:plan_code>/tasks/<str:code>/edit/", views.task_edit, name="task_edit"),
    path("plan/<slug:plan_code>/tasks/<str:code>/reopen/", views.task_reopen, name="task_reopen"),
    path("plan/<slug:plan_code>/tasks/<str:code>/shares/", views.task_shares_add, name="task_shares_add"),
    path(
        "plan/<slug:plan_code>/tasks/<str:code>/shares/<int:share_id>/",
        views.task_share_edit,
        name="task_share_edit",
    ),
    path("plan/<slug:plan_code>/indicators/<str:code>/edit/", views.indicator_edit, name="indicator_edit"),
]
