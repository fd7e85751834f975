from django.contrib.auth import views as auth_views

from quartiers.accounts.forms import EmailAuthenticationForm
from quartiers.core.permissions import view_public


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


login = view_public(LoginView.as_view())
logout = view_public(auth_views.LogoutView.as_view())
