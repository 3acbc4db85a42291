"""The training log: sessions a runner did and the sets in them."""

import uuid
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from exercises.models import Exercise
from programs.models import PlannedSession

from .rules import (
    MAX_DISTANCE_M,
    MAX_DURATION_S,
    MAX_LOAD_KG,
    MAX_NAME,
    MAX_NOTE,
    MAX_REPS,
    MAX_SESSION_NOTES,
    RPE_VALUES,
)
from .units import format_load

RPE_CHOICES = [(value, f"{value:g}") for value in RPE_VALUES]

# Epley and Brzycki are only trusted for sets of this many reps or fewer.
E1RM_MAX_REPS = 10


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def with_exercise(self, exercise):
        """Sessions holding at least one set of `exercise` (one row each, however many sets)."""
        return self.filter(models.Exists(LoggedSet.objects.filter(session=models.OuterRef("pk"), exercise=exercise)))


class ImportBatch(models.Model):
    """One uploaded file: a draft while the runner reviews its exercise names, then the sessions it added.

    The draft keeps the file's text here (owned by the runner, keyed by a random id), so the confirming
    request reads what was uploaded, never anything the browser sends back. Undo removes exactly the
    sessions that point at the batch, and the own exercises it made that nothing else uses.
    """

    class Format(models.TextChoices):
        STRONG = "strong", "Strong"
        HEVY = "hevy", "Hevy"

    class Status(models.TextChoices):
        DRAFT = "draft", "Waiting for review"
        DONE = "done", "Imported"
        UNDONE = "undone", "Undone"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches")
    file_name = models.CharField(max_length=200)
    format = models.CharField(max_length=8, choices=Format.choices)
    unit = models.CharField(max_length=2, choices=[("kg", "kg"), ("lb", "lb")])
    distance_unit = models.CharField(max_length=2, choices=[("km", "km"), ("mi", "miles"), ("m", "metres")])
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField(blank=True, help_text="The uploaded file, kept until the import is confirmed.")
    rows = models.PositiveIntegerField(default=0)
    sessions_created = models.PositiveIntegerField(default=0)
    sessions_already_there = models.PositiveIntegerField(default=0)
    sets_created = models.PositiveIntegerField(default=0)
    # Rows of the file not stored as sets, each with its line and reason; warnings; own exercises it made.
    left_out = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_exercises = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "sha256"])]

    def __str__(self):
        return f"{self.file_name} ({self.get_format_display()}, {self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("logbook:import_detail", args=[self.pk])


