from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.fields import IntegerApiField, SlugLookupField

from . import placement, runweek, services
from .forms import MAX_START_AHEAD_DAYS, MAX_START_BEHIND_DAYS, RaceForm, check_start_date, check_weekdays
from .models import Enrollment, PlannedSession, Prescription, Program, ProgramWeek, Race, Workout


class PrescriptionSerializer(serializers.ModelSerializer):
    exercise = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Prescription
        fields = [
            "order",
            "exercise",
            "sets",
            "reps_min",
            "reps_max",
            "duration_s",
            "per_side",
            "rest_s",
            "load",
            "note",
        ]


class WorkoutSerializer(serializers.ModelSerializer):
    prescriptions = PrescriptionSerializer(many=True, read_only=True)
    minutes = serializers.IntegerField(read_only=True, help_text="Work plus rest, rounded up to whole minutes.")

    class Meta:
        model = Workout
        fields = ["id", "order", "name", "minutes", "prescriptions"]


class WeekSerializer(serializers.ModelSerializer):
    sessions = WorkoutSerializer(source="workouts", many=True, read_only=True)

    class Meta:
        model = ProgramWeek
        fields = ["number", "focus", "sessions"]


class ProgramListSerializer(serializers.ModelSerializer):
    week_count = serializers.IntegerField(source="weeks", read_only=True)
    equipment = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:program-detail", lookup_field="slug")

    class Meta:
        model = Program
        fields = [
            "slug",
            "url",
            "name",
            "goal",
            "level",
            "week_count",
            "sessions_per_week",
            "sessions_per_week_min",
            "min_hours_between",
            "is_plyometric",
            "equipment",
            "duration_min",
            "duration_max",
        ]


class ProgramDetailSerializer(ProgramListSerializer):
    weeks = WeekSerializer(source="program_weeks", many=True, read_only=True)
    sources = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta(ProgramListSerializer.Meta):
        fields = ProgramListSerializer.Meta.fields + [
            "summary",
            "timing",
            "warmup",
            "progression",
            "sources",
            "weeks",
        ]


class PlannedSessionSerializer(serializers.ModelSerializer):
    workout = serializers.CharField(source="workout.name", read_only=True)
    logged_session = serializers.SerializerMethodField()

    class Meta:
        model = PlannedSession
        fields = ["id", "date", "week", "sequence", "workout", "status", "logged_session"]

    def get_logged_session(self, obj) -> int | None:
        logged = getattr(obj, "logged_session", None)
        return logged.pk if logged else None


class BreachSerializer(serializers.Serializer):
    """One placement rule one session breaks, and the nearest day that would keep every rule."""

    rule = serializers.CharField()
    rule_text = serializers.SerializerMethodField()
    session = serializers.IntegerField(source="key")
    date = serializers.DateField()
    message = serializers.CharField()
    nearest = serializers.DateField(allow_null=True)

    def get_rule_text(self, obj) -> str:
        return placement.RULES[obj.rule]


