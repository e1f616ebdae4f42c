"""API routes of publication, included under /api/v1/."""

from django.urls import URLPattern, path

from imvo.web.publication import api

urlpatterns: list[URLPattern] = [
    path("releases/", api.ReleaseListView.as_view(), name="api-release-list"),
    path("releases/<int:pk>/", api.ReleaseDetailView.as_view(), name="api-release-detail"),
    path(
        "releases/<int:pk>/files/<str:fmt>/",
        api.ReleaseFileView.as_view(),
        name="api-release-file",
    ),
    path("facilities/", api.FacilityListView.as_view(), name="api-facility-list"),
    path(
        "facilities/<str:facility_id>/",
        api.FacilityDetailView.as_view(),
        name="api-facility-detail",
    ),
    path("brands/", api.BrandListView.as_view(), name="api-brand-list"),
    path(
        "companies/<slug:slug>/shared-facilities/",
        api.SharedFacilitiesView.as_view(),
        name="api-shared-facilities",
    ),
    path(
        "covenants/<slug:slug>/clusters/",
        api.CovenantClustersView.as_view(),
        name="api-covenant-clusters",
    ),
]
