"""Helpers shared by the tests: a runner's data set up through the same services the app writes with, and
pages read the way a person or a browser would read them."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import ApiToken, Profile
from exercises.models import Exercise
from logbook import services as log_services
from logbook import strong
from logbook.models import Draft, ExerciseNameMapping, ExerciseStat, ImportBatch, LoggedSet, Session
from programs import services as program_services
from programs.models import CalendarFeed, Enrollment, PlannedSession, Program, Race

from .factories import EquipmentFactory, ExerciseFactory, MuscleFactory, UserFactory


def ex(slug):
    return Exercise.objects.get(slug=slug)


def enrol(user, slug, start, weekdays):
    """Follow the program `slug` from `start` on `weekdays` (0 = Monday), as the enrol page does."""
    return program_services.enrol(user, Program.objects.get(slug=slug), start, list(weekdays))


def expand(rows):
    """Set rows with a "times" key repeated that many times."""
    out = []
    for row in rows:
        row = dict(row)
        times = row.pop("times", 1)
        out.extend(dict(row) for _ in range(times))
    return out


def log_session(user, day, *sets, planned=None, **fields):
    """Log a session on `day` as the app does; sets are dicts of LoggedSet fields with an exercise slug."""
    rows = expand(sets)
    slugs = {row["exercise"] for row in rows if isinstance(row.get("exercise"), str)}
    exercises = Exercise.objects.in_bulk(slugs, field_name="slug")
    rows = [
        {**row, "exercise": exercises[row["exercise"]]} if isinstance(row.get("exercise"), str) else row for row in rows
    ]
    fields.setdefault("name", "Leg day")
    return log_services.log_session(user, date=day, sets=rows, planned=planned, **fields).session


def small_block(slugs, *, sets=3, phase="build", weeks=1, rest_s=60, slug="gym-block"):
    """A one-session-a-week program of `weeks` weeks, each session `sets` sets of every exercise in `slugs`
    (8–10 reps); the last week's phase is `phase`. Content, so made here as load_content would."""
    from programs.models import Prescription, ProgramWeek, Workout

    program = Program.objects.create(
        slug=slug,
        name="Gym block",
        goal="Strength.",
        summary="A short block for the gym-mode tests.",
        level=Program.Level.INTERMEDIATE,
        weeks=weeks,
        sessions_per_week=1,
        sessions_per_week_min=1,
        duration_min=30,
        duration_max=40,
        timing="Any day.",
        warmup="Five minutes easy.",
        progression="Add a rep, then load.",
    )
    for number in range(1, weeks + 1):
        week = ProgramWeek.objects.create(program=program, number=number, phase=phase if number == weeks else "build")
        workout = Workout.objects.create(week=week, order=1, name=f"Week {number} session")
        Prescription.objects.bulk_create(
            Prescription(workout=workout, order=i, exercise=ex(s), sets=sets, reps_min=8, reps_max=10, rest_s=rest_s)
            for i, s in enumerate(slugs, start=1)
        )
    return program


def log_counts(user=None):
    """(sessions, sets) logged, by everyone or by `user`."""
    sessions = Session.objects.all() if user is None else Session.objects.filter(user=user)
    sets = LoggedSet.objects.all() if user is None else LoggedSet.objects.filter(session__user=user)
    return sessions.count(), sets.count()


def grow_library_to(total):
    """Add made-up exercises until the library holds `total`."""
    muscles = [MuscleFactory(slug="glutes"), MuscleFactory(slug="hamstrings")]
    kit = [EquipmentFactory(slug="barbell"), EquipmentFactory(slug="bodyweight")]
    ExerciseFactory.create_batch(total - Exercise.objects.count(), muscles=muscles, kit=kit)


# --- reading pages --------------------------------------------------------------------------------------


def squashed_html(response):
    """The page's HTML with every run of whitespace made one space (tags kept)."""
    return re.sub(r"\s+", " ", response.content.decode())


def page_text(response):
    """The page's text as a reader sees it: tags removed, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def messages_of(response):
    """The flash messages queued by the request."""
    return [str(m) for m in get_messages(response.wsgi_request)]


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields = []
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("id") == self.form_id) if self.form_id else a.get("method", "").lower() == "post"
            self.found = self.found or self.inside
            return
        if not self.inside or "disabled" in a:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file") or "name" not in a:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select = {"name": a["name"], "first": None, "selected": None}
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in a:
                self.select["selected"] = value
        elif tag == "textarea":
            self.textarea = {"name": a["name"], "text": ""}

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"] if self.select["selected"] is not None else self.select["first"]
            self.fields.append((self.select["name"], chosen or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            self.fields.append((self.textarea["name"], text[1:] if text.startswith("\n") else text))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data


def read_form(response, form_id="log-form"):
    """What a browser would submit from the page's form, as a dict."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.found, f"no form {form_id!r} on the page"
    data = {}
    for name, value in reader.fields:
        if name in data:
            data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
        else:
            data[name] = value
    return data


