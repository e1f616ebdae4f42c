"""API routes of due diligence, included under /api/v1/."""

from django.urls import URLPattern, path

from imvo.web.diligence import api

urlpatterns: list[URLPattern] = [
    path("submissions/", api.SubmissionListView.as_view(), name="api-submission-list"),
    path("submissions/<int:pk>/", api.SubmissionDetailView.as_view(), name="api-submission-detail"),
    path(
        "submissions/<int:pk>/submit/",
        api.SubmissionSubmitView.as_view(),
        name="api-submission-submit",
    ),
    path(
        "submissions/<int:pk>/reopen/",
        api.SubmissionReopenView.as_view(),
        name="api-submission-reopen",
    ),
    path("submissions/<int:pk>/risks/", api.RiskListView.as_view(), name="api-risk-list"),
    path("submissions/<int:pk>/actions/", api.ActionListView.as_view(), name="api-action-list"),
    path(
        "submissions/<int:pk>/template/", api.TemplateView.as_view(), name="api-submission-template"
    ),
    path(
        "submissions/<int:pk>/risk-check/",
        api.SubmissionRiskCheckView.as_view(),
        name="api-submission-risk-check",
    ),
    path(
        "submissions/<int:pk>/assessment/",
        api.AssessmentCreateView.as_view(),
        name="api-assessment-create",
    ),
    path("risks/<int:pk>/", api.RiskDetailView.as_view(), name="api-risk-detail"),
    path("actions/<int:pk>/", api.ActionDetailView.as_view(), name="api-action-detail"),
    path("assessments/<int:pk>/", api.AssessmentDetailView.as_view(), name="api-assessment-detail"),
    path(
        "assessments/<int:pk>/scores/",
        api.AssessmentScoreView.as_view(),
        name="api-assessment-scores",
    ),
    path(
        "assessments/<int:pk>/publish/",
        api.AssessmentPublishView.as_view(),
        name="api-assessment-publish",
    ),
    path("assessment-frameworks/", api.FrameworkListView.as_view(), name="api-framework-list"),
    path("assessment-outcomes/", api.OutcomeListView.as_view(), name="api-assessment-outcomes"),
    path("risk-check/", api.RiskCheckView.as_view(), name="api-risk-check"),
]
