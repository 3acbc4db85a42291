from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from . import services


class TokenThrottle(AnonRateThrottle):
    rate = "30/minute"


class ObtainToken(ObtainAuthToken):
    """POST username and password, get `{"token": ...}`. Failed attempts count towards the login lockout."""

    throttle_classes = [TokenThrottle]

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        # Answer a failure with a response rather than an exception: DRF rolls back the request's
        # transaction on an exception, which would also roll back the failure axes just recorded.
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": "Too many failed log-ins for this account from your address; try again later."},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token = services.issue_token(serializer.validated_data["user"])
        return Response({"token": token.key})


obtain_token = ObtainToken.as_view()