class ExerciseNameMapping(models.Model):
    """A runner's choice of exercise for a name in their Strong or Hevy files, remembered for the next import."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_mappings")
    source_name = models.CharField(max_length=MAX_NAME)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "source_name"], name="unique_mapping_per_name")]

    def __str__(self):
        return f"{self.source_name} → {self.exercise}"


class Session(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="logged_sessions")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True, help_text="When the workout started, if known.")
    name = models.CharField(max_length=MAX_NAME, blank=True, help_text="Workout name.")
    planned_session = models.OneToOneField(
        PlannedSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="logged_session"
    )
    notes = models.TextField(blank=True, max_length=MAX_SESSION_NOTES)
    effort = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Overall effort, 1–10.",
    )
    duration_min = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)], help_text="Minutes."
    )
    # A form posts its token once; a second submit of the same form finds it and creates nothing.
    client_token = models.UUIDField(default=uuid.uuid4, editable=False)
    # Identifies an imported workout, so importing the same file twice adds nothing.
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every edit (logbook.services.update_session): an edit made from an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_token"], name="unique_session_client_token"),
            models.UniqueConstraint(
                fields=["user", "import_key"], condition=~Q(import_key=""), name="unique_session_import_key"
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | Q(effort__gte=1, effort__lte=10), name="session_effort_1_10"
            ),
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True) | Q(duration_min__lte=24 * 60), name="session_duration_le_day"
            ),
            models.CheckConstraint(condition=Q(date__gte="1900-01-01"), name="session_date_after_1900"),
        ]
        indexes = [models.Index(fields=["user", "-date"])]

    def __str__(self):
        return f"{self.title} on {self.date}"

    def get_absolute_url(self):
        return reverse("logbook:detail", args=[self.pk])

    @cached_property
    def ordered_sets(self):
        """The sets in order with their exercises; a prefetch with this to_attr fills it, a write renews it."""
        return list(self.sets.select_related("exercise").order_by("order"))

    def new_records(self, unit="kg"):
        """Personal records this session set, compared with every session before it, as sentences."""
        best = {"e1rm": models.Max("e1rm_kg"), "load": models.Max("load_kg"), "reps": models.Max("reps")}
        rows = self.sets.working().filter(exercise__isnull=False).values("exercise").annotate(**best)
        mine = {row["exercise"]: row for row in rows}
        if not mine:
            return []
        earlier = (
            LoggedSet.objects.working()
            .filter(session__user_id=self.user_id, exercise__in=mine)
            .filter(Q(session__date__lt=self.date) | Q(session__date=self.date, session_id__lt=self.pk))
            .values("exercise")
            .annotate(**best)
        )
        before = {row["exercise"]: row for row in earlier}
        names = dict(Exercise.objects.filter(pk__in=mine).values_list("pk", "name"))
        records = []
        for exercise_id, now in mine.items():
            then = before.get(exercise_id)
            if then is None:
                continue  # a first log is a baseline, not a record
            name = names[exercise_id]
            if now["e1rm"] and (then["e1rm"] is None or now["e1rm"] > then["e1rm"]):
                records.append(f"{name}: best estimated one-rep max yet ({format_load(now['e1rm'], unit)})")
            elif now["load"] and (then["load"] is None or now["load"] > then["load"]):
                records.append(f"{name}: heaviest load yet ({format_load(now['load'], unit)})")
            elif not now["load"] and now["reps"] and then["reps"] and now["reps"] > then["reps"]:
                records.append(f"{name}: most reps in a set yet ({now['reps']})")
        return sorted(records)

    @property
    def title(self):
        if self.name or not self.planned_session_id:
            return session_title(self.name, None, None)
        return session_title("", self.planned_session.enrollment.program.name, self.planned_session.workout.name)


class LastSet(NamedTuple):
    """One set of the last session with an exercise, as "last time" lines and suggestions read it."""

    reps: int | None
    duration_s: int | None
    load_kg: Decimal | None
    side: str
    kind: str
    date: date


class LoggedSetQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(session__user=user)

    def missed(self):
        """Missed attempts: a load and no rep completed."""
        return self.filter(reps=0)

    def weighted_for_muscle(self):
        """A set's share of a muscle's weekly set count: a left or right set is half, so a pair counts once."""
        return models.Case(
            models.When(side__in=["left", "right"], then=models.Value(Decimal("0.5"))),
            default=models.Value(Decimal("1")),
            output_field=models.DecimalField(max_digits=6, decimal_places=1),
        )

    def working(self):
        """Sets that count for bests and records: warm-ups and missed attempts do not."""
        return self.exclude(kind=LoggedSet.Kind.WARMUP).exclude(reps=0)

    def last_time(self, user, exercise_ids):
        """{exercise id: [LastSet]} from the runner's latest session holding each exercise, in two queries.

        Plain tuples, not model instances: "last time" lines and suggestions read six values a set, and a
        set with its session and exercise costs a hundred times that to build.
        """
        if not exercise_ids:
            return {}
        # Kept up to date on every write, so this stays one small query however long the log.
        last = {
            exercise_id: (session_id, day)
            for exercise_id, session_id, day in ExerciseStat.objects.filter(
                user=user, exercise_id__in=exercise_ids
            ).values_list("exercise_id", "last_session_id", "last_date")
        }
        if not last:
            return {}
        # No join to the sessions: the stat knows the date, and a join makes PostgreSQL hash every session.
        rows = (
            self.filter(session_id__in={s for s, _ in last.values()}, exercise_id__in=list(last))
            .order_by("order")
            .values_list("exercise_id", "session_id", "reps", "duration_s", "load_kg", "side", "kind")
        )
        found = {}
        for exercise_id, session_id, *values in rows:
            # A session that was another exercise's last time may hold earlier sets of this one: not these.
            last_session, day = last[exercise_id]
            if last_session == session_id:
                found.setdefault(exercise_id, []).append(LastSet(*values, day))
        return found

    def records(self):
        """Sets that beat every earlier estimated one-rep max for their exercise (window query)."""
        previous_best = models.Window(
            models.Max("e1rm_kg"),
            partition_by=[models.F("exercise_id")],
            order_by=[models.F("session__date").asc(), models.F("session_id").asc(), models.F("order").asc()],
            frame=models.RowRange(start=None, end=-1),
        )
        return (
            self.working()
            .filter(e1rm_kg__isnull=False)
            .annotate(previous_best=previous_best)
            .filter(previous_best__isnull=False, e1rm_kg__gt=models.F("previous_best"))
        )


class LoggedSet(models.Model):
    class Side(models.TextChoices):
        BOTH = "both", "Both / each side"
        LEFT = "left", "Left"
        RIGHT = "right", "Right"

    class Kind(models.TextChoices):
        WORKING = "working", "Working set"
        WARMUP = "warmup", "Warm-up"
        DROP = "drop", "Drop set"
        FAILURE = "failure", "To failure"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="sets")
    order = models.PositiveSmallIntegerField()
    # A library exercise or the runner's own. Null only for sets imported before own exercises existed.
    # RESTRICT, not PROTECT: an exercise with sets cannot be deleted, unless its sets go in the same delete
    # (an account deleted with its own exercises and its log).
    exercise = models.ForeignKey(Exercise, null=True, blank=True, on_delete=models.RESTRICT, related_name="logged_sets")
    # The name the set came in under (a Strong or Hevy name), kept even when it is linked to an exercise.
    exercise_name = models.CharField(max_length=MAX_NAME, blank=True)
    # The limits are logbook.rules' (checked there for every path, with messages); the constraints back them.
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_s = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    load_kg = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True, help_text="Empty: bodyweight.")
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.WORKING)
    note = models.CharField(max_length=MAX_NOTE, blank=True)
    # Sets sharing a number within a session were done as a superset (Hevy's superset_id).
    superset = models.PositiveSmallIntegerField(null=True, blank=True)
    # Derived on save so progress pages aggregate in the database.
    volume_kg = models.DecimalField(max_digits=10, decimal_places=3, default=0, editable=False)
    e1rm_kg = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True, editable=False)
    contacts = models.PositiveIntegerField(default=0, editable=False)
    # Beat every earlier e1RM of this exercise for this runner; kept right by ExerciseStat.refresh.
    is_record = models.BooleanField(default=False, editable=False)

    objects = LoggedSetQuerySet.as_manager()

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exercise__isnull=False) | ~Q(exercise_name=""), name="set_names_an_exercise"
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(duration_s__isnull=False) | Q(distance_m__isnull=False),
                name="set_has_reps_or_duration",
            ),
            # 0 reps only for a missed attempt: a set to failure that did not come up.
            models.CheckConstraint(
                condition=Q(reps__isnull=True)
                | Q(reps__gte=1, reps__lte=MAX_REPS)
                | Q(reps=0, kind="failure", load_kg__gt=0),
                name="set_reps_1_1000_or_missed",
            ),
            models.CheckConstraint(
                condition=Q(duration_s__isnull=True) | Q(duration_s__gte=1, duration_s__lte=MAX_DURATION_S),
                name="set_duration_up_to_2h",
            ),
            models.CheckConstraint(
                condition=Q(load_kg__isnull=True) | Q(load_kg__gte=0, load_kg__lte=MAX_LOAD_KG),
                name="set_load_0_1000kg",
            ),
            models.CheckConstraint(condition=Q(rpe__isnull=True) | Q(rpe__gte=6, rpe__lte=10), name="set_rpe_6_10"),
            models.CheckConstraint(
                condition=Q(distance_m__isnull=True) | Q(distance_m__gte=0, distance_m__lte=MAX_DISTANCE_M),
                name="set_distance_ok",
            ),
        ]
        indexes = [
            models.Index(fields=["exercise", "session"]),
            models.Index(fields=["session"], condition=Q(is_record=True), name="loggedset_records"),
        ]

    def __str__(self):
        return f"{self.exercise_label}: {self.describe()}"

    @property
    def exercise_label(self):
        return self.exercise.name if self.exercise_id else self.exercise_name

    @property
    def source_name(self):
        """The name the runner knows the set by: its imported name, or the exercise's."""
        return self.exercise_name or self.exercise_label

    @property
    def is_missed(self):
        return self.reps == 0

    def describe(self):
        parts = []
        if self.reps:
            parts.append(f"{self.reps} reps")
        if self.duration_s:
            parts.append(f"{self.duration_s} s")
        if self.load_kg:
            parts.append(f"{self.load_kg.normalize():f} kg")
        return " × ".join(parts) or "—"

    @property
    def sides(self):
        """How many sides this row stands for: a unilateral 'both' row is one set on each side."""
        if self.exercise_id and self.exercise.unilateral and self.side == self.Side.BOTH:
            return 2
        return 1

    def compute_derived(self):
        contacts_per_rep = (self.exercise.ground_contacts_per_rep or 0) if self.exercise_id else 0
        self.volume_kg, self.contacts, self.e1rm_kg = derived(self.load_kg, self.reps, self.sides, contacts_per_rep)


