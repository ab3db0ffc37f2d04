"""Public addresses of the registers (``/registers/``), their open data (``/api/registers/v1/``)
and the published protocols' list and pages (``/protocols/``, beside the PDF of commission)."""

from django.urls import path

from registers import api, views

app_name = "registers"

urlpatterns = [
    path("", views.index, name="index"),
    path("deregistered/", views.deregistered, name="deregistered"),
    path("deregistered/export.csv", api.deregistered_csv, name="deregistered-csv"),
    path("deregistered/export.json", api.deregistered_json, name="deregistered-json"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("<slug:code>/", views.register, name="register"),
    path("<slug:code>/export.csv", api.export_csv, name="export-csv"),
    path("<slug:code>/export.json", api.export_json, name="export-json"),
]

api_urlpatterns = [
    path("registers", api.api_registers, name="registers"),
    path("registers/<slug:code>/entries", api.api_entries, name="entries"),
    path("suppliers/<str:identifier>", api.api_supplier, name="supplier"),
    path("changes", api.api_changes, name="changes"),
    path("openapi.json", api.openapi, name="openapi"),
]

# Joined to commission's public protocol addresses (the PDF at /protocols/<pk>/).
protocol_urlpatterns = [
    path("", views.protocols, name="list"),
    path("<int:pk>/about/", views.protocol, name="detail"),
]
