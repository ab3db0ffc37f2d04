from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.editions import edition_for
from portal.forms import OperatorSignInForm


def home(request):
    return render(request, "portal/home.html", {"edition": edition_for()})


class OperatorSignInView(auth_views.LoginView):
    """Operators may sign in with a password (ID-3); everyone else signs in with EDS."""

    template_name = "portal/sign_in.html"
    authentication_form = OperatorSignInForm
    extra_context = {"title": _("Sign in")}


class SignOutView(auth_views.LogoutView):
    pass
