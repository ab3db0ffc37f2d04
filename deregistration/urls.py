"""A recipient's complaints about suppliers (DER-3, E20-8), at ``/complaints/``."""

from django.urls import path

from deregistration import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaints, name="complaints"),
    path("new/", views.choose_supplier, name="choose-supplier"),
    path("new/<int:supplier_pk>/", views.new_complaint, name="new"),
    path("<int:pk>/", views.complaint, name="complaint"),
    path("<int:pk>/sign/", views.sign_complaint, name="sign"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
]
