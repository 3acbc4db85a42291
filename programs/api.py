from django.db.models import Prefetch
from rest_framework import mixins, permissions, viewsets

from exercises.cache import ContentCachedViewSet

from . import services
from .models import Enrollment, PlannedSession, Prescription, Program, ProgramWeek, Workout
from .serializers import EnrollmentSerializer, ProgramDetailSerializer, ProgramListSerializer


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
