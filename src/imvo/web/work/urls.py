from django.urls import path

from imvo.web.work import views

app_name = "work"
urlpatterns = [
    path("<int:pk>/", views.work_status, name="status"),
]
