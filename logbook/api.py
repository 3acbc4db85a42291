import django_filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, viewsets
from rest_framework.response import Response

from exercises.models import Exercise

from . import figures, services
from .models import LoggedSet, Session
from .serializers import ProgressSerializer, SessionSerializer


class SessionFilter(django_filters.FilterSet):
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    exercise = django_filters.ModelChoiceFilter(
        queryset=Exercise.objects.all(), to_field_name="slug", method="filter_exercise"
    )

    class Meta:
        model = Session
        fields = ["date_after", "date_before", "exercise"]

    @extend_schema_field(OpenApiTypes.STR)  # an exercise slug
    def filter_exercise(self, queryset, name, value):
        return queryset.with_exercise(value)


class SessionViewSet(viewsets.ModelViewSet):
    """The runner's logged sessions; a session and all its sets are created or replaced in one request."""

    serializer_class = SessionSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = SessionFilter
    queryset = Session.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Session.objects.none()
        return (
            Session.objects.for_user(self.request.user)
            .prefetch_related(
                Prefetch(
                    "sets",
                    queryset=LoggedSet.objects.select_related("exercise").order_by("order"),
                    to_attr="ordered_sets",
                )
            )
            .order_by("-date", "-id")
        )

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)

    def perform_destroy(self, instance):
        services.delete_session(instance)


class ProgressViewSet(viewsets.GenericViewSet):
    """Progress for one exercise: best set, estimated one-rep max range, and history points."""

    serializer_class = ProgressSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    queryset = Exercise.objects.all()
    pagination_class = None
    filter_backends = []

    def retrieve(self, request, slug=None):
        exercise = self.get_object()
        best = figures.best_set(request.user, exercise)
        data = {"exercise": exercise.slug, "best_set": best, "history": figures.history(request.user, exercise)}
        return Response(ProgressSerializer(data).data)
