from django.urls import path

from deregistration import views

app_name = "deregistration"

urlpatterns = [
    path("<int:pk>/", views.procurement_check, name="procurement-check"),
]
