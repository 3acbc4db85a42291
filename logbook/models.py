"""The training log: sessions a runner did and the sets in them."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from accounts.models import touch_user
from exercises.models import Exercise
from programs.models import PlannedSession

from .units import format_load

MAX_REPS = 1000
MAX_LOAD_KG = 1000
MAX_DURATION_S = 2 * 60 * 60
RPE_CHOICES = [(Decimal(x) / 2, f"{Decimal(x) / 2:g}") for x in range(12, 21)]


def validate_log_date(value):
    """No sessions dated more than a day ahead (time zones) or before 1900."""
    from django.utils import timezone

    if value > timezone.localdate() + timedelta(days=1):
        raise ValidationError("A session can't be dated more than a day in the future.")
    if value.year < 1900:
        raise ValidationError("Dates before 1900 are not accepted.")


def validate_rpe(value):
    if value is not None and (value < 6 or value > 10 or (value * 2) % 1):
        raise ValidationError("RPE runs from 6 to 10 in half steps (6, 6.5, … 10).")


# Epley and Brzycki are only trusted for sets of this many reps or fewer.
E1RM_MAX_REPS = 10


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def with_exercise(self, exercise):
        """Sessions holding at least one set of `exercise` (one row each, however many sets)."""
        return self.filter(models.Exists(LoggedSet.objects.filter(session=models.OuterRef("pk"), exercise=exercise)))


class Session(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="logged_sessions")
    date = models.DateField(validators=[validate_log_date])
    start_time = models.TimeField(null=True, blank=True, help_text="When the workout started, if known.")
    name = models.CharField(max_length=200, blank=True, help_text="Workout name.")
    planned_session = models.OneToOneField(
        PlannedSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="logged_session"
    )
    notes = models.TextField(blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    def save(self, *args, **kwargs):
        moved = False
        if self.pk and not self._state.adding:
            moved = Session.objects.filter(pk=self.pk).exclude(date=self.date).exists()
        super().save(*args, **kwargs)
        touch_user(self.user_id)
        if moved:  # "last session" and records follow the order of dates
            exercise_ids = self.sets.exclude(exercise=None).values_list("exercise_id", flat=True)
            ExerciseStat.refresh(self.user_id, set(exercise_ids))

    def get_absolute_url(self):
        return reverse("logbook:detail", args=[self.pk])

    @cached_property
    def ordered_sets(self):
        """The sets in order with their exercises; a prefetch with this to_attr fills it, replace_sets renews it."""
        return list(self.sets.select_related("exercise").order_by("order"))

    def replace_sets(self, rows, refresh=True, fresh=False):
        """Replace every set of this session with `rows` (dicts of LoggedSet fields), in order.

        `fresh` says the session was created in this transaction and has no sets yet, so there is
        nothing to read or delete first (its save() has already bumped the runner's data version).
        Returns the ids of every exercise touched (before and after), whose figures were refreshed
        unless `refresh` is False (an import refreshes once at the end).
        """
        before = set()
        if not fresh:
            touch_user(self.user_id)
            before = set(self.sets.filter(exercise__isnull=False).values_list("exercise_id", flat=True))
            self.sets.all().delete()
        new_sets = []
        for order, row in enumerate(rows, start=1):
            logged = LoggedSet(session=self, order=order, **row)
            logged.compute_derived()
            new_sets.append(logged)
        LoggedSet.objects.bulk_create(new_sets)
        self.ordered_sets = new_sets
        touched = before | {s.exercise_id for s in new_sets if s.exercise_id}
        if refresh:
            # The common case, a new session after everything else, is an append; edits recompute.
            slow = touched if before else ExerciseStat.append(self, new_sets)
            ExerciseStat.refresh(self.user_id, slow)
        return touched

    def sync_plan(self, previous_planned_id=None):
        """Mark the linked planned session done; reopen one this session no longer points at."""
        if previous_planned_id and previous_planned_id != self.planned_session_id:
            old = PlannedSession.objects.filter(pk=previous_planned_id).select_related("enrollment").first()
            if old:
                old.reopen()
        if self.planned_session_id and self.planned_session.status != PlannedSession.Status.DONE:
            self.planned_session.mark_done()

    def delete(self, *args, **kwargs):
        planned = self.planned_session
        touched = set(self.sets.filter(exercise__isnull=False).values_list("exercise_id", flat=True))
        result = super().delete(*args, **kwargs)
        touch_user(self.user_id)
        ExerciseStat.refresh(self.user_id, touched)
        if planned is not None:
            planned.reopen()
        return result

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
        if self.name:
            return self.name
        if self.planned_session_id:
            return f"{self.planned_session.enrollment.program.name} · {self.planned_session.workout.name}"
        return "Training session"


class LoggedSetQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(session__user=user)

    def weighted_for_muscle(self):
        """A set's share of a muscle's weekly set count: a left or right set is half, so a pair counts once."""
        return models.Case(
            models.When(side__in=["left", "right"], then=models.Value(Decimal("0.5"))),
            default=models.Value(Decimal("1")),
            output_field=models.DecimalField(max_digits=6, decimal_places=1),
        )

    def working(self):
        """Sets that count for bests and records: warm-ups do not."""
        return self.exclude(kind=LoggedSet.Kind.WARMUP)

    def last_time(self, user, exercise_ids):
        """{exercise id: [sets]} from the runner's latest session holding each exercise, in two queries."""
        if not exercise_ids:
            return {}
        # Kept up to date on every write, so this stays one small query however long the log.
        pairs = ExerciseStat.objects.filter(user=user, exercise_id__in=exercise_ids).values_list(
            "exercise_id", "last_session_id"
        )
        match = Q(pk__in=[])
        for exercise_id, session_id in pairs:
            match |= Q(exercise_id=exercise_id, session_id=session_id)
        found = {}
        for logged in self.filter(match).select_related("session", "exercise").order_by("order"):
            found.setdefault(logged.exercise_id, []).append(logged)
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
    # Null only for an imported exercise the library does not know; its name is kept in exercise_name.
    exercise = models.ForeignKey(Exercise, null=True, blank=True, on_delete=models.PROTECT, related_name="logged_sets")
    exercise_name = models.CharField(max_length=200, blank=True)
    reps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_REPS)]
    )
    duration_s = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_S)]
    )
    distance_m = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    load_kg = models.DecimalField(
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_LOAD_KG)],
        help_text="Empty means bodyweight.",
    )
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True, validators=[validate_rpe])
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.WORKING)
    note = models.CharField(max_length=500, blank=True)
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
            models.CheckConstraint(
                condition=Q(reps__isnull=True) | Q(reps__gte=1, reps__lte=MAX_REPS), name="set_reps_1_1000"
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
            models.CheckConstraint(condition=Q(distance_m__isnull=True) | Q(distance_m__gte=0), name="set_distance_ok"),
        ]
        indexes = [
            models.Index(fields=["exercise", "session"]),
            models.Index(fields=["session"], condition=Q(is_record=True), name="loggedset_records"),
        ]

    def __str__(self):
        return f"{self.exercise_label}: {self.describe()}"

    # One set saved or deleted on its own (the admin); the app writes whole sessions (Session.replace_sets).
    def save(self, *args, **kwargs):
        self.compute_derived()
        before = LoggedSet.objects.filter(pk=self.pk).values_list("exercise_id", flat=True).first() if self.pk else None
        super().save(*args, **kwargs)
        self._changed({before, self.exercise_id})

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._changed({self.exercise_id})
        return result

    def _changed(self, exercise_ids):
        user_id = self.session.user_id
        touch_user(user_id)
        ExerciseStat.refresh(user_id, exercise_ids - {None})

    @property
    def exercise_label(self):
        return self.exercise.name if self.exercise_id else self.exercise_name

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
        load = self.load_kg or Decimal(0)
        reps = self.reps or 0
        self.volume_kg = load * reps * self.sides
        self.contacts = reps * self.sides * ((self.exercise.ground_contacts_per_rep or 0) if self.exercise_id else 0)
        if load > 0 and 1 <= reps <= E1RM_MAX_REPS:
            self.e1rm_kg = round(epley(load, reps), 2)
        else:
            self.e1rm_kg = None


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

    @classmethod
    def refresh(cls, user_id, exercise_ids):
        """Recompute the figures and record flags of these exercises for one runner (a write-time cost)."""
        for exercise_id in exercise_ids:
            sets = LoggedSet.objects.filter(session__user_id=user_id, exercise_id=exercise_id)
            last = sets.order_by("-session__date", "-session_id").values_list("session_id", "session__date").first()
            if last is None:
                cls.objects.filter(user_id=user_id, exercise_id=exercise_id).delete()
                continue
            cls.objects.update_or_create(
                user_id=user_id,
                exercise_id=exercise_id,
                defaults={
                    "sessions_logged": sets.values("session_id").distinct().count(),
                    "last_session_id": last[0],
                    "last_date": last[1],
                    "best_set_id": sets.working().order_by(*BEST_ORDER).values_list("id", flat=True).first(),
                },
            )
            records = list(sets.records().values_list("id", flat=True))
            sets.filter(is_record=True).exclude(id__in=records).update(is_record=False)
            sets.filter(id__in=records, is_record=False).update(is_record=True)

    @classmethod
    def append(cls, session, new_sets):
        """Update figures for a session logged after every other one holding its exercises.

        Returns the exercises it could not append to (the session is not the latest), to refresh fully.
        """
        by_exercise = {}
        for logged in new_sets:
            if logged.exercise_id:
                by_exercise.setdefault(logged.exercise_id, []).append(logged)
        # No lock needed here: touch_user() has already updated this runner's profile row in this
        # transaction, so a concurrent write for the same runner waits at that row until we commit.
        stats = {
            stat.exercise_id: stat
            for stat in cls.objects.filter(user_id=session.user_id, exercise_id__in=by_exercise).select_related(
                "best_set"
            )
        }
        slow, records, rows = set(), [], []
        for exercise_id, sets in by_exercise.items():
            stat = stats.get(exercise_id)
            if stat and (session.date, session.pk) <= (stat.last_date, stat.last_session_id):
                slow.add(exercise_id)
                continue
            best = stat.best_set if stat else None
            running = best.e1rm_kg if best else None
            for logged in sets:
                if logged.kind == LoggedSet.Kind.WARMUP:
                    continue
                if logged.e1rm_kg is not None:
                    if running is not None and logged.e1rm_kg > running:
                        records.append(logged.pk)
                    if running is None or logged.e1rm_kg > running:
                        running = logged.e1rm_kg
                if best is None or best_key(logged) > best_key(best):
                    best = logged
            rows.append(
                cls(
                    user_id=session.user_id,
                    exercise_id=exercise_id,
                    sessions_logged=(stat.sessions_logged if stat else 0) + 1,
                    last_session_id=session.pk,
                    last_date=session.date,
                    best_set_id=best.pk if best else None,
                )
            )
        if rows:
            cls.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["user", "exercise"],
                update_fields=["sessions_logged", "last_session", "last_date", "best_set"],
            )
        if records:
            LoggedSet.objects.filter(pk__in=records).update(is_record=True)
        return slow

    @classmethod
    def refresh_user(cls, user_id):
        exercise_ids = set(
            LoggedSet.objects.filter(session__user_id=user_id, exercise__isnull=False).values_list(
                "exercise_id", flat=True
            )
        )
        cls.objects.filter(user_id=user_id).exclude(exercise_id__in=exercise_ids).delete()
        cls.refresh(user_id, exercise_ids)


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
