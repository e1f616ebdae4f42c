from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("imvo.web.api_urls")),
    path("accounts/", include("imvo.web.accounts.urls")),
    path("admin/", admin.site.urls),
    path("suppliers/", include("imvo.web.suppliers.urls")),
    path("diligence/", include("imvo.web.diligence.web_urls")),
    path("open-data/", include("imvo.web.publication.web_urls")),
    path("work/", include("imvo.web.work.urls")),
    path("", include("imvo.web.registry.urls")),
]

# Under /api/ a URL no route matches, and a server error, answer in JSON like the API itself.
handler404 = "imvo.web.api_errors.not_found"
handler500 = "imvo.web.api_errors.server_error"
