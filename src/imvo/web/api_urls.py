"""/api/v1/: the read-only registry API, its OpenAPI schema and its browsable docs."""

from csp.decorators import csp_update
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from imvo.web.accounts.api import MeView
from imvo.web.registry import api
from imvo.web.suppliers import api as suppliers_api

# Swagger UI with its script served by the view itself (no inline script); it styles itself
# inline and draws its icons as data: images, so its route alone allows those.
SWAGGER_UI = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("covenants/", api.CovenantListView.as_view(), name="api-covenant-list"),
    path("covenants/<slug:slug>/", api.CovenantDetailView.as_view(), name="api-covenant-detail"),
    path(
        "covenants/<slug:slug>/coverage/", api.CoverageView.as_view(), name="api-covenant-coverage"
    ),
    path("sectors/", api.SectorListView.as_view(), name="api-sector-list"),
    path("targets/", api.TargetListView.as_view(), name="api-target-list"),
    path("themes/", api.ThemeMatrixView.as_view(), name="api-theme-matrix"),
    path("me/", MeView.as_view(), name="api-me"),
    path("supplier-lists/", suppliers_api.SupplierListsView.as_view(), name="api-supplier-lists"),
    path(
        "supplier-lists/<int:pk>/",
        suppliers_api.SupplierListDetailView.as_view(),
        name="api-supplier-list",
    ),
    path("import-jobs/<int:pk>/", suppliers_api.ImportJobView.as_view(), name="api-import-job"),
    path("", include("imvo.web.diligence.urls")),
    path("", include("imvo.web.publication.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SWAGGER_UI, name="api-docs"),
]
