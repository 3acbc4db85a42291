"""Each signed-in request runs in the runner's own time zone, so `timezone.localdate()` is their today."""

from django.utils import timezone


def activate_for(user):
    """Switch this thread to the runner's time zone (the API's token login calls it too)."""
    timezone.activate(user.profile.zone)


class RunnerTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            activate_for(user)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
