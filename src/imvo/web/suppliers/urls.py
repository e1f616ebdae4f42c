from django.urls import path

from imvo.web.suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("", views.lists, name="lists"),
    path("upload/", views.upload, name="upload"),
    path("upload/columns/", views.upload_columns, name="upload-columns"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("review/<int:pk>/decide/", views.review_decide_view, name="review-decide"),
]