def derived(load_kg, reps, sides, contacts_per_rep):
    """(volume kg, ground contacts, e1RM kg or None) of a set: what LoggedSet stores beside what was logged."""
    load = load_kg or Decimal(0)
    reps = reps or 0
    e1rm = round(epley(load, reps), 2) if load > 0 and 1 <= reps <= E1RM_MAX_REPS else None
    return load * reps * sides, reps * sides * contacts_per_rep, e1rm


# "Best set": highest estimated one-rep max, then heaviest load, then most reps or longest hold.
BEST_ORDER = [
    models.F("e1rm_kg").desc(nulls_last=True),
    models.F("load_kg").desc(nulls_last=True),
    models.F("reps").desc(nulls_last=True),
    models.F("duration_s").desc(nulls_last=True),
]


def best_key(logged):
    """BEST_ORDER as a Python sort key, for one session's handful of sets."""
    low = Decimal("-1")
    return (
        logged.e1rm_kg if logged.e1rm_kg is not None else low,
        logged.load_kg if logged.load_kg is not None else low,
        logged.reps or -1,
        logged.duration_s or -1,
    )


class ExerciseStat(models.Model):
    """Per runner and exercise, figures kept up to date on every write.

    Progress pages read one row per exercise instead of searching thousands of sets.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_stats")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="stats")
    sessions_logged = models.PositiveIntegerField()
    last_date = models.DateField()
    last_session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    best_set = models.ForeignKey(LoggedSet, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "exercise"], name="unique_stat_per_exercise")]
        indexes = [models.Index(fields=["user", "-last_date"])]

    def __str__(self):
        return f"{self.user} · {self.exercise}"


def session_title(name, program, workout):
    """A session's title: its name, else its program and workout, else a plain label."""
    if name:
        return name
    if program:
        return f"{program} · {workout}"
    return "Training session"


