"""Helpers shared by the tests: a runner's data set up through the same services the app writes with, and
pages read the way a person or a browser would read them."""

import re
from html.parser import HTMLParser

from django.contrib.messages import get_messages

from exercises.models import Exercise
from logbook import services as log_services
from logbook.models import LoggedSet, Session
from programs import services as program_services
from programs.models import Program

from .factories import EquipmentFactory, ExerciseFactory, MuscleFactory


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
    rows = [{**row, "exercise": exercises[row["exercise"]]} if "exercise" in row else row for row in rows]
    fields.setdefault("name", "Leg day")
    return log_services.log_session(user, date=day, sets=rows, planned=planned, **fields).session


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
