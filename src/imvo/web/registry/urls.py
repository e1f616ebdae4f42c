from django.urls import path

from imvo.web.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("covenants/<slug:slug>/", views.covenant_detail, name="covenant"),
]