def epley(load, reps):
    """Estimated one-rep max, Epley: w × (1 + r/30)."""
    load = Decimal(load)
    return load if reps == 1 else load * (1 + Decimal(reps) / 30)


def brzycki(load, reps):
    """Estimated one-rep max, Brzycki: w × 36 / (37 − r)."""
    return Decimal(load) * 36 / (37 - Decimal(reps))


def e1rm_range(load, reps):
    """(low, high) of the two estimates, or None outside the reps they are trusted for."""
    if not load or not reps or reps > E1RM_MAX_REPS:
        return None
    a, b = epley(load, reps), brzycki(load, reps)
    return (round(min(a, b), 1), round(max(a, b), 1))


class Draft(models.Model):
    """A session being logged and not finished yet: what the log form held at its last autosave.

    Keyed by the form's client token, the same token `log_session` is called with when it is finished, so a
    finish sent twice (a retry, or a post queued offline and replayed) still logs one session.
    `data` is the form's fields as posted (name → value), without the CSRF token.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    client_token = models.UUIDField()
    planned_session = models.ForeignKey(
        "programs.PlannedSession", on_delete=models.CASCADE, null=True, blank=True, related_name="drafts"
    )
    name = models.CharField(max_length=MAX_NAME, blank=True)
    data = models.JSONField(default=dict)
    sets_total = models.PositiveSmallIntegerField(default=0)
    sets_done = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client_token"], name="unique_draft_client_token"),
            models.UniqueConstraint(
                fields=["planned_session"],
                condition=Q(planned_session__isnull=False),
                name="unique_draft_per_planned_session",
            ),
        ]

    def __str__(self):
        return f"Draft {self.name or self.client_token} of {self.user}"

    def get_absolute_url(self):
        if self.planned_session_id:
            return reverse("logbook:log_planned", args=[self.planned_session_id])
        return reverse("logbook:create") + f"?draft={self.client_token}"
