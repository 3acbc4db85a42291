"""The one API router, and how API errors are shaped."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus a service's ValidationError (a broken rule, a known constraint) as a 400.

    Any other database error is a bug: it propagates, is logged, and answers 500.
    """
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def build_router():
    from exercises.api import EquipmentViewSet, ExerciseViewSet, MuscleViewSet
    from logbook.api import ImportViewSet, OwnExerciseViewSet, ProgressViewSet, SessionViewSet
    from programs.api import CalendarViewSet, EnrollmentViewSet, ProgramViewSet, RaceViewSet, SuggestionViewSet

    router = DefaultRouter()
    router.register("exercises", ExerciseViewSet, basename="exercise")
    router.register("muscles", MuscleViewSet, basename="muscle")
    router.register("equipment", EquipmentViewSet, basename="equipment")
    router.register("programs", ProgramViewSet, basename="program")
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("races", RaceViewSet, basename="race")
    router.register("suggestions", SuggestionViewSet, basename="suggestion")
    router.register("calendar", CalendarViewSet, basename="calendar")
    router.register("sessions", SessionViewSet, basename="session")
    router.register("progress", ProgressViewSet, basename="progress")
    router.register("my-exercises", OwnExerciseViewSet, basename="own-exercise")
    router.register("imports", ImportViewSet, basename="import")
    return router
