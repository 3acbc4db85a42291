"""The one API router, and how API errors are shaped."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus database and model validation errors as 400s instead of 500s.

    DRF marks the surrounding transaction for rollback; a read has none of its own (AtomicWritesMixin),
    so it must leave an enclosing one (a script's, a test's) as it was.
    """
    request = context.get("request")
    if request is not None and request.method in permissions.SAFE_METHODS and connection.in_atomic_block:
        doomed = transaction.get_rollback()
        response = _handle(exc, context)
        transaction.set_rollback(doomed)
        return response
    return _handle(exc, context)


def _handle(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": ["That conflicts with data you already have."]}, status=status.HTTP_400_BAD_REQUEST
        )
    return drf_exception_handler(exc, context)


class AtomicWritesMixin:
    """ATOMIC_REQUESTS for a viewset's writes only (config/transactions.py says why reads go without).

    A write runs in one transaction, rolled back on any error, as ATOMIC_REQUESTS would.
    """

    @classmethod
    def as_view(cls, *args, **kwargs):
        return transaction.non_atomic_requests(super().as_view(*args, **kwargs))

    def dispatch(self, request, *args, **kwargs):
        if request.method in permissions.SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)


def build_router():
    from exercises.api import EquipmentViewSet, ExerciseViewSet, MuscleViewSet
    from logbook.api import ProgressViewSet, SessionViewSet
    from programs.api import EnrollmentViewSet, ProgramViewSet

    router = DefaultRouter()
    router.register("exercises", ExerciseViewSet, basename="exercise")
    router.register("muscles", MuscleViewSet, basename="muscle")
    router.register("equipment", EquipmentViewSet, basename="equipment")
    router.register("programs", ProgramViewSet, basename="program")
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("sessions", SessionViewSet, basename="session")
    router.register("progress", ProgressViewSet, basename="progress")
    return router
