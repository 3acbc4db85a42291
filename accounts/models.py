"""Per-runner settings that shape how the app shows and schedules things."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class Profile(models.Model):
    class Unit(models.TextChoices):
        KG = "kg", "Kilograms (kg)"
        LB = "lb", "Pounds (lb)"

    class Timing(models.TextChoices):
        # The seeds disagree; the runner chooses which view the app follows.
        EASY_DAYS = "easy", "On non-running days or after easy runs (keeps hard days fresh)"
        HARD_DAYS = "hard", "After hard runs (keeps easy days truly easy)"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    unit = models.CharField(max_length=2, choices=Unit.choices, default=Unit.KG)
    strength_days = models.JSONField(default=list, blank=True, help_text="Weekdays (0=Mon) for strength work.")
    hard_run_days = models.JSONField(default=list, blank=True, help_text="Weekdays (0=Mon) with hard runs.")
    long_run_day = models.PositiveSmallIntegerField(null=True, blank=True, choices=WEEKDAYS)
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
    # Bumped once by every write to the runner's log, schedule or settings (accounts.services.runner_write):
    # anything that must know "has this runner's data changed since?" compares it.
    data_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(long_run_day__isnull=True) | Q(long_run_day__lte=6), name="profile_long_run_day_weekday"
            ),
            models.CheckConstraint(condition=Q(bar_kg__gte=0, bar_kg__lte=50), name="profile_bar_kg_0_50"),
        ]

    def __str__(self):
        return f"Settings for {self.user}"


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
