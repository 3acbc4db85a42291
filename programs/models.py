"""Program templates (content) and a runner's enrolments with their dated schedule."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from exercises.models import Equipment, Exercise, Source


class Program(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    goal = models.TextField()
    summary = models.TextField()
    level = models.CharField(max_length=12, choices=Level.choices)
    weeks = models.PositiveSmallIntegerField()
    sessions_per_week = models.PositiveSmallIntegerField()
    sessions_per_week_min = models.PositiveSmallIntegerField()
    min_hours_between = models.PositiveSmallIntegerField(default=24)
    is_plyometric = models.BooleanField(default=False)
    equipment = models.ManyToManyField(Equipment, related_name="programs")
    duration_min = models.PositiveSmallIntegerField()
    duration_max = models.PositiveSmallIntegerField()
    timing = models.TextField()
    warmup = models.TextField()
    progression = models.TextField()
    sources = models.ManyToManyField(Source, related_name="programs")
    # Who the block is for: what a runner should manage before starting it.
    entry_criteria = models.JSONField(default=list, blank=True)
    effort = models.CharField(max_length=200, blank=True, help_text="Effort target, e.g. RPE 7–8 (2–3 in reserve).")
    first_load = models.TextField(blank=True, help_text="How to pick a first load, or a short self-test.")
    # Which parts come from which source; a part with no source is Legwork's own design.
    provenance = models.JSONField(default=list, blank=True)
    warmup_minutes = models.PositiveSmallIntegerField(default=8)
    contacts_per_session_max = models.PositiveSmallIntegerField(null=True, blank=True)
    contacts_per_week_max = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1, sessions_per_week__lte=7), name="program_sessions_per_week_1_7"
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_week_min__lte=models.F("sessions_per_week")),
                name="program_min_sessions_le_max",
            ),
            models.CheckConstraint(
                condition=Q(duration_min__lte=models.F("duration_max")), name="program_duration_ordered"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:detail", args=[self.slug])

    def workouts_in_order(self):
        return Workout.objects.filter(week__program=self).select_related("week").order_by("week__number", "order")


class ProgramWeek(models.Model):
    class Phase(models.TextChoices):
        BUILD = "build", "Build"
        DELOAD = "deload", "Deload"
        CONSOLIDATION = "consolidation", "Consolidation"
        TAPER = "taper", "Taper"
        MAINTENANCE = "maintenance", "Maintenance"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="program_weeks")
    number = models.PositiveSmallIntegerField()
    focus = models.CharField(max_length=200, blank=True)
    # What the week is for: suggestions for "next time" follow it (a deload keeps or lowers the load).
    phase = models.CharField(max_length=13, choices=Phase.choices, default=Phase.BUILD)
    effort = models.CharField(max_length=200, blank=True, help_text="How hard the week's sets should feel.")

    class Meta:
        ordering = ["program", "number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="unique_week_number")]

    def __str__(self):
        return f"{self.program} · week {self.number}"


class WorkoutQuerySet(models.QuerySet):
    def with_items(self):
        """Prefetch the prescriptions and their exercises, for pages that show a session's contents."""
        return self.prefetch_related(
            models.Prefetch("prescriptions", queryset=Prescription.objects.select_related("exercise").order_by("order"))
        )


class Workout(models.Model):
    """One session of a program week: an ordered list of prescriptions."""

    week = models.ForeignKey(ProgramWeek, on_delete=models.CASCADE, related_name="workouts")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)

    objects = WorkoutQuerySet.as_manager()

    class Meta:
        ordering = ["week", "order"]
        constraints = [models.UniqueConstraint(fields=["week", "order"], name="unique_workout_order")]

    def __str__(self):
        return f"{self.week} · {self.name}"

    def _totals(self):
        items = self.prescriptions.all()
        return [p.totals() for p in items]

    @property
    def minutes(self):
        """Work plus rest, rounded up to whole minutes (warm-up not included)."""
        seconds = sum(t["seconds"] for t in self._totals())
        return -(-seconds // 60)

    @property
    def ground_contacts(self):
        """(low, high) foot contacts for the whole session, from the rep range."""
        totals = self._totals()
        return sum(t["contacts"][0] for t in totals), sum(t["contacts"][1] for t in totals)


class Prescription(models.Model):
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="prescriptions")
    order = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="prescriptions")
    sets = models.PositiveSmallIntegerField()
    reps_min = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_s = models.PositiveSmallIntegerField(null=True, blank=True)
    per_side = models.BooleanField(default=False)
    rest_s = models.PositiveSmallIntegerField()
    load = models.CharField(max_length=200, help_text="Load guidance, e.g. a tempo or 'last 2–3 reps hard'.")
    note = models.CharField(max_length=300, blank=True)

    # Seconds per rep, used only to estimate a session's length.
    SECONDS_PER_REP = 3

    class Meta:
        ordering = ["workout", "order"]
        constraints = [
            models.UniqueConstraint(fields=["workout", "order"], name="unique_prescription_order"),
            models.CheckConstraint(condition=Q(sets__gte=1), name="prescription_sets_positive"),
            models.CheckConstraint(
                condition=(
                    Q(reps_min__gte=1, reps_max__gte=models.F("reps_min"), duration_s__isnull=True)
                    | Q(reps_min__isnull=True, reps_max__isnull=True, duration_s__gte=1)
                ),
                name="prescription_reps_xor_duration",
            ),
        ]

    def __str__(self):
        return f"{self.exercise} {self.sets}×{self.target}"

    @property
    def target(self):
        if self.duration_s:
            return f"{self.duration_s} s"
        reps = f"{self.reps_min}" if self.reps_min == self.reps_max else f"{self.reps_min}–{self.reps_max}"
        return f"{reps} per side" if self.per_side else reps

    def totals(self):
        sides = 2 if self.per_side else 1
        work = self.duration_s * sides if self.duration_s else self.reps_max * self.SECONDS_PER_REP * sides
        seconds = self.sets * work + max(self.sets - 1, 0) * self.rest_s
        per_rep = self.exercise.ground_contacts_per_rep or 0
        low = self.sets * (self.reps_min or 0) * per_rep * sides
        high = self.sets * (self.reps_max or 0) * per_rep * sides
        return {"seconds": seconds, "contacts": (low, high)}


class EnrollmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def current(self):
        return self.filter(status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED])

    def with_progress(self):
        return self.annotate(
            sessions_total=Count("planned_sessions"),
            sessions_done=Count("planned_sessions", filter=Q(planned_sessions__status=PlannedSession.Status.DONE)),
            sessions_skipped=Count(
                "planned_sessions", filter=Q(planned_sessions__status=PlannedSession.Status.SKIPPED)
            ),
        )


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    start_date = models.DateField()
    weekdays = models.JSONField(help_text="Training weekdays, 0 = Monday.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=Q(status__in=["active", "paused"]),
                name="one_current_enrollment_per_program",
                violation_error_message="You are already following this program.",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.program}"

    def get_absolute_url(self):
        return reverse("programs:enrollment", args=[self.pk])

    def warnings(self):
        """The placement rules this enrolment's sessions break now, across all the runner's programs."""
        from . import runweek  # runweek builds on these models

        keys = set(self.planned_sessions.values_list("pk", flat=True))
        return runweek.summary(b for b in runweek.breaches(self.user) if b.key in keys)


class PlannedSessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enrollment__user=user)

    def pending(self):
        return self.filter(status=PlannedSession.Status.PLANNED)

    def next_for(self, user):
        """Each active enrolment's next session still to do, with its workout and prescriptions."""
        next_id = (
            PlannedSession.objects.filter(enrollment=models.OuterRef("pk"), status=PlannedSession.Status.PLANNED)
            .order_by("date", "sequence")
            .values("id")[:1]
        )
        ids = (
            Enrollment.objects.for_user(user)
            .filter(status=Enrollment.Status.ACTIVE)
            .annotate(next_id=models.Subquery(next_id))
            .values_list("next_id", flat=True)
        )
        return (
            self.filter(id__in=[i for i in ids if i])
            .select_related("enrollment__program")
            .prefetch_related(
                models.Prefetch(
                    "workout",
                    queryset=Workout.objects.prefetch_related(
                        models.Prefetch(
                            "prescriptions",
                            # Today lists each exercise by name: its coaching text stays in the database.
                            queryset=Prescription.objects.select_related("exercise")
                            .defer(*(f"exercise__{name}" for name in Exercise.COACHING_TEXT))
                            .order_by("order"),
                        )
                    ),
                )
            )
            .order_by("date", "enrollment__program__name")
        )


class PlannedSession(models.Model):
    """One workout of an enrolment, laid onto a date."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="planned_sessions")
    workout = models.ForeignKey(Workout, on_delete=models.PROTECT, related_name="planned_sessions")
    sequence = models.PositiveSmallIntegerField()
    week = models.PositiveSmallIntegerField()
    date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PLANNED)
    # The iCalendar SEQUENCE: bumped each time the session's date changes, so subscribed calendars update.
    revision = models.PositiveIntegerField(default=0)

    objects = PlannedSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "sequence"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "sequence"], name="unique_session_sequence")]
        indexes = [models.Index(fields=["enrollment", "status", "date"])]

    def __str__(self):
        return f"{self.enrollment.program} · {self.workout.name} on {self.date}"


class RaceQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def coming(self, today):
        return self.filter(date__gte=today)


class Race(models.Model):
    """A race the runner is aiming at: an A race tapers the strength work, a B race only clears race week."""

    class Distance(models.TextChoices):
        K5 = "5k", "5K"
        K10 = "10k", "10K"
        HALF = "half", "Half marathon"
        MARATHON = "marathon", "Marathon"
        ULTRA = "ultra", "Ultra"
        OTHER = "other", "Other"

    class Priority(models.TextChoices):
        A = "A", "A: the goal race (taper the strength work)"
        B = "B", "B: a tune-up (no jumps in race week)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="races")
    name = models.CharField(max_length=120)
    date = models.DateField()
    distance = models.CharField(max_length=8, choices=Distance.choices)
    priority = models.CharField(max_length=1, choices=Priority.choices, default=Priority.A)
    # Days before the race for the last leg session; empty means the default for the distance.
    taper_days = models.PositiveSmallIntegerField(null=True, blank=True)
    primer = models.BooleanField(default=False, help_text="Keep one short, light primer session a few days out.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RaceQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taper_days__isnull=True) | Q(taper_days__gte=1, taper_days__lte=28),
                name="race_taper_days_1_28",
            ),
        ]

    def __str__(self):
        return f"{self.name} on {self.date}"

    @property
    def taper(self):
        """The days of taper this race gets: the runner's own number, else the distance's default."""
        from .placement import taper_days

        return self.taper_days or taper_days(self.distance)


class CalendarFeed(models.Model):
    """The runner's private iCalendar subscription: a random token in the URL. Rotating replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed for {self.user}"
