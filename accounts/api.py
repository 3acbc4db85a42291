from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import services
from .client import USERNAME_MAX, client_address


class ClientAddressThrottle(AnonRateThrottle):
    """DRF's anonymous throttle keyed by the real client address (accounts.client), the lockout's rule:
    X-Forwarded-For only from a trusted proxy."""

    def get_ident(self, request):
        return client_address(request) or "unknown"


class TokenThrottle(ClientAddressThrottle):
    rate = "30/minute"


class TokenRequestSerializer(AuthTokenSerializer):
    # Longer than any username can be: refused here, before authenticate() and the lockout see it.
    username = serializers.CharField(label="Username", write_only=True, max_length=USERNAME_MAX)
    password = serializers.CharField(label="Password", write_only=True, max_length=4096, trim_whitespace=False)
    name = serializers.CharField(
        required=False,
        max_length=60,
        help_text="A name for the token (default “API”). Asking again with the same name rotates that token.",
    )


class ObtainToken(APIView):
    """POST username and password, get `{"token": ...}`, a new token shown this once. Asking again under
    the same `name` revokes the earlier token of that name. Failed attempts count towards the login lockout."""

    throttle_classes = [TokenThrottle]
    permission_classes = []
    authentication_classes = []
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("IssuedToken", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password, or a field is invalid."),
            429: OpenApiResponse(description="Locked out after repeated failures, or too many requests."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        # Answer a failure with a response rather than an exception: DRF rolls back the request's
        # transaction on an exception, which would also roll back the failure axes just recorded.
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": "Too many failed log-ins for this account from your address; try again later."},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        issued = services.issue_token(serializer.validated_data["user"], serializer.validated_data.get("name"))
        return Response({"token": issued.key})


obtain_token = ObtainToken.as_view()
