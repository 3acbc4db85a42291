from rest_framework import viewsets

from .cache import content_response
from .filters import ExerciseFilter
from .models import Equipment, Exercise, Muscle
from .serializers import EquipmentSerializer, ExerciseDetailSerializer, ExerciseListSerializer, MuscleSerializer


class ExerciseViewSet(viewsets.ReadOnlyModelViewSet):
    """The exercise library. Filters: `muscle`, `equipment`, `pattern`, `no_equipment`, `search`."""

    queryset = Exercise.objects.with_lists()
    lookup_field = "slug"
    filterset_class = ExerciseFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return Exercise.objects.with_lists().prefetch_related("easier", "harder", "sources")
        return super().get_queryset()

    def get_serializer_class(self):
        return ExerciseDetailSerializer if self.action == "retrieve" else ExerciseListSerializer

    # The library only changes when content is reloaded: serve it from the cache.
    def list(self, request, *args, **kwargs):
        return cached_library(request, lambda: super(ExerciseViewSet, self).list(request))

    def retrieve(self, request, *args, **kwargs):
        return cached_library(request, lambda: super(ExerciseViewSet, self).retrieve(request, *args, **kwargs))


def cached_library(request, respond):
    return content_response(request, "api:exercises", lambda: respond().data)


class MuscleViewSet(viewsets.ReadOnlyModelViewSet):
    """Muscles, by slug."""

    queryset = Muscle.objects.all()
    serializer_class = MuscleSerializer
    lookup_field = "slug"
    pagination_class = None


class EquipmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Equipment, by slug."""

    queryset = Equipment.objects.all()
    serializer_class = EquipmentSerializer
    lookup_field = "slug"
    pagination_class = None
