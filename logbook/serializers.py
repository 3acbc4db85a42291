from collections.abc import Mapping

from django.utils import timezone
from rest_framework import serializers

from accounts.fields import IntegerApiField, PlainNumbersSerializerMixin, SlugLookupField
from exercises import services as exercise_services
from exercises.models import Equipment, Exercise, Muscle
from programs.models import PlannedSession

from . import importers, rules, services
from .models import ImportBatch, LoggedSet, Session, e1rm_range


class ExerciseField(SlugLookupField):
    """An exercise by slug (the library's, or the runner's own), taken from the exercises the whole session
    names (one query, not one per set)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Exercise.objects.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Exercise.objects.loggable_by(getattr(request, "user", None))

    def to_internal_value(self, data):
        known = self.context.get("exercises_by_slug", {})
        if isinstance(data, str) and data in known:
            return known[data]
        return super().to_internal_value(data)


class LoggedSetSerializer(PlainNumbersSerializerMixin, serializers.ModelSerializer):
    """A set. `exercise` is a slug (the library's or the runner's own; null only for a set imported before
    own exercises existed); `name` what the set is called now; `exercise_name` the name it came in under
    (a Strong or Hevy name; blank when logged here), kept as it is through every round trip; `own` whether
    the exercise is the runner's own."""

    exercise = ExerciseField(allow_null=True, required=False)
    exercise_name = serializers.CharField(max_length=rules.MAX_NAME, required=False, allow_blank=True)
    name = serializers.CharField(source="exercise_label", read_only=True)
    own = serializers.SerializerMethodField()

    class Meta:
        model = LoggedSet
        fields = [
            "exercise",
            "exercise_name",
            "name",
            "own",
            "reps",
            "duration_s",
            "distance_m",
            "load_kg",
            "side",
            "rpe",
            "note",
            "kind",
            "superset",
        ]
        extra_kwargs = {"kind": {"required": False}}

    def get_own(self, obj) -> bool:
        return bool(obj.exercise_id and obj.exercise.owner_id)

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
            "start_time",
            "name",
            "planned_session",
            "notes",
            "effort",
            "duration_min",
            "distance_m",
            "sets",
            "created_at",
            "version",
            "client_token",
        ]
        read_only_fields = ["created_at"]

    distance_m = serializers.SerializerMethodField(help_text="Total distance of the session's sets, in metres.")

    def get_distance_m(self, obj) -> str | None:
        distances = [s.distance_m for s in obj.ordered_sets if s.distance_m is not None]
        return f"{sum(distances):.2f}" if distances else None

    def to_internal_value(self, data):
        rows = data.get("sets") if isinstance(data, Mapping) else None
        if isinstance(rows, list):
            slugs = {
                row["exercise"]
                for row in rows
                # A slug holding a NUL can't be asked for (PostgreSQL refuses it); its field says "no such".
                if isinstance(row, Mapping) and isinstance(row.get("exercise"), str) and "\x00" not in row["exercise"]
            }
            request = self.context.get("request")
            loggable = Exercise.objects.loggable_by(getattr(request, "user", None))
            self.context["exercises_by_slug"] = loggable.in_bulk(slugs, field_name="slug")
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


class OwnExerciseSerializer(serializers.ModelSerializer):
    """A runner's own exercise; `slug` is what a set names it by."""

    primary_muscles = SlugLookupField(slug_field="slug", many=True, required=False, queryset=Muscle.objects.all())
    equipment = SlugLookupField(slug_field="slug", many=True, required=False, queryset=Equipment.objects.all())
    sets_logged = serializers.SerializerMethodField()

    class Meta:
        model = Exercise
        fields = ["id", "slug", "name", "pattern", "unilateral", "primary_muscles", "equipment", "sets_logged"]
        read_only_fields = ["id", "slug"]

    def get_sets_logged(self, obj) -> int:
        counted = getattr(obj, "sets_logged", None)  # annotated on lists; counted after a write
        return counted if counted is not None else obj.logged_sets.count()

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("Give the exercise a name.")
        return value.strip()

    def create(self, validated_data):
        user = validated_data.pop("owner")
        return exercise_services.create_own_exercise(user, **validated_data)

    def update(self, instance, validated_data):
        return exercise_services.update_own_exercise(instance, **validated_data)


class ImportBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "file_name",
            "format",
            "unit",
            "distance_unit",
            "status",
            "rows",
            "sessions_created",
            "sessions_already_there",
            "sets_created",
            "left_out",
            "warnings",
            "created_exercises",
            "created_at",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    """An upload: the file, its units, and optional {source name: exercise slug, or "new"} choices."""

    file = serializers.FileField()
    unit = serializers.ChoiceField(choices=["kg", "lb"])
    distance_unit = serializers.ChoiceField(choices=["", "km", "mi", "m"], required=False, default="")
    mappings = serializers.JSONField(required=False, default=dict)

    def validate_file(self, upload):
        try:
            return importers.read_upload(upload)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_mappings(self, value):
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise serializers.ValidationError('An object of {"source name": "exercise slug" or "new"}.')
        if len(value) > 2000:
            raise serializers.ValidationError("At most 2,000 names.")
        user = self.context["request"].user
        if any("\x00" in k or "\x00" in v for k, v in value.items()):
            raise serializers.ValidationError("Names and slugs hold no NUL characters.")
        slugs = {v for v in value.values() if v != "new"}
        found = Exercise.objects.loggable_by(user).in_bulk(slugs, field_name="slug")
        if missing := sorted(slugs - set(found)):
            raise serializers.ValidationError(f"No such exercise: {', '.join(missing[:10])}.")
        return {name: (None if slug == "new" else found[slug]) for name, slug in value.items()}
