"""URLs of the campaign and network pages (slice projdemo of issue 12), in the ``projects``
namespace: ``projects:campaigns``, ``projects:campaign`` (``code``), ``projects:networks`` and
``projects:network`` (``code``). They come before a project's ``<code>`` page."""

from django.urls import path

from jingjin.projects import campaign_views, network_views

urlpatterns = [
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    # projfix: the plan office's campaign form, "new/" before a campaign's code
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("campaigns/<str:code>/", campaign_views.campaign_detail, name="campaign"),
    path("campaigns/<str:code>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path("networks/", network_views.network_list, name="networks"),
    path("networks/new/", network_views.network_create, name="network_create"),
    path("networks/<str:code>/", network_views.network_detail, name="network"),
    path("networks/<str:code>/edit/", network_views.network_edit, name="network_edit"),
    path("networks/<str:code>/lines/new/", network_views.line_create, name="line_create"),
    path("networks/<str:code>/lines/<str:line>/edit/", network_views.line_edit, name="line_edit"),
]