# --- two runners: the owner whose data is private, and an intruder with data of their own -------------

SECRET_NAME = "Owner secret leg day"
SECRET_NOTE = "owner-private-note-7f3a"
OWN_NAME = "Owner secret sled drag"
MISSING_ID = 987_654_321
STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"
)


@dataclass
class World:
    owner: User
    intruder: User
    today: date
    enrollment: Enrollment  # posterior chain: first session done, second skipped, third to do
    plyo: Enrollment  # plyometric block: first session done, second due today
    paused: Enrollment  # in-season maintenance, paused
    done: PlannedSession
    skipped: PlannedSession
    pending: PlannedSession
    plyo_done: PlannedSession
    plyo_next: PlannedSession
    session: Session  # logged for `done`
    plyo_session: Session  # logged for `plyo_done`
    heavy: Session  # ad hoc, kettlebell deadlifts at 123.4 kg
    adhoc: Session  # ad hoc, back squats
    imported: Session  # from a Strong CSV
    batch: ImportBatch  # the import that added it
    import_draft: ImportBatch  # an upload waiting for review
    own_exercise: Exercise  # the owner's own exercise, made by that import
    token: account_services.IssuedToken
    intruder_enrollment: Enrollment
    intruder_session: Session
    draft: Draft  # an unfinished ad-hoc session
    race: Race  # the owner's A race, three weeks out
    feed: CalendarFeed  # the owner's private calendar address

    @property
    def owner_sessions(self):
        return [self.session, self.plyo_session, self.heavy, self.adhoc, self.imported]

    @property
    def owner_enrollments(self):
        return [self.enrollment, self.plyo, self.paused]

    @property
    def owner_planned(self):
        return PlannedSession.objects.filter(enrollment__user=self.owner).order_by("pk")

    def leaks(self):
        """Text and links of the owner's that must never reach the intruder."""
        found = [SECRET_NAME, SECRET_NOTE, "Owner plyo", "Owner heavy", "Owner ad hoc", "Owner imported", "123.4 kg"]
        found += [OWN_NAME, self.own_exercise.slug, "owner-export.csv"]
        found += ["Tuck jump: ", "Plyometric block: ", "Plyometric block · "]  # the intruder follows no such block
        found += [f"/log/{s.pk}/" for s in self.owner_sessions]
        found += [f"/enrollments/{e.pk}/" for e in self.owner_enrollments]
        found += [f"/planned/{pk}/" for pk in self.owner_planned.values_list("pk", flat=True)]
        found += ["Owner spring 10K", f"/races/{self.race.pk}/", self.feed.token]
        return found


