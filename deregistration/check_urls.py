from django.urls import path

from deregistration import check_views as views

app_name = "deregistration"

urlpatterns = [
    path("<int:pk>/", views.procurement_check, name="procurement-check"),
]
