from django.urls import path

from imvo.web.publication import views_leverage
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
    path("deduplicate/", views.deduplicate, name="deduplicate"),
    # shared leverage (publication): a company's shared facilities and consent, clusters
    path("shared/", views_leverage.shared_facilities, name="shared"),
    path("shared/csv/", views_leverage.shared_facilities_csv, name="shared-csv"),
    path("shared/consent/", views_leverage.consent_change, name="consent"),
    path("clusters/", views_leverage.clusters_index, name="clusters"),
    path("clusters/<slug:slug>/", views_leverage.clusters, name="clusters-covenant"),
    path("clusters/<slug:slug>/csv/", views_leverage.clusters_csv, name="clusters-csv"),
]
