from django.urls import path

from jingjin.parks import attraction_views, cluster_views, edit_views, overlap_views, views

app_name = "parks"

urlpatterns = [
    path("", views.park_list, name="list"),
    path("industries/", views.industry_tree, name="industries"),
    path("chains/", views.chain_list, name="chains"),
    path("chains/<str:code>/", views.chain_detail, name="chain"),
    path("firms/", views.firm_list, name="firms"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("attraction/", attraction_views.lead_list, name="attraction"),
    path("attraction/new/", attraction_views.lead_new, name="attraction-new"),
    path("attraction/funnel/", attraction_views.funnel, name="attraction-funnel"),
    path("attraction/candidates/", attraction_views.candidate_list, name="attraction-candidates"),
    path("attraction/candidates/import/", attraction_views.candidate_import, name="attraction-import"),
    path(
        "attraction/candidates/template.xlsx",
        attraction_views.candidate_template,
        name="attraction-template",
    ),
    path("attraction/<int:pk>/", attraction_views.lead_detail, name="attraction-lead"),
    path("attraction/<int:pk>/edit/", attraction_views.lead_edit, name="attraction-edit"),
    path("attraction/<int:pk>/move/", attraction_views.lead_move, name="attraction-move"),
    path("clusters/<str:code>/plan/", cluster_views.cluster_plan, name="cluster_plan"),
    path("clusters/<str:code>/plan/link", cluster_views.cluster_link, name="cluster_link"),
    path("clusters/<str:code>/plan/apply", cluster_views.cluster_apply, name="cluster_apply"),
    path("overlap/", overlap_views.overlap, name="overlap"),
    path("import/<slug:kind>/", views.register_import, name="import"),
    path("import/<slug:kind>/template.xlsx", views.register_template, name="template"),
    path("export/<slug:kind>.<slug:fmt>", views.register_export, name="export"),
    path("<str:code>/edit/", edit_views.park_edit, name="park_edit"),
    path("<str:code>/", views.park_detail, name="park"),
]