def build_world(today):
    """Two runners in the same programs; the owner with every kind of session, a paused block and a token."""
    owner = UserFactory(username="owner")
    intruder = UserFactory(username="intruder")
    Profile.objects.filter(user=owner).update(running_week=[{"kind": "easy", "time": ""}] * 6 + [{"kind": "long"}])
    posterior = Program.objects.get(slug="posterior-chain")

    enrollment = program_services.enrol(owner, posterior, today - timedelta(days=7), [0, 3])
    done, skipped, pending = enrollment.planned_sessions.order_by("sequence")[:3]
    session = log_session(
        owner,
        done.date,
        {"exercise": "hip-thrust", "reps": 20, "load_kg": 100},
        {"exercise": "hip-thrust", "reps": 18, "load_kg": 100},
        name=SECRET_NAME,
        notes=SECRET_NOTE,
        planned=done,
    )
    program_services.skip(skipped)

    plyo = program_services.enrol(owner, Program.objects.get(slug="plyometric"), today - timedelta(days=2), [0, 2])
    plyo_done, plyo_next = plyo.planned_sessions.order_by("sequence")[:2]
    plyo_session = log_session(
        owner,
        plyo_done.date,
        {"exercise": "tuck-jump", "reps": 5, "note": SECRET_NOTE},
        {"exercise": "tuck-jump", "reps": 5},
        {"exercise": "snap-down", "reps": 5},  # in the block's next session too: "last time" on /today/
        name="Owner plyo",
        notes=SECRET_NOTE,
        planned=plyo_done,
    )
    paused = program_services.enrol(owner, Program.objects.get(slug="in-season-maintenance"), today, [1])
    program_services.pause(paused)

    heavy = log_session(
        owner,
        today - timedelta(days=1),
        {"exercise": "kettlebell-deadlift", "reps": 8, "load_kg": Decimal("123.4")},
        {"exercise": "kettlebell-deadlift", "reps": 5, "load_kg": Decimal("123.4")},
        name="Owner heavy",
        notes=SECRET_NOTE,
    )
    adhoc = log_session(
        owner, today - timedelta(days=3), {"exercise": "back-squat", "reps": 5, "load_kg": 120}, name="Owner ad hoc"
    )
    csv = f"{STRONG_HEADER}\n2026-02-20 07:30:00,Owner imported,40m,Hip Thrust (Barbell),1,60,10,,,,{SECRET_NOTE},\n"
    csv += f"2026-02-20 07:30:00,Owner imported,40m,{OWN_NAME},1,80,6,,,,,\n"
    report = strong.import_csv(owner, csv, file_name="owner-export.csv")
    assert not report.errors, report.errors
    imported = Session.objects.get(user=owner, name="Owner imported")
    own_exercise = Exercise.objects.get(owner=owner, name=OWN_NAME)
    import_draft = log_services.draft_import(
        owner, csv.replace("2026-02-20", "2026-02-21"), file_name="owner-export.csv"
    ).batch
    token = account_services.issue_token(owner)
    race = program_services.save_race(
        owner, {"name": "Owner spring 10K", "date": today + timedelta(days=21), "distance": "10k", "priority": "A"}
    )
    feed = program_services.rotate_feed(owner)

    intruder_enrollment = program_services.enrol(intruder, posterior, today, [1, 4])
    intruder_session = log_session(
        intruder, today - timedelta(days=3), {"exercise": "back-squat", "reps": 8, "load_kg": 40}, name="Intruder own"
    )
    draft = log_services.save_draft(
        owner, client_token=uuid.uuid4(), data={"name": SECRET_NAME, "notes": SECRET_NOTE}, name=SECRET_NAME
    )
    return World(
        draft=draft,
        owner=owner,
        intruder=intruder,
        today=today,
        enrollment=enrollment,
        plyo=plyo,
        paused=paused,
        done=done,
        skipped=skipped,
        pending=pending,
        plyo_done=plyo_done,
        plyo_next=plyo_next,
        session=session,
        plyo_session=plyo_session,
        heavy=heavy,
        adhoc=adhoc,
        imported=imported,
        batch=report.batch,
        import_draft=import_draft,
        own_exercise=own_exercise,
        token=token,
        intruder_enrollment=intruder_enrollment,
        intruder_session=intruder_session,
        race=race,
        feed=feed,
    )


def runner_state(user):
    """Everything a runner owns, as plain data: any change by anyone shows up as a difference."""
    return {
        "user": list(User.objects.filter(pk=user.pk).values()),
        "profile": list(Profile.objects.filter(user=user).values()),
        "enrollments": list(Enrollment.objects.filter(user=user).order_by("pk").values()),
        "planned": list(PlannedSession.objects.filter(enrollment__user=user).order_by("pk").values()),
        "sessions": list(Session.objects.filter(user=user).order_by("pk").values()),
        "sets": list(LoggedSet.objects.filter(session__user=user).order_by("pk").values()),
        "figures": list(ExerciseStat.objects.filter(user=user).order_by("pk").values()),
        "own_exercises": list(Exercise.objects.filter(owner=user).order_by("pk").values()),
        "imports": list(ImportBatch.objects.filter(user=user).order_by("pk").values()),
        "mappings": list(ExerciseNameMapping.objects.filter(user=user).order_by("pk").values()),
        "tokens": list(ApiToken.objects.filter(user=user).values_list("digest", "revoked_at")),
        "drafts": list(Draft.objects.filter(user=user).order_by("pk").values()),
        "races": list(Race.objects.filter(user=user).order_by("pk").values()),
        "feed": list(CalendarFeed.objects.filter(user=user).values_list("token", flat=True)),
    }


def log_form(world, name="Hijacked"):
    """A valid log form post, so a missing ownership check would write something."""
    return {
        "date": world.today.isoformat(),
        "name": name,
        "notes": "written by someone else",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-exercise": str(Exercise.objects.get(slug="hip-thrust").pk),
        "form-0-reps": "3",
        "form-0-load": "5",
        "form-0-side": "both",
        "save": "1",
    }


SESSION_BODY = {"date": "2026-03-01", "name": "Hijacked", "notes": "x", "sets": [{"exercise": "hip-thrust", "reps": 3}]}
ENROLLMENT_BODY = {"status": "paused", "weekdays": [1, 4]}
RACE_BODY = {"name": "Hijacked", "date": "2026-04-01", "distance": "5k", "priority": "B"}


