"""Authentication that loads the runner's settings with them.

Nearly every signed-in request reads request.user.profile (unit, data version); fetching it in the
same query as the user saves a database round trip per request.
"""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend; the user it restores from the session comes with their profile."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("profile").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
