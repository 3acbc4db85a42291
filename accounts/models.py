"""Per-runner settings that shape how the app shows and schedules things."""

import zoneinfo
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class RunKind(models.TextChoices):
    """What a weekday of the running week holds."""

    REST = "rest", "Rest"
    EASY = "easy", "Easy run"
    HARD = "hard", "Hard run (intervals, tempo, hills)"
    LONG = "long", "Long run"
    CROSS = "cross", "Cross-training"
    DOUBLE = "double", "More than one run"


class RunTime(models.TextChoices):
    ANY = "", "Any time"
    MORNING = "morning", "Morning"
    MIDDAY = "midday", "Midday"
    EVENING = "evening", "Evening"


def rest_week():
    return [{"kind": RunKind.REST.value, "time": ""} for _ in range(7)]


@cache
def time_zone_names():
    return frozenset(zoneinfo.available_timezones())


class Profile(models.Model):
    class Unit(models.TextChoices):
        KG = "kg", "Kilograms (kg)"
        LB = "lb", "Pounds (lb)"

    class Timing(models.TextChoices):
        # The articles disagree; the runner chooses which view the app follows.
        EASY_DAYS = "easy", "On non-running days or after easy runs (keeps hard days fresh)"
        HARD_DAYS = "hard", "After hard runs (keeps easy days truly easy)"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    unit = models.CharField(max_length=2, choices=Unit.choices, default=Unit.KG)
    strength_days = models.JSONField(default=list, blank=True, help_text="Weekdays (0=Mon) for strength work.")
    # Seven entries, Monday first: {"kind": RunKind, "time": RunTime}.
    running_week = models.JSONField(default=rest_week, help_text="The runner's usual week of running.")
    timing = models.CharField(max_length=4, choices=Timing.choices, default=Timing.EASY_DAYS)
    # The bar the plate calculator loads, in kg (a 45 lb bar is 20.412 kg).
    bar_kg = models.DecimalField(
        "Barbell weight (kg)",
        max_digits=6,
        decimal_places=3,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
        help_text="The bar you load, for the plate calculator: 20 kg or 15 kg (45 lb is 20.41 kg).",
    )
    # An IANA name ("Europe/London"); empty means the site's default time zone.
    time_zone = models.CharField(max_length=64, blank=True)
    leg_sessions_per_week_max = models.PositiveSmallIntegerField(
        default=3, help_text="Lower-body strength and plyometric sessions a week, across all your programs."
    )
    # Bumped once by every write to the runner's log, schedule or settings (accounts.services.runner_write):
    # anything that must know "has this runner's data changed since?" compares it.
    data_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(leg_sessions_per_week_max__gte=1, leg_sessions_per_week_max__lte=7),
                name="profile_leg_cap_1_7",
            ),
            models.CheckConstraint(condition=Q(bar_kg__gte=0, bar_kg__lte=50), name="profile_bar_kg_0_50"),
        ]

    def __str__(self):
        return f"Settings for {self.user}"

    def day_kinds(self):
        """The running week's kinds, Monday first (always seven)."""
        week = self.running_week if isinstance(self.running_week, list) and len(self.running_week) == 7 else []
        return [day.get("kind", RunKind.REST) for day in week] or [RunKind.REST.value] * 7

    # The running week read and written as the two older settings, for code that only needs those.
    @property
    def hard_run_days(self):
        return [i for i, kind in enumerate(self.day_kinds()) if kind == RunKind.HARD]

    @hard_run_days.setter
    def hard_run_days(self, days):
        week = self._week_copy()
        for i, day in enumerate(week):
            if i in days:
                day["kind"] = RunKind.HARD.value
            elif day["kind"] == RunKind.HARD:
                day["kind"] = RunKind.EASY.value
        self.running_week = week

    @property
    def long_run_day(self):
        return next((i for i, kind in enumerate(self.day_kinds()) if kind == RunKind.LONG), None)

    @long_run_day.setter
    def long_run_day(self, day):
        week = self._week_copy()
        for i, entry in enumerate(week):
            if i == day:
                entry["kind"] = RunKind.LONG.value
            elif entry["kind"] == RunKind.LONG:
                entry["kind"] = RunKind.EASY.value
        self.running_week = week

    def _week_copy(self):
        kinds = self.day_kinds()
        times = [d.get("time", "") for d in self.running_week] if len(self.running_week or []) == 7 else [""] * 7
        return [{"kind": k, "time": t} for k, t in zip(kinds, times, strict=True)]

    @property
    def zone(self):
        """The runner's time zone, or the site's when none is set."""
        name = self.time_zone if self.time_zone in time_zone_names() else settings.TIME_ZONE
        return zoneinfo.ZoneInfo(name)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An API token a runner can see, rotate and revoke. Only the SHA-256 of its secret is stored: the
    secret itself is shown once, when it is made (accounts.services.issue_token)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    digest = models.CharField(max_length=64, unique=True, editable=False)  # hex SHA-256 of the secret
    prefix = models.CharField(max_length=8, editable=False)  # the secret's first characters, to tell tokens apart
    # SHA-256 of the runner's password hash when the token was made: a password change kills the token.
    password_mark = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Updated at most once a minute (accounts.services.note_token_use), so reading stays cheap.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live token per name: issuing a name again rotates it.
            models.UniqueConstraint(
                fields=["user", "name"], condition=Q(revoked_at__isnull=True), name="apitoken_one_live_per_name"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…) for {self.user}"

    @property
    def is_active(self):
        return self.revoked_at is None