class EnrollmentSerializer(serializers.ModelSerializer):
    program = SlugLookupField(slug_field="slug", queryset=Program.objects.all())
    weekdays = serializers.ListField(
        child=IntegerApiField(min_value=0, max_value=6),
        allow_empty=True,
        max_length=7,
        help_text="Training days, 0 (Monday) to 6 (Sunday): at least one, each once. Required when enrolling.",
    )
    start_date = serializers.DateField(
        required=False,
        help_text=f"The first day of the block (default today): from {MAX_START_BEHIND_DAYS} days ago to "
        f"{MAX_START_AHEAD_DAYS} days ahead. Set when enrolling; restart the program to change it.",
    )
    sessions = PlannedSessionSerializer(source="planned_sessions", many=True, read_only=True)
    warnings = serializers.SerializerMethodField(help_text="One line per placement rule this schedule breaks.")
    breaches = serializers.SerializerMethodField(help_text="Each session breaking a rule, and its nearest good day.")
    status = serializers.ChoiceField(choices=[Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED], required=False)

    class Meta:
        model = Enrollment
        fields = ["id", "program", "start_date", "weekdays", "status", "warnings", "breaches", "sessions", "created_at"]
        read_only_fields = ["created_at"]

    def _breaches(self, obj):
        # Just written: what the change broke, on this enrolment or on another it now crowds.
        if getattr(obj, "breaches", None) is not None:
            return obj.breaches
        # The runner's whole schedule is checked once per response, however many enrolments it lists.
        if "_breaches" not in self.context:
            self.context["_breaches"] = runweek.breaches(obj.user, today=timezone.localdate())
        keys = {p.pk for p in obj.planned_sessions.all()}
        return [b for b in self.context["_breaches"] if b.key in keys]

    def get_warnings(self, obj) -> list[str]:
        return runweek.summary(self._breaches(obj))

    @extend_schema_field(BreachSerializer(many=True))
    def get_breaches(self, obj):
        return BreachSerializer(self._breaches(obj), many=True).data

    def validate_weekdays(self, value):
        if error := check_weekdays(value):
            raise serializers.ValidationError(error)
        return sorted(value)

    def validate_start_date(self, value):
        if self.instance is not None and value != self.instance.start_date:
            raise serializers.ValidationError("The start date can't be changed; restart the program instead.")
        if self.instance is None and (error := check_start_date(value)):
            raise serializers.ValidationError(error)
        return value

    def validate_program(self, value):
        if self.instance is not None and value != self.instance.program:
            raise serializers.ValidationError("The program of an enrolment can't be changed.")
        return value

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is None:
            if "weekdays" not in attrs:
                raise serializers.ValidationError({"weekdays": ["This field is required."]})
            if Enrollment.objects.for_user(user).current().filter(program=attrs["program"]).exists():
                raise serializers.ValidationError({"program": ["You are already following this program."]})
        instance = self.instance
        completed = instance is not None and instance.status == Enrollment.Status.COMPLETED
        if completed and attrs.get("status", instance.status) != instance.status:
            raise serializers.ValidationError({"status": ["This block is complete; restart it on the site."]})
        return attrs

    def create(self, validated_data):
        return services.enrol(
            validated_data["user"],
            validated_data["program"],
            validated_data.get("start_date") or timezone.localdate(),
            validated_data["weekdays"],
        )

    def update(self, instance, validated_data):
        return services.change(
            instance,
            today=timezone.localdate(),
            weekdays=validated_data.get("weekdays"),
            status=validated_data.get("status"),
        )


class RaceSerializer(serializers.ModelSerializer):
    taper = serializers.IntegerField(read_only=True, help_text="Days of taper: taper_days, or the distance's default.")
    breaches = serializers.SerializerMethodField(help_text="Sessions this race's taper or race week now covers.")

    class Meta:
        model = Race
        fields = ["id", "name", "date", "distance", "priority", "taper_days", "taper", "primer", "breaches"]

    def validate_date(self, value):
        form = RaceForm(data={})
        form.cleaned_data = {"date": value}
        try:
            return form.clean_date()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate_taper_days(self, value):
        if value is not None and not 1 <= value <= 28:
            raise serializers.ValidationError("Pick from 1 to 28 days, or null for the default.")
        return value

    @extend_schema_field(BreachSerializer(many=True))
    def get_breaches(self, obj):
        return BreachSerializer(getattr(obj, "breaches", []), many=True).data

    def create(self, validated_data):
        return services.save_race(self.context["request"].user, validated_data)

    def update(self, instance, validated_data):
        return services.save_race(instance.user, validated_data, race=instance)


class SuggestionSerializer(serializers.Serializer):
    program = serializers.CharField()
    weekdays = serializers.ListField(child=serializers.IntegerField(), help_text="0 = Monday.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why each day; then any notes.")
    breaches = BreachSerializer(many=True, help_text="What the best choice still breaks, if no day fits.")


class CalendarSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    program = serializers.CharField(source="enrollment.program.slug")
    workout = serializers.CharField(source="workout.name")
    status = serializers.CharField()
    taper = serializers.BooleanField(help_text="Falls in a taper or race week: do a primer or rest instead.")
    breaches = BreachSerializer(many=True)


class CalendarRaceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    distance = serializers.CharField()
    priority = serializers.CharField()


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    run = serializers.CharField(source="run.kind")
    run_time = serializers.CharField(source="run.time")
    sessions = CalendarSessionSerializer(many=True)
    races = CalendarRaceSerializer(many=True)