def token_client(user):
    """An API client that signs in with the runner's token, as a phone app would."""
    client = APIClient()
    # A name of its own each time: issuing a name again would rotate (revoke) an earlier client's token.
    issued = account_services.issue_token(user, f"tests {uuid.uuid4().hex[:8]}")
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    return client


def logged_in_client(user, **options):
    client = Client(**options)
    client.force_login(user)
    return client


def body_of(response):
    """A 200 response's body as text, streamed or not."""
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


# --- every URL pattern the site has ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern text for an unnamed route
    pattern: str
    kwargs: tuple[str, ...]
    id_kwargs: tuple[str, ...]

    @property
    def namespace(self):
        return self.name.split(":", 1)[0] if ":" in self.name else ""

    def __str__(self):
        return f"{self.name} ({self.pattern})"


ID_NAMES = {"pk", "id"}
DIGITS_GROUP = re.compile(r"\(\?P<(\w+)>(?:\[0-9\]|\\d)[+*]\)")


def is_id_kwarg(name, converter, pattern_text):
    if name in ID_NAMES or name.endswith(("_pk", "_id")):
        return True
    if isinstance(converter, IntConverter):
        return True
    return any(m.group(1) == name for m in DIGITS_GROUP.finditer(pattern_text))


def walk(patterns, prefix="", namespace="", converters=None):
    for entry in patterns:
        text = prefix + str(entry.pattern)
        found = dict(converters or {})
        found.update(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            ns = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry.url_patterns, text, ns, found)
            continue
        assert isinstance(entry, URLPattern)
        names = set(entry.pattern.regex.groupindex)
        for prefix_kwarg in re.findall(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", prefix):
            names.update(n for n in prefix_kwarg if n)
        names = tuple(sorted(names))
        ids = tuple(n for n in names if is_id_kwarg(n, found.get(n), text))
        full = f"{namespace}:{entry.name}" if entry.name and namespace else (entry.name or f"{namespace}:<{text}>")
        yield Route(full, text, names, ids)


def all_routes():
    return list(walk(get_resolver().url_patterns))


def site_routes():
    """The site's own pages (not the admin, not the API)."""
    return [r for r in all_routes() if r.namespace not in ("admin", "api")]


def api_routes():
    return [r for r in all_routes() if r.namespace == "api"]


SLUGS = {
    "programs:": "posterior-chain",
    "api:program-": "posterior-chain",
    "api:muscle-": "calves",
    "api:equipment-": "barbell",
}


def sample_kwargs(route, world):
    """Fill any site or API route with real values: the owner's objects for ids, a real slug for slugs."""
    kwargs = {}
    for name in route.kwargs:
        if name == "planned_pk" or (name == "pk" and route.name in ("programs:skip", "programs:move")):
            kwargs[name] = world.pending.pk
        elif name == "pk" and "enrollment" in route.name:
            kwargs[name] = world.enrollment.pk
        elif name == "pk" and route.name.startswith("accounts:token"):
            kwargs[name] = world.token.token.pk
        elif name == "pk" and "race" in route.name:
            kwargs[name] = world.race.pk
        elif name == "token":
            kwargs[name] = world.feed.token
        elif name == "pk" and "import_review" in route.name:
            kwargs[name] = world.import_draft.pk
        elif name == "pk" and "import" in route.name:
            kwargs[name] = world.batch.pk
        elif name == "pk" and "own" in route.name:
            kwargs[name] = world.own_exercise.pk
        elif name in route.id_kwargs:
            kwargs[name] = world.session.pk
        elif name == "action":
            kwargs[name] = "rotate" if "feed" in route.name else "pause"
        elif name == "slug":
            kwargs[name] = next((v for k, v in SLUGS.items() if route.name.startswith(k)), "hip-thrust")
        elif name == "format":
            kwargs[name] = "json"
        else:
            kwargs[name] = "x"
    return kwargs


def confirm_import(client, content, unit="kg", name="strong.csv", choices=None, distance_unit=""):
    """Upload a file on the import page and confirm its review (changing `choices`: {name: option value})."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = content if isinstance(content, bytes) else content.encode()
    upload = SimpleUploadedFile(name, data, "text/csv")
    response = client.post("/log/import/", {"file": upload, "unit": unit, "distance_unit": distance_unit})
    if response.status_code != 302 or "/review/" not in response["Location"]:
        return response  # refused, or already imported: the page says why
    review = client.get(response["Location"])
    form = read_form(review, form_id="review-form")
    labels = review.context["form"].rows
    for proposal, field in labels:
        if choices and proposal.name in choices:
            form[field] = choices[proposal.name]
    return client.post(response["Location"], form, follow=True)
