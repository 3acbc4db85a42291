from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle


class TokenThrottle(AnonRateThrottle):
    rate = "30/minute"


class ObtainToken(ObtainAuthToken):
    """POST username and password, get `{"token": ...}`. Failed attempts count towards the login lockout."""

    throttle_classes = [TokenThrottle]


obtain_token = ObtainToken.as_view()
