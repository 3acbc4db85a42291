from datetime import date, timedelta

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from exercises.cache import ContentCachedViewSet

from . import calendars, runweek, services
from .models import Enrollment, PlannedSession, Prescription, Program, ProgramWeek, Race, Workout
from .serializers import (
    CalendarDaySerializer,
    EnrollmentSerializer,
    ProgramDetailSerializer,
    ProgramListSerializer,
    RaceSerializer,
    SuggestionSerializer,
)


class ProgramViewSet(ContentCachedViewSet, viewsets.ReadOnlyModelViewSet):
    """Program templates: weeks → sessions → prescriptions."""

    lookup_field = "slug"

    def get_queryset(self):
        programs = Program.objects.prefetch_related("equipment")
        if self.action == "retrieve":
            workouts = Workout.objects.order_by("order").prefetch_related(
                Prefetch("prescriptions", queryset=Prescription.objects.select_related("exercise").order_by("order"))
            )
            programs = programs.prefetch_related(
                "sources",
                Prefetch(
                    "program_weeks",
                    queryset=ProgramWeek.objects.order_by("number").prefetch_related(
                        Prefetch("workouts", queryset=workouts)
                    ),
                ),
            )
        return programs

    def get_serializer_class(self):
        return ProgramDetailSerializer if self.action == "retrieve" else ProgramListSerializer


class EnrollmentViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The runner's enrolments, each with its dated `sessions`. DELETE leaves the program; logged sessions stay."""

    serializer_class = EnrollmentSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    queryset = Enrollment.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        return (
            Enrollment.objects.for_user(self.request.user)
            .select_related("program", "user__profile")
            .prefetch_related(
                Prefetch(
                    "planned_sessions",
                    queryset=PlannedSession.objects.select_related("workout", "logged_session").order_by("sequence"),
                )
            )
        )

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)

    def perform_destroy(self, instance):
        services.leave(instance)


class RaceViewSet(viewsets.ModelViewSet):
    """The runner's races. Adding or moving an A race tapers the sessions before it: the response's `breaches`
    lists the sessions its taper or race week now covers."""

    serializer_class = RaceSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Race.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Race.objects.none()
        return Race.objects.for_user(self.request.user)

    def perform_destroy(self, instance):
        services.delete_race(instance)


class SuggestionViewSet(viewsets.ViewSet):
    """Suggested training days for a program around the runner's running week, races and other programs,
    each day with its reason. `?start=YYYY-MM-DD` (default today)."""

    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "slug"
    serializer_class = SuggestionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The program's slug."),
            OpenApiParameter("start", OpenApiTypes.DATE),
        ],
        responses=SuggestionSerializer,
    )
    def retrieve(self, request, slug=None):
        program = get_object_or_404(Program, slug=slug)
        start = _date(request.query_params.get("start"), "start") or timezone.localdate()
        found = runweek.suggestion(request.user, program, start)
        return Response(
            SuggestionSerializer(
                {
                    "program": program.slug,
                    "weekdays": found.weekdays,
                    "reasons": found.reasons,
                    "breaches": found.breaches,
                }
            ).data
        )


class CalendarViewSet(viewsets.ViewSet):
    """Runs, strength sessions and races by day, `?start=` to `?end=` (at most 62 days; default this week)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = CalendarDaySerializer

    @extend_schema(
        parameters=[OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE)],
        responses=CalendarDaySerializer(many=True),
    )
    def list(self, request):
        today = timezone.localdate()
        start = _date(request.query_params.get("start"), "start") or today - timedelta(days=today.weekday())
        end = _date(request.query_params.get("end"), "end") or start + timedelta(days=6)
        if end < start:
            raise ValidationError({"end": ["The end comes before the start."]})
        if (end - start).days >= calendars.MAX_DAYS:
            raise ValidationError({"end": [f"Ask for at most {calendars.MAX_DAYS} days at a time."]})
        days = calendars.days(request.user, request.user.profile, start, end, today)
        return Response(CalendarDaySerializer(days, many=True).data)


def _date(value, name):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: ["Use a date like 2026-03-04."]}) from None
