"""The supplier cabinet (Кабинет поставщика), mounted at ``/cabinet/``.

``application/…`` are the pages of the supplier's draft (one at a time); ``applications/<id>/…``
reach any application of the supplier (and, for its PDF, the commission and operators);
``documents/<id>/`` serves a supporting document to those who may see it.
"""

from django.urls import path

from suppliers import views
from suppliers.views import complaints as complaint_views

app_name = "suppliers"

urlpatterns = [
    path("", views.cabinet, name="cabinet"),
    path("start/", views.start, name="start"),
    path("offer/", views.offer, name="offer"),
    path("application/", views.application, name="application"),
    path("application/new/", views.new_application, name="new-application"),
    path("application/section/<slug:section>/", views.section, name="section"),
    path("application/problems/", views.completeness, name="completeness"),
    path("application/check-answers/", views.check_answers, name="check-answers"),
    path("application/sign/", views.sign, name="sign"),
    path("applications/<int:pk>/", views.status, name="status"),
    path("applications/<int:pk>/submitted/", views.submitted, name="submitted"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "applications/<int:pk>/annex/<int:annex_pk>/",
        views.annex_pdf,
        name="annex-pdf",
    ),
    path("documents/<int:pk>/", views.document, name="document"),
    # The supplier's own application for deregistration (2022 Annex 3; 2020 Annex 2).
    path("deregistration/", views.deregistration, name="deregistration"),
    path(
        "deregistration/<int:pk>/sign/",
        views.deregistration_sign,
        name="deregistration-sign",
    ),
    path(
        "deregistration/<int:pk>/",
        views.deregistration_status,
        name="deregistration-status",
    ),
    path(
        "deregistration/<int:pk>/pdf/",
        views.deregistration_pdf,
        name="deregistration-pdf",
    ),
    path("complaints/", complaint_views.complaints, name="complaints"),
    path("complaints/<int:pk>/", complaint_views.complaint, name="complaint"),
    path(
        "complaints/<int:pk>/documents/<int:document_pk>/",
        complaint_views.complaint_document,
        name="complaint-document",
    ),
]
