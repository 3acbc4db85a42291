from collections.abc import Mapping

from django.db import transaction
from rest_framework import serializers

from exercises.models import Exercise
from programs.models import PlannedSession

from .models import LoggedSet, Session, e1rm_range


class ExerciseField(serializers.SlugRelatedField):
    """An exercise by slug, taken from the exercises the whole session names (one query, not one per set)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Exercise.objects.all(), **kwargs)

    def to_internal_value(self, data):
        known = self.context.get("exercises_by_slug", {})
        if isinstance(data, str) and data in known:
            return known[data]
        return super().to_internal_value(data)


class LoggedSetSerializer(serializers.ModelSerializer):
    exercise = ExerciseField()

    class Meta:
        model = LoggedSet
        fields = ["exercise", "reps", "duration_s", "load_kg", "side", "rpe", "note", "kind"]
        extra_kwargs = {"kind": {"required": False}}

    def validate(self, attrs):
        if attrs.get("reps") is None and attrs.get("duration_s") is None:
            raise serializers.ValidationError({"reps": ["Give reps, or duration_s for a timed set."]})
        exercise = attrs.get("exercise")
        if exercise is None:  # a PATCH skips missing fields, but a set is always written whole
            raise serializers.ValidationError({"exercise": ["This field is required."]})
        if not exercise.unilateral and attrs.get("side", LoggedSet.Side.BOTH) != LoggedSet.Side.BOTH:
            raise serializers.ValidationError({"side": [f"{exercise.name} works both sides together; use 'both'."]})
        return attrs


class PlannedSessionField(serializers.PrimaryKeyRelatedField):
    """Only the requesting runner's own planned sessions can be linked; anything else is a 400."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return PlannedSession.objects.none()
        return PlannedSession.objects.for_user(request.user)


class SessionSerializer(serializers.ModelSerializer):
    planned_session = PlannedSessionField(required=False, allow_null=True)
    # Read from Session.ordered_sets: prefetched for lists, the rows just written after a save.
    sets = LoggedSetSerializer(many=True, allow_empty=False, source="ordered_sets")

    class Meta:
        model = Session
        fields = ["id", "date", "name", "planned_session", "notes", "effort", "duration_min", "sets", "created_at"]
        read_only_fields = ["created_at"]

    def to_internal_value(self, data):
        rows = data.get("sets") if isinstance(data, Mapping) else None
        if isinstance(rows, list):
            slugs = {
                row["exercise"] for row in rows if isinstance(row, Mapping) and isinstance(row.get("exercise"), str)
            }
            self.context["exercises_by_slug"] = Exercise.objects.in_bulk(slugs, field_name="slug")
        return super().to_internal_value(data)

    def validate_planned_session(self, value):
        if value is None:
            return value
        taken = Session.objects.filter(planned_session=value)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("That planned session is already logged.")
        return value

    # Not a savepoint when the request is already in a transaction: nothing here recovers from an
    # error half-way, so the whole request rolls back, and two round trips are saved.
    @transaction.atomic(savepoint=False)
    def create(self, validated_data):
        sets = validated_data.pop("ordered_sets")
        session = Session.objects.create(**validated_data)
        session.replace_sets(sets, fresh=True)
        session.sync_plan()
        return session

    @transaction.atomic(savepoint=False)
    def update(self, instance, validated_data):
        sets = validated_data.pop("ordered_sets", None)
        previous = instance.planned_session_id
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        if sets is not None:
            instance.replace_sets(sets)
        instance.sync_plan(previous)
        return instance


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
