from django.urls import path

from . import views
from .views import api

app_name = "releases"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("medieninformationen/", views.ReleaseListView.as_view(), name="release-list"),
    path("medieninformationen/<int:pk>-<slug:slug>/", views.ReleaseDetailView.as_view(),
         name="release-detail"),
    path("themen/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("ressorts/<slug:slug>/", views.OrganisationDetailView.as_view(),
         name="organisation-detail"),
    path("personen/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("termine/<int:pk>-<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("delegationsreisen/<slug:slug>/", views.DelegationDetailView.as_view(),
         name="delegation-detail"),
    # Read-only JSON API (ninjs 2.2), see releases/views/api.py.
    path("api/releases/", api.release_list, name="api-release-list"),
    path("api/releases/<str:release_id>/", api.release_detail, name="api-release-detail"),
    path("api/openapi.json", api.openapi, name="api-openapi"),
]
