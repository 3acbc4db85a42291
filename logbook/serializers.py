from collections.abc import Mapping

from django.utils import timezone
from rest_framework import serializers

from accounts.fields import IntegerApiField, PlainNumbersSerializerMixin, SlugLookupField
from exercises.models import Exercise
from programs.models import PlannedSession

from . import rules, services
from .models import LoggedSet, Session, e1rm_range


class ExerciseField(SlugLookupField):
    """An exercise by slug, taken from the exercises the whole session names (one query, not one per set)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Exercise.objects.all(), **kwargs)

    def to_internal_value(self, data):
        known = self.context.get("exercises_by_slug", {})
        if isinstance(data, str) and data in known:
            return known[data]
        return super().to_internal_value(data)


class LoggedSetSerializer(PlainNumbersSerializerMixin, serializers.ModelSerializer):
    exercise = ExerciseField()

    class Meta:
        model = LoggedSet
        fields = ["exercise", "reps", "duration_s", "load_kg", "side", "rpe", "note", "kind"]
        extra_kwargs = {"kind": {"required": False}}

    def validate(self, attrs):
        # A PATCH skips missing fields, but a set is always written whole: the rules see every field.
        if problems := rules.set_problems(**attrs):
            raise serializers.ValidationError({name: [message] for name, message in problems.items()})
        return attrs


class PlannedSessionField(serializers.PrimaryKeyRelatedField):
    """Only the requesting runner's own planned sessions can be linked; anything else is a 400."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return PlannedSession.objects.none()
        return PlannedSession.objects.for_user(request.user)


class SessionSerializer(PlainNumbersSerializerMixin, serializers.ModelSerializer):
    planned_session = PlannedSessionField(required=False, allow_null=True)
    # Read from Session.ordered_sets: prefetched for lists, the rows just written after a save.
    # The length is checked before any set is: a body of 10,000 sets costs no more than one of 201.
    sets = LoggedSetSerializer(many=True, allow_empty=False, max_length=rules.MAX_SETS, source="ordered_sets")
    version = IntegerApiField(
        required=False,
        min_value=1,
        help_text="Bumped by every edit. Send the version you read with a PUT or PATCH (or send `If-Match` "
        "with the ETag of your GET): if the session has changed since, nothing is written and the answer is "
        "409 (412 for If-Match) with the current session.",
    )
    client_token = serializers.UUIDField(
        required=False,
        help_text="An idempotency key for POST (or send the `Idempotency-Key` header): a retry with the same "
        "key logs nothing new and answers 200 with the session the first request logged.",
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "date",
            "name",
            "planned_session",
            "notes",
            "effort",
            "duration_min",
            "sets",
            "created_at",
            "version",
            "client_token",
        ]
        read_only_fields = ["created_at"]

    def to_internal_value(self, data):
        rows = data.get("sets") if isinstance(data, Mapping) else None
        if isinstance(rows, list):
            slugs = {
                row["exercise"]
                for row in rows
                # A slug holding a NUL can't be asked for (PostgreSQL refuses it); its field says "no such".
                if isinstance(row, Mapping) and isinstance(row.get("exercise"), str) and "\x00" not in row["exercise"]
            }
            self.context["exercises_by_slug"] = Exercise.objects.in_bulk(slugs, field_name="slug")
        return super().to_internal_value(data)

    def validate_date(self, value):
        if problem := rules.date_problem(value, timezone.localdate()):
            raise serializers.ValidationError(problem)
        return value

    def create(self, validated_data):
        sets = validated_data.pop("ordered_sets")
        user = validated_data.pop("user")
        planned = validated_data.pop("planned_session", None)
        validated_data.pop("version", None)
        logged = services.log_session(user, sets=sets, planned=planned, **validated_data)
        self.created = logged.created
        return logged.session

    def update(self, instance, validated_data):
        sets = validated_data.pop("ordered_sets", None)
        validated_data.pop("client_token", None)  # a session's key is set once, when it is logged
        expected = validated_data.pop("version", None)
        if expected is None:
            expected = self.context.get("if_match")
        return services.update_session(instance, sets=sets, expected_version=expected, **validated_data)


class HistoryPointSerializer(serializers.Serializer):
    date = serializers.DateField(source="session__date")
    session = serializers.IntegerField(source="session_id")
    sets = serializers.IntegerField()
    total_reps = serializers.IntegerField(allow_null=True)
    max_load_kg = serializers.DecimalField(source="max_load", max_digits=7, decimal_places=3, allow_null=True)
    volume_kg = serializers.DecimalField(source="volume", max_digits=12, decimal_places=3, allow_null=True)
    best_e1rm_kg = serializers.DecimalField(source="best_e1rm", max_digits=8, decimal_places=2, allow_null=True)


class BestSetSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="session.date")
    session = serializers.IntegerField(source="session_id")

    class Meta:
        model = LoggedSet
        fields = ["session", "date", "reps", "duration_s", "load_kg", "side", "rpe"]


class ProgressSerializer(serializers.Serializer):
    exercise = serializers.CharField()
    best_set = BestSetSerializer(allow_null=True)
    e1rm = serializers.SerializerMethodField()
    history = HistoryPointSerializer(many=True)

    def get_e1rm(self, obj) -> dict | None:
        best = obj["best_set"]
        figures = e1rm_range(best.load_kg, best.reps) if best else None
        if not figures:
            return None
        return {
            "low_kg": str(figures[0]),
            "high_kg": str(figures[1]),
            "method": "Epley and Brzycki, sets of 10 or fewer",
        }
