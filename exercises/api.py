from rest_framework import viewsets

from .cache import ContentCachedViewSet
from .filters import ExerciseFilter
from .models import Equipment, Exercise, Muscle
from .serializers import EquipmentSerializer, ExerciseDetailSerializer, ExerciseListSerializer, MuscleSerializer


class ExerciseViewSet(ContentCachedViewSet, viewsets.ReadOnlyModelViewSet):
    """The exercise library. Filters: `muscle`, `equipment`, `pattern`, `no_equipment`, `search`."""

    queryset = Exercise.objects.library().with_lists()
    lookup_field = "slug"
    filterset_class = ExerciseFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return Exercise.objects.library().with_lists().prefetch_related("easier", "harder", "sources")
        return super().get_queryset()

    def get_serializer_class(self):
        return ExerciseDetailSerializer if self.action == "retrieve" else ExerciseListSerializer


class MuscleViewSet(ContentCachedViewSet, viewsets.ReadOnlyModelViewSet):
    """Muscles, by slug."""

    queryset = Muscle.objects.all()
    serializer_class = MuscleSerializer
    lookup_field = "slug"
    pagination_class = None


class EquipmentViewSet(ContentCachedViewSet, viewsets.ReadOnlyModelViewSet):
    """Equipment, by slug."""

    queryset = Equipment.objects.all()
    serializer_class = EquipmentSerializer
    lookup_field = "slug"
    pagination_class = None
