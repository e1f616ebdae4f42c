"""The open-data pages, included under /open-data/."""

from django.urls import URLPattern, path

from imvo.web.publication import views, views_coordinates

app_name = "publication"
urlpatterns: list[URLPattern] = [
    path("", views.release_index, name="releases"),
    path("publish/", views.release_publish_view, name="publish"),
    path("releases/<int:pk>/", views.release_detail, name="release"),
    path("coordinates/", views_coordinates.coordinate_flags, name="coordinates"),
    path(
        "coordinates/<str:facility_id>/resolve/",
        views_coordinates.coordinate_resolve,
        name="coordinates-resolve",
    ),
    path("facilities/", views.facility_search, name="facilities"),
    path("facilities/map/", views.facility_map, name="map"),
    path("facilities/countries/", views.country_summary, name="countries"),
    path("facilities/<str:facility_id>/", views.facility_detail, name="facility"),
    path("brands/", views.brand_index, name="brands"),
    path("brands/<slug:slug>/", views.brand_detail, name="brand"),
]
