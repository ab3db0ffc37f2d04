"""The employee workspace (Рабочее место сотрудника государственного органа), at ``/workspace/``."""

from django.urls import path

from commission import complaint_views, views

app_name = "commission"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/check/", views.check, name="check"),
    path("meetings/new/", views.schedule, name="schedule"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/open/", views.open_meeting, name="open"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/proposal/", views.propose, name="propose"),
    path("items/<int:pk>/close/", views.close, name="close"),
    path("items/<int:pk>/vote/", views.vote, name="vote"),
    path("items/<int:pk>/protocol/", views.form_protocol, name="form-protocol"),
    path("protocols/<int:pk>/", views.protocol, name="protocol"),
    path("protocols/<int:pk>/pdf/", views.protocol_pdf, name="protocol-pdf"),
    path("protocols/<int:pk>/sign/", views.sign_protocol, name="sign-protocol"),
    path("protocols/<int:pk>/publish/", views.publish, name="publish"),
    path("complaints/<int:pk>/", complaint_views.complaint, name="complaint"),
    path(
        "complaints/<int:pk>/documents/<int:document_pk>/",
        complaint_views.complaint_document,
        name="complaint-document",
    ),
]


# Published protocols are public (2022 p.15), at an address that never changes.
public_urlpatterns = [
    path("<int:pk>/", views.published_protocol_pdf, name="published"),
]
