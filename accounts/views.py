from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .forms import DeleteAccountForm, ProfileForm, SignupForm


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
    return render(request, "accounts/settings.html", {"form": form})


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
