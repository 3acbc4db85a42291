import datetime

import factory
from django.contrib.auth.models import User

from exercises.models import Equipment, Exercise, Muscle
from logbook.models import LoggedSet, Session

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"runner{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class MuscleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Muscle
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"muscle-{n}")
    name = factory.LazyAttribute(lambda m: m.slug.replace("-", " ").title())


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"kit-{n}")
    name = factory.LazyAttribute(lambda e: e.slug.title())


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"exercise-{n}")
    name = factory.LazyAttribute(lambda e: e.slug.replace("-", " ").capitalize())
    summary = "Builds strength for running."
    steps = ["Stand tall.", "Move well.", "Return with control."]
    cues = ["Brace", "Breathe"]
    safety = ["Stop if it hurts."]
    pattern = "hinge"
    dosing = "8–12 reps"
    reps_min = 8
    reps_max = 12

    @factory.post_generation
    def muscles(self, create, extracted, **kwargs):
        if create:
            self.primary_muscles.set(extracted or [MuscleFactory(slug="glutes")])
            self.secondary_muscles.set([MuscleFactory(slug="hamstrings")])

    @factory.post_generation
    def kit(self, create, extracted, **kwargs):
        if create:
            self.equipment.set(extracted or [EquipmentFactory(slug="barbell")])


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    user = factory.SubFactory(UserFactory)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 700))
    name = "Leg day"


class LoggedSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoggedSet

    session = factory.SubFactory(SessionFactory)
    order = factory.Sequence(lambda n: n % 30 + 1)
    exercise = factory.SubFactory(ExerciseFactory)
    reps = 8
    load_kg = 60
