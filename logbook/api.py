import uuid
from collections.abc import Mapping

import django_filters
from django.db.models import Count, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from exercises.models import Exercise

from . import figures, services, strong
from .models import ImportBatch, LoggedSet, Session
from .serializers import (
    ImportBatchSerializer,
    ImportUploadSerializer,
    OwnExerciseSerializer,
    ProgressSerializer,
    SessionSerializer,
)


class SessionFilter(django_filters.FilterSet):
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    exercise = django_filters.ModelChoiceFilter(
        queryset=lambda request: Exercise.objects.loggable_by(request.user if request else None),
        to_field_name="slug",
        method="filter_exercise",
    )

    class Meta:
        model = Session
        fields = ["date_after", "date_before", "exercise"]

    @extend_schema_field(OpenApiTypes.STR)  # an exercise slug
    def filter_exercise(self, queryset, name, value):
        return queryset.with_exercise(value)


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description='The ETag of your GET (e.g. "3"): the edit is made only if the session is still that version.',
)


def etag(session):
    return f'"{session.version}"'


def version_from_etag(header):
    """The version an If-Match header names ("3" or W/"3"), or None."""
    value = header.strip().removeprefix("W/").strip('"')
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def parse_uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def idempotency_token(key):
    """The client token an Idempotency-Key stands for: the key itself if it is a UUID, else a UUID made from
    it (the same key always gives the same token); None for a key that is empty, too long or not ASCII."""
    key = key.strip()
    if not key or len(key) > 100 or not key.isascii() or not key.isprintable():
        return None
    return parse_uuid(key) or uuid.uuid5(uuid.NAMESPACE_URL, f"legwork:idempotency:{key}")


@extend_schema_view(partial_update=extend_schema(parameters=[IF_MATCH]))
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

    versioned = True  # PUT and PATCH honour If-Match and `version` (documented as 412/409 by config.schema)

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="A key of your own (a UUID is best, at most 100 characters): retrying a POST with "
                "the same key logs nothing new and answers 200 with the first session. Same as `client_token`.",
            )
        ],
        responses={201: SessionSerializer, 200: SessionSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Log a session. A retry with the same idempotency key answers 200 with the first one."""
        data = request.data
        key = request.headers.get("Idempotency-Key")
        if key is not None:
            token = idempotency_token(key)
            if token is None:
                return Response(
                    {"Idempotency-Key": ["Send a key of 1 to 100 visible ASCII characters."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            if isinstance(data, Mapping):
                data = {**data, "client_token": str(token)}
        if isinstance(data, Mapping) and (token := parse_uuid(data.get("client_token"))):
            # A retry is answered before it is validated: the first request was, and its answer stands.
            saved = self.get_queryset().filter(client_token=token).first()
            if saved is not None:
                return Response(self.get_serializer(saved).data, status=status.HTTP_200_OK)
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        created = getattr(serializer, "created", True)
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(serializer.data, status=answer, headers={"ETag": etag(serializer.instance)})

    def retrieve(self, request, *args, **kwargs):
        session = self.get_object()
        return Response(self.get_serializer(session).data, headers={"ETag": etag(session)})

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["if_match"] = getattr(self, "if_match", None)
        return context

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        """Replace or change a session; refused (412/409, with the current session) if it changed meanwhile."""
        header = request.headers.get("If-Match")
        if header is not None:
            self.if_match = version_from_etag(header)
            if self.if_match is None:
                return Response(
                    {"If-Match": ['Send the ETag from a GET of this session, e.g. "3".']},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            response = super().update(request, *args, **kwargs)
        except services.StaleSession as stale:
            current = self.get_queryset().get(pk=stale.session.pk)
            sent = self.if_match if header is not None else request.data.get("version")
            body = {
                "detail": f"This session has changed since version {sent} was read; it is now at version "
                f"{current.version}. Nothing was written. The current session is in `current`: apply your change "
                "to it and send it again.",
                "current": self.get_serializer(current).data,
            }
            answer = status.HTTP_412_PRECONDITION_FAILED if header is not None else status.HTTP_409_CONFLICT
            return Response(body, status=answer, headers={"ETag": etag(current)})
        response["ETag"] = etag(self.get_queryset().get(pk=kwargs["pk"]))
        return response

    def perform_destroy(self, instance):
        services.delete_session(instance)


class ProgressViewSet(viewsets.GenericViewSet):
    """Progress for one exercise: best set, estimated one-rep max range, and history points."""

    serializer_class = ProgressSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    queryset = Exercise.objects.none()
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Exercise.objects.loggable_by(self.request.user)

    def retrieve(self, request, slug=None):
        exercise = self.get_object()
        best = figures.best_set(request.user, exercise)
        data = {"exercise": exercise.slug, "best_set": best, "history": figures.history(request.user, exercise)}
        return Response(ProgressSerializer(data).data)


class OwnExerciseViewSet(viewsets.ModelViewSet):
    """The runner's own exercises. A set names one by its `slug`. Deleting one that sets use is refused
    (merge it: `POST …/merge/` with `{"into": slug}`)."""

    serializer_class = OwnExerciseSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Exercise.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Exercise.objects.none()
        return (
            Exercise.objects.owned_by(self.request.user)
            .annotate(sets_logged=Count("logged_sets"))
            .prefetch_related("primary_muscles", "equipment")
            .order_by("name")
        )

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def perform_destroy(self, instance):
        services.delete_own_exercise(instance)

    @extend_schema(request=None, responses={200: None})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None, **kwargs):
        exercise = self.get_object()
        slug = request.data.get("into") if isinstance(request.data, dict) else None
        usable = isinstance(slug, str) and "\x00" not in slug
        into = Exercise.objects.loggable_by(request.user).filter(slug=slug).first() if usable else None
        if into is None:
            return Response({"into": ["Name one of your exercises or a library exercise by slug."]}, status=400)
        moved = services.merge_own_exercise(exercise, into)
        return Response({"moved": moved, "into": into.slug})


class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports of Strong or Hevy CSV files. `POST` a file (multipart: `file`, `unit`, optional
    `distance_unit` and `mappings`) to import it in one step; `POST …/undo/` removes what one added."""

    serializer_class = ImportBatchSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = ImportBatch.objects.none()
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportBatch.objects.none()
        return ImportBatch.objects.filter(user=self.request.user).exclude(status=ImportBatch.Status.DRAFT).defer("text")

    @extend_schema(request=ImportUploadSerializer, responses={201: ImportBatchSerializer})
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        report = strong.import_csv(
            request.user,
            data["file"],
            data["unit"],
            distance_unit=data["distance_unit"],
            file_name=getattr(request.data.get("file"), "name", "import.csv"),
            choices=data["mappings"],
        )
        if not report.ok:
            errors = [{"line": line, "column": column, "message": message} for line, column, message in report.errors]
            return Response({"file": ["Nothing was imported."], "rows": errors[:200]}, status=400)
        if report.batch is None:
            return Response(
                {
                    "detail": "This file was already imported; nothing was added.",
                    "import": ImportBatchSerializer(report.already_imported).data,
                },
                status=status.HTTP_200_OK,
            )
        return Response(ImportBatchSerializer(report.batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None, **kwargs):
        batch = services.undo_import(self.get_object())
        return Response(ImportBatchSerializer(batch).data)
