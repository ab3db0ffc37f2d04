from django.urls import path

from egov_gateway.eds import views

app_name = "eds"

urlpatterns = [
    path("sign-in/", views.EdsSignInView.as_view(), name="sign-in"),
    path("check/", views.SignatureCheckView.as_view(), name="check"),
]
