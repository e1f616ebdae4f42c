"""The due-diligence pages, included under /diligence/."""

from django.urls import URLPattern, path

from imvo.web.diligence import views

app_name = "diligence"
urlpatterns: list[URLPattern] = [
    path("", views.submissions, name="submissions"),
    path("start/", views.submission_start, name="submission-start"),
    path("framework/", views.framework, name="framework"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/answers/", views.submission_answers, name="answers"),
    path("submissions/<int:pk>/risks/", views.risk_add, name="risk-add"),
    path("submissions/<int:pk>/actions/", views.action_add, name="action-add"),
    path("submissions/<int:pk>/gaps/", views.gap_add, name="gap-add"),
    path("submissions/<int:pk>/explanations/", views.explanation_set, name="explanation-set"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submit"),
    path("submissions/<int:pk>/reopen/", views.submission_reopen, name="reopen"),
    path("submissions/<int:pk>/template/", views.template_download, name="template"),
    path("submissions/<int:pk>/upload/", views.template_upload, name="upload"),
    path("submissions/<int:pk>/assess/", views.assessment_start, name="assess"),
    path("risks/<int:pk>/", views.risk_edit, name="risk"),
    path("actions/<int:pk>/", views.action_edit, name="action"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/scores/", views.assessment_score, name="assessment-score"),
    path("assessments/<int:pk>/publish/", views.assessment_publish, name="assessment-publish"),
]
