"""Authentication that loads the runner's settings with them.

Nearly every signed-in request reads request.user.profile (unit, data version); fetching it in the
same query as the user saves a database round trip per request.
"""

from django.contrib.auth import backends, get_user_model
from rest_framework import authentication, exceptions

from .middleware import activate_for


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend; the user it restores from the session comes with their profile."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("profile").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's user comes with their profile."""

    def authenticate_credentials(self, key):
        try:
            token = self.get_model().objects.select_related("user__profile").get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        activate_for(token.user)  # the middleware ran before DRF knew who this is
        return (token.user, token)
