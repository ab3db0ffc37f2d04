from django.contrib import admin
from django.urls import include, path

from commission.urls import public_urlpatterns as public_protocol_urls
from portal import views
from registers.urls import api_urlpatterns as registers_api_urls
from registers.urls import protocol_urlpatterns as public_protocol_pages

portal_patterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("language/", views.switch_language, name="language"),
    path("sign-in/", views.OperatorSignInView.as_view(), name="sign-in"),
    path("sign-in/code/", views.OperatorCodeView.as_view(), name="sign-in-code"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("eds/", include("egov_gateway.eds.urls")),
    path("cabinet/", include("suppliers.urls")),
    path("workspace/", include("commission.urls")),
    path("complaints/", include("deregistration.urls")),
    path("workspace/procurement-checks/", include("deregistration.check_urls")),
    path("protocols/", include((public_protocol_urls + public_protocol_pages, "protocols"))),
    path("registers/", include("registers.urls")),
    path("api/registers/v1/", include((registers_api_urls, "registers-api"))),
    path("admin/", admin.site.urls),
]

handler403 = "portal.views.forbidden"
handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"
