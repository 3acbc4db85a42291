"""The exercise library: muscles, equipment, sources and exercises."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Muscle(models.Model):
    REGIONS = [("lower", "Lower body"), ("core", "Core"), ("upper", "Upper body")]

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    region = models.CharField(max_length=10, choices=REGIONS, default="lower")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Equipment(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"

    def __str__(self):
        return self.name


class ContentVersion(models.Model):
    """One row: a number bumped whenever library or program content changes (load_content, admin saves).

    Cached library and program pages are keyed by it. It lives in the database, not the cache, so every
    web process sees a change on its next request, whatever cache backend each one has.
    """

    number = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Content version {self.number}"

    @classmethod
    def current(cls):
        """The number now in the database (1 before any content was loaded): one small query."""
        number = cls.objects.filter(pk=1).values_list("number", flat=True)[:1]
        return number[0] if number else 1


class Source(models.Model):
    """An article the library and programs are built from, or a paper from the research literature."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        LITERATURE = "literature", "Research literature"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    # Authors, year and journal for a paper ("Blagrove, Howatson & Hayes 2018, Sports Medicine").
    citation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class ExerciseQuerySet(models.QuerySet):
    def library(self):
        """The shared library everyone sees; runners' own exercises are not in it."""
        return self.filter(owner__isnull=True)

    def owned_by(self, user):
        """The exercises `user` made (or an import made for them); nobody else sees these."""
        return self.filter(owner=user) if getattr(user, "is_authenticated", False) else self.none()

    def loggable_by(self, user):
        """What `user` may log: the library, plus the runner's own exercises."""
        if not getattr(user, "is_authenticated", False):
            return self.library()
        return self.filter(Q(owner__isnull=True) | Q(owner=user))

    def search(self, text):
        """Match the name or any alias ("RDL", "Bulgarian split squat")."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(aliases__icontains=text))

    def works_muscle(self, muscle):
        """Exercises that work a muscle as a primary or secondary mover."""
        return self.filter(Q(primary_muscles=muscle) | Q(secondary_muscles=muscle)).distinct()

    def no_equipment(self):
        """Exercises that can be done with bodyweight alone (home-friendly)."""
        return self.filter(equipment__slug="bodyweight")

    def with_lists(self):
        """Prefetch everything a list row shows, so the query count stays flat."""
        return self.prefetch_related("primary_muscles", "secondary_muscles", "equipment")


class Exercise(models.Model):
    class Pattern(models.TextChoices):
        HINGE = "hinge", "Hinge"
        SQUAT = "squat", "Squat"
        LUNGE = "lunge", "Lunge"
        BRIDGE = "bridge", "Bridge / hip extension"
        CALF = "calf", "Calf / ankle"
        PLYOMETRIC = "plyometric", "Plyometric"
        ISOLATION = "isolation", "Isolation"
        CORE = "core", "Core"
        UPPER = "upper", "Upper body"
        OTHER = "other", "Other"

    class Impact(models.TextChoices):
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    # Long text and JSON lists a list of names never shows: pages that list exercises defer them.
    COACHING_TEXT = ("aliases", "summary", "steps", "cues", "safety")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    aliases = models.TextField(blank=True, help_text="Other names, one per line; searched.")
    summary = models.TextField()
    steps = models.JSONField(default=list)
    cues = models.JSONField(default=list)
    safety = models.JSONField(default=list)
    primary_muscles = models.ManyToManyField(Muscle, related_name="primary_for")
    secondary_muscles = models.ManyToManyField(Muscle, related_name="secondary_for", blank=True)
    equipment = models.ManyToManyField(Equipment, related_name="exercises")
    pattern = models.CharField(max_length=12, choices=Pattern.choices)
    unilateral = models.BooleanField(default=False, help_text="Done one side at a time.")
    ground_contacts_per_rep = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.CharField(max_length=10, choices=Impact.choices, default=Impact.LOW)
    difficulty = models.PositiveSmallIntegerField(default=2)
    dosing = models.CharField(max_length=200)
    # Where the dosing figures come from; empty means they are Legwork's own guidance.
    dosing_source = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="dosed_exercises"
    )
    # Leg work first in the library: set by the loader from the movement pattern.
    sort_order = models.PositiveSmallIntegerField(default=100)
    reps_min = models.PositiveSmallIntegerField(null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_s = models.PositiveSmallIntegerField(null=True, blank=True)
    harder = models.ManyToManyField(
        "self", symmetrical=False, related_name="easier", blank=True, help_text="Harder variations."
    )
    sources = models.ManyToManyField(Source, related_name="exercises")
    # Null: the shared library. Set: a runner's own exercise (made by hand or by an import), private to them.
    # Own slugs carry a random suffix, so a slug names one exercise across the site and the library's
    # content loader can never collide with one.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="own_exercises"
    )

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(difficulty__gte=1, difficulty__lte=5), name="exercise_difficulty_1_5"),
            models.CheckConstraint(
                condition=Q(reps_min__isnull=True) | Q(reps_max__isnull=True) | Q(reps_min__lte=models.F("reps_max")),
                name="exercise_reps_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(pattern="plyometric", ground_contacts_per_rep__gte=1)
                | (~Q(pattern="plyometric") & Q(ground_contacts_per_rep__isnull=True)),
                name="exercise_contacts_only_for_plyometrics",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if self.owner_id:
            return reverse("logbook:own_exercise", args=[self.pk])
        return reverse("exercises:detail", args=[self.slug])

    @property
    def is_own(self):
        return self.owner_id is not None

    @property
    def alias_list(self):
        return [a for a in self.aliases.splitlines() if a.strip()]

    @property
    def is_plyometric(self):
        return self.pattern == self.Pattern.PLYOMETRIC

    def load_step_kg(self, unit="kg", slugs=None):
        """A sensible load jump for double progression, by the kit the move uses, in kg.

        Big two-legged barbell lifts jump 5 kg (10 lb); dumbbells 2 kg (5 lb); kettlebells come
        in 4 kg steps; machines and other barbell work 2.5 kg (5 lb). `slugs`: the kit's slugs, if known.
        """
        if slugs is None:
            slugs = {e.slug for e in self.equipment.all()}
        if "barbell" in slugs and self.pattern in ("hinge", "squat") and not self.unilateral:
            kg, lb = "5", "10"
        elif "dumbbell" in slugs:
            kg, lb = "2", "5"
        elif "kettlebell" in slugs:
            kg, lb = "4", "10"
        else:
            kg, lb = "2.5", "5"
        if unit == "lb":
            return (Decimal(lb) * Decimal("0.45359237")).quantize(Decimal("0.001"))
        return Decimal(kg)
