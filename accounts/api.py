from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import services
from .client import USERNAME_MAX, client_address
from .models import Profile, RunKind, RunTime, time_zone_names


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


class RunningWeekSerializer(serializers.ModelSerializer):
    """The runner's week of running, Monday first, and what the placement rules take from their settings."""

    running_week = serializers.ListField(
        child=serializers.DictField(), min_length=7, max_length=7, help_text='Seven {"kind", "time"}, Monday first.'
    )
    time_zone = serializers.CharField(allow_blank=True, required=False, max_length=64)

    class Meta:
        model = Profile
        fields = ["running_week", "timing", "time_zone", "leg_sessions_per_week_max", "strength_days"]

    def validate_running_week(self, value):
        kinds, times = set(RunKind.values), set(RunTime.values)
        week = []
        for i, day in enumerate(value):
            kind, time = day.get("kind"), day.get("time", "")
            if kind not in kinds or time not in times or set(day) - {"kind", "time"}:
                raise serializers.ValidationError(
                    f"Day {i}: kind is one of {', '.join(sorted(kinds))}; time is empty, morning, midday or evening."
                )
            week.append({"kind": kind, "time": time})
        if sum(d["kind"] == RunKind.LONG for d in week) > 1:
            raise serializers.ValidationError("Pick one day for your long run.")
        return week

    def validate_time_zone(self, value):
        if value and value not in time_zone_names():
            raise serializers.ValidationError("Use an IANA time zone name, like Europe/London.")
        return value

    def validate_leg_sessions_per_week_max(self, value):
        if not 1 <= value <= 7:
            raise serializers.ValidationError("Pick a number from 1 to 7.")
        return value

    def validate_strength_days(self, value):
        if not isinstance(value, list) or any(type(v) is not int or not 0 <= v <= 6 for v in value):
            raise serializers.ValidationError("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")
        return sorted(set(value))

    def update(self, instance, validated_data):
        return services.update_settings(instance.user, validated_data)


class RunningWeekView(generics.RetrieveUpdateAPIView):
    """GET or PATCH/PUT the runner's running week, timing choice, time zone and weekly leg-session cap."""

    serializer_class = RunningWeekSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return self.request.user.profile


running_week = RunningWeekView.as_view()
