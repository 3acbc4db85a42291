from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import services
from .client import client_address
from .forms import DeleteAccountForm, LoginForm, ProfileForm, SignupForm, TokenForm


@sensitive_post_parameters("password1", "password2")
def signup(request):
    """Create an account and sign straight in."""
    if request.user.is_authenticated:
        return redirect("logbook:today")
    form = SignupForm(request.POST or None)
    if form.is_valid():
        user = services.sign_up(form)
        login(request, user, backend="accounts.backends.ModelBackend")
        messages.success(request, "Welcome to Legwork. Set your running week, then pick a program.")
        return redirect("accounts:settings")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def settings_view(request):
    """Display unit, strength days and the runs that strength days should work around."""
    form = ProfileForm(request.POST or None, instance=request.user.profile)
    if form.is_valid():
        services.update_settings(request.user, form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form, "tokens": services.live_tokens(request.user)})


@login_required
def tokens(request):
    """The runner's API tokens with their last use; a new one is made here and its secret shown once."""
    form = TokenForm(request.POST or None)
    issued = None
    if form.is_valid():
        try:
            issued = services.issue_token(request.user, form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc.message_dict["name"])
        else:
            form = TokenForm()
    return render_tokens(request, form, issued)


def render_tokens(request, form, issued=None):
    context = {"form": form, "issued": issued, "tokens": services.live_tokens(request.user)}
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_rotate(request, pk):
    """Replace a token by a new one of the same name, shown once; the old one stops working now."""
    issued = services.rotate_token(request.user, pk)
    if issued is None:
        raise Http404("No such token.")
    return render_tokens(request, TokenForm(), issued)


@login_required
@require_POST
def token_revoke(request, pk):
    """Revoke a token: anything using it gets 401 from now on."""
    if not services.revoke_token(request.user, pk):
        raise Http404("No such token.")
    messages.success(request, "Token revoked.")
    return redirect("accounts:tokens")


class LoginView(auth_views.LoginView):
    """Django's log-in, with a username too long to exist refused before the lockout records it."""

    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; it also revokes the runner's API tokens."""

    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.revoke_tokens(form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, sending at most a few mails an hour to one address or from one client.

    Over the limit the page says what it always says, so it tells nobody whether an address has an account."""

    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.html"

    def form_valid(self, form):
        if not services.password_reset_allowed(form.cleaned_data["email"], client_address(self.request)):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation; the new password also revokes the runner's API tokens."""

    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.revoke_tokens(form.user)
        return response


@login_required
@sensitive_post_parameters("password")
def delete_account(request):
    """Delete the account with everything it logged, after the password confirms it."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, "Your account and all its data are gone.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
