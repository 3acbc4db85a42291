import csv
import json
import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, Min, Prefetch, Sum
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from exercises import services as exercise_services
from exercises.models import Exercise
from programs import runweek
from programs.models import Enrollment, PlannedSession, Prescription

from . import exports, figures, gym, importers, services, strong
from .forms import (
    HistoryFilterForm,
    ImportForm,
    MergeForm,
    OwnExerciseForm,
    ReviewForm,
    SessionForm,
    SetFormSet,
    barbell_ids,
    exercise_library,
    needing_load,
    parse_token,
    set_initial,
)
from .models import Draft, ExerciseStat, ImportBatch, LoggedSet, Session, session_title
from .units import from_kg


def unit_of(request):
    return request.user.profile.unit


@login_required
@require_safe
def today(request):
    """What is due today in every program the runner follows, with last time's numbers for each exercise."""
    today = timezone.localdate()
    sessions = list(PlannedSession.objects.next_for(request.user))
    exercise_ids = {p.exercise_id for s in sessions for p in s.workout.prescriptions.all()}
    last = LoggedSet.objects.last_time(request.user, exercise_ids)
    # Not the drafts' sets (up to 200 each): Today shows their names and counts.
    drafts = list(Draft.objects.filter(user=request.user).defer("data").order_by("-updated_at")[:5])
    drafting = {d.planned_session_id for d in drafts}
    for s in sessions:
        s.due = s.date <= today
        s.overdue_days = (today - s.date).days
        s.items = [(p, last.get(p.exercise_id, [])) for p in s.workout.prescriptions.all()]
        s.set_total = sum(p.sets for p in s.workout.prescriptions.all())
        s.draft = s.pk in drafting
    paused = Enrollment.objects.for_user(request.user).filter(status=Enrollment.Status.PAUSED)
    skipped = PlannedSession.objects.filter(
        enrollment__user=request.user,
        enrollment__status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED],
        status=PlannedSession.Status.SKIPPED,
        date__gte=today - timedelta(days=7),
    ).select_related("workout")
    context = {
        "drafts": [d for d in drafts if d.planned_session_id not in {s.pk for s in sessions}],
        "skipped": skipped.order_by("-date")[:3],
        "sessions": sessions,
        "today": today,
        "paused": paused.select_related("program"),
        "any_due": any(s.due for s in sessions),
        # Lines about today's running ("Long run tomorrow: no leg session today") and races.
        "run_notes": runweek.today_notes(request.user.profile, today, sessions),
    }
    return render(request, "logbook/today.html", context)


@login_required
@require_safe
def session_list(request):
    """The runner's sessions, newest first, filterable by program and exercise."""
    form = HistoryFilterForm(request.GET or None, user=request.user)
    # A row shows the title, the date and figures: two names, not five joined model instances.
    sessions = (
        Session.objects.for_user(request.user)
        .only("id", "date", "name")
        .annotate(
            program_name=F("planned_session__enrollment__program__name"),
            workout_name=F("planned_session__workout__name"),
        )
    )
    if form.is_valid():
        if program := form.cleaned_data.get("program"):
            sessions = sessions.filter(planned_session__enrollment__program=program)
        if exercise := form.cleaned_data.get("exercise"):
            sessions = sessions.with_exercise(exercise)
    page = Paginator(sessions.order_by("-date", "-id"), 20).get_page(request.GET.get("page"))
    # Counts, volume and exercise names for just this page of sessions, aggregated in the database.
    ids = [s.pk for s in page]
    sets = LoggedSet.objects.filter(session__in=ids)
    totals = {
        row["session_id"]: row
        for row in sets.values("session_id").annotate(n=Count("id"), volume=Sum("volume_kg")).order_by()
    }
    names = {}
    for row in (
        sets.values("session_id", "exercise__name", "exercise_name")
        .annotate(first=Min("order"))
        .order_by("session_id", "first")
    ):
        names.setdefault(row["session_id"], []).append(row["exercise__name"] or row["exercise_name"])
    for s in page:
        s.heading = session_title(s.name, s.program_name, s.workout_name)
        s.set_count = totals.get(s.pk, {}).get("n", 0)
        s.volume_kg = totals.get(s.pk, {}).get("volume")
        s.exercise_names = names.get(s.pk, [])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "logbook/session_list.html", {"page": page, "form": form, "query": query.urlencode()})


@login_required
@require_safe
def session_detail(request, pk):
    """One logged session with every set."""
    session = get_object_or_404(
        Session.objects.select_related("planned_session__enrollment__program", "planned_session__workout"),
        pk=pk,
        user=request.user,
    )
    return render(request, "logbook/session_detail.html", {"session": session, "sets": session.ordered_sets})


@login_required
def session_create(request, planned_pk=None):
    """Log a session in the gym, card by card and set by set, or afterwards: ad hoc, or from a planned session.

    Every post but the finish keeps the form as a draft (autosave, Enter, add a set or an exercise), so
    nothing typed is lost; the finish logs the draft's sets once, under its client token.
    """
    unit = unit_of(request)
    planned = None
    if planned_pk is not None:
        planned = get_object_or_404(
            PlannedSession.objects.select_related("enrollment__program", "workout__week").prefetch_related(
                Prefetch(
                    "workout__prescriptions",
                    # The suggestions' kit comes from figures.kits (two name queries), not two prefetches.
                    queryset=Prescription.objects.select_related("exercise"),
                )
            ),
            pk=planned_pk,
            enrollment__user=request.user,
        )
        existing = Session.objects.filter(planned_session=planned).first()
        if existing and not request.POST:
            messages.info(request, "You already logged this session; here it is to edit.")
            return redirect("logbook:update", pk=existing.pk)
    draft = find_draft(request, planned)
    library = exercise_library(request.user)
    needs_load = needing_load(library)
    form_kwargs = {"unit": unit, "exercises": library, "needs_load": needs_load}
    if request.POST and not finishing(request):
        return keep_draft(request, planned, library)
    form = SessionForm(request.POST or None, initial={"date": timezone.localdate()})
    suggestions, rows, last = {}, [], {}
    if planned is not None:
        ids = [p.exercise_id for p in planned.workout.prescriptions.all()]
        last = LoggedSet.objects.last_time(request.user, ids)
        rows, suggestions = gym.plan_rows(planned, unit, last, planned.workout.week.phase)
        form.initial["name"] = f"{planned.enrollment.program.name} · {planned.workout.name}"
    if draft is not None and not request.POST:
        form.initial = {**form.initial, **gym.draft_details(draft.data)}
        rows = gym.draft_rows(draft.data) or rows
    formset = SetFormSet(request.POST or None, initial=None if request.POST else rows or None, form_kwargs=form_kwargs)
    if request.POST and form.is_valid() and formset.is_valid():
        try:
            logged = services.finish_draft(
                request.user,
                sets=formset.rows(ticked_only="as_prescribed" not in request.POST),
                planned=planned,
                client_token=parse_token(request.POST.get("client_token")),
                **form.details(),
            )
        except ValidationError as exc:
            saved = Session.objects.filter(planned_session=planned).first() if planned else None
            if saved is not None:  # a second tab logged this planned session first: show that one
                messages.info(request, "That session was already saved.")
                return redirect(saved)
            show_refusal(form, exc)
        else:
            if not logged.created:
                messages.info(request, "That session was already saved.")
                return redirect(logged.session)
            announce(request, logged.session, unit)
            return redirect(logged.session)
    return render_log_form(
        request, form, formset, library, planned=planned, draft=draft, suggestions=suggestions, last=last
    )


def finishing(request):
    """A post that saves the session: its Finish or "Done as prescribed" button (not Enter, not autosave)."""
    return ("save" in request.POST or "as_prescribed" in request.POST) and "keep" not in request.POST


def find_draft(request, planned):
    """The runner's unfinished draft for this planned session, or the ad-hoc one named by ?draft=."""
    drafts = Draft.objects.filter(user=request.user)
    if planned is not None:
        return drafts.filter(planned_session=planned).first()
    token = parse_token(request.GET.get("draft"))
    return drafts.filter(client_token=token, planned_session__isnull=True).first() if token else None


def keep_draft(request, planned, library):
    """Keep the posted form as the draft, with a set or an exercise added if asked; then show it again.

    The page's own script autosaves here (answered with 204), htmx adds sets here (answered with the page),
    and without JavaScript every button but Finish lands here and comes back to the form.
    """
    data = gym.draft_data(request.POST)
    token = parse_token(data.get("client_token"))
    if token is None:
        token = uuid.uuid4()
        data["client_token"] = str(token)
    rows = gym.draft_rows(data)
    if "add_set_after" in request.POST:  # a card's own "Add a set": after that card's last row
        try:
            rows = gym.add_set(rows, int(request.POST["add_set_after"]) - 1)
        except ValueError:
            rows = gym.add_set(rows, len(rows) - 1)
    elif "add_set" in request.POST:  # a copy of the last row
        rows = gym.add_set(rows, len(rows) - 1)
    elif "add_exercise" in request.POST:
        exercise = library.by_pk.get(str(request.POST.get("add_exercise_pick") or ""))
        if exercise is not None:
            rows = gym.add_exercise(rows, exercise)
        else:
            messages.error(request, "Choose an exercise to add.")
    adding = any(name in request.POST for name in ("add_set", "add_set_after", "add_exercise"))
    if adding:
        data = {**gym.as_data(gym.draft_details(data), rows), "client_token": str(token)}
    try:
        services.save_draft(
            request.user,
            client_token=token,
            data=data,
            planned=planned,
            name=data.get("name") or "",
            sets_total=len(rows),
            sets_done=gym.ticks(rows),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.headers.get("X-Autosave"):
        return HttpResponse(status=204)
    if "keep" in request.POST and not request.htmx:
        messages.info(request, "Kept as a draft: nothing is saved to your log until you finish.")
    url = reverse("logbook:log_planned", args=[planned.pk]) if planned else reverse("logbook:create")
    if planned is None:
        url += f"?draft={token}"
    # htmx follows the redirect and swaps the page's cards in from it: a set added without a reload.
    return redirect(url)


def render_log_form(
    request, form, formset, library, *, planned=None, session=None, draft=None, suggestions=None, last=None
):
    """The log form's page: its cards of set rows, the add-an-exercise picker and the finish buttons."""
    unit = unit_of(request)
    prescriptions = {p.exercise_id: p for p in planned.workout.prescriptions.all()} if planned else {}
    ids = {e.pk for e in library}
    last = last or {}
    groups = gym.cards(
        formset,
        library,
        prescriptions,
        last,
        suggestions or {},
        barbell_ids(library),
        unit,
        request.user.profile.bar_kg,
        needing_load(library),
    )
    recent = list(
        ExerciseStat.objects.filter(user=request.user, exercise_id__in=ids)
        .order_by("-last_date")
        .values_list("exercise_id", flat=True)[:8]
    )
    context = {
        "form": form,
        "formset": formset,
        "cards": groups,
        "planned": planned,
        "session": session,
        "draft": draft,
        "unit": unit,
        "recent": [library.by_pk[str(pk)] for pk in recent if str(pk) in library.by_pk],
        "library": library,
        "bar": from_kg(request.user.profile.bar_kg, unit),
    }
    return render(request, "logbook/session_form.html", context)


@login_required
def draft_discard(request, draft_id):
    """Throw an unfinished session away, after asking (a page of its own, so it asks without JavaScript too)."""
    # A draft is named by its client token: a UUID, or nothing of anyone's.
    draft = get_object_or_404(Draft, client_token=parse_token(draft_id) or uuid.UUID(int=0), user=request.user)
    if request.method == "POST":
        services.discard_draft(request.user, draft.client_token)
        messages.info(request, "Unfinished session thrown away.")
        return redirect("logbook:today")
    return render(request, "logbook/draft_confirm_discard.html", {"draft": draft})


def add_row(request, unit, library):
    """The posted formset with one more row, a copy of the last, so adding a set keeps everything typed."""
    data = request.POST.copy()
    try:
        total = int(data.get("form-TOTAL_FORMS", "0") or 0)
    except ValueError:  # a tampered management form: the formset reports it
        total = 0
    if 0 < total < SetFormSet.max_num:
        for key in ("exercise", "reps", "duration_s", "load", "side", "rpe"):
            data[f"form-{total}-{key}"] = data.get(f"form-{total - 1}-{key}", "")
        data["form-TOTAL_FORMS"] = str(total + 1)
    return SetFormSet(data, form_kwargs={"unit": unit, "exercises": library})


def announce(request, session, unit):
    messages.success(request, f"Saved: {session.title}, {session.date:%a %-d %b}.")
    for record in session.new_records(unit):
        messages.success(request, f"New personal record! {record}")


def show_refusal(form, exc):
    """A service's refusal on the form: a field's message beside it, the rest above the form."""
    for name, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        if name == "planned_session" or name == "client_token" or name not in form.fields:
            name = None
        form.add_error(name, errors)


def show_newer_version(form, newer):
    """Refuse an edit made from an older version: say what the session is now, keep what was typed, and
    let a second save knowingly replace the newer version."""
    count = newer.sets.count()
    form.add_error(
        None,
        f"Nothing was saved: this session was changed elsewhere (another tab, device or app) after you opened "
        f"it. It is now “{newer.title}”, {newer.date:%a %-d %b %Y}, with {count} set{pluralize(count)}. "
        "Your version is below: save again to replace that one with it, or open the session to see it.",
    )
    form.data = form.data.copy()
    form.data["version"] = str(newer.version)


@login_required
def session_update(request, pk):
    """Change anything about a logged session, the date included."""
    unit = unit_of(request)
    session = get_object_or_404(Session, pk=pk, user=request.user)
    form = SessionForm(request.POST or None, instance=session)
    library = exercise_library(request.user)
    if request.POST and "add_set" in request.POST:
        formset = add_row(request, unit, library)
    else:
        initial = [set_initial(s, unit) for s in session.sets.order_by("order")]
        formset = SetFormSet(request.POST or None, initial=initial, form_kwargs={"unit": unit, "exercises": library})
    saving = request.POST and "save" in request.POST and "keep" not in request.POST and "add_set" not in request.POST
    if saving and form.is_valid() and formset.is_valid():
        try:
            services.update_session(
                session, sets=formset.rows(), expected_version=form.cleaned_data.get("version"), **form.details()
            )
        except services.StaleSession as stale:
            newer = stale.session
            show_newer_version(form, newer)
            session.refresh_from_db()
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            announce(request, session, unit)
            return redirect(session)
    return render_log_form(request, form, formset, library, session=session)


@login_required
def session_delete(request, pk):
    """Delete a session after asking; its planned session is due again."""
    session = get_object_or_404(Session, pk=pk, user=request.user)
    if request.method == "POST":
        services.delete_session(session)
        messages.info(request, "Session deleted.")
        return redirect("logbook:list")
    return render(request, "logbook/session_confirm_delete.html", {"session": session})


class Echo:
    def write(self, value):
        return value


def chunked(lines, size=64 * 1024):
    """Join small strings into chunks of about `size` characters: one write per chunk, not per row."""
    buffer, length = [], 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


@login_required
@require_safe
def export_csv(request):
    """The whole log as CSV in the Strong app's column layout, loads in the runner's unit, streamed."""
    writer = csv.writer(Echo())
    sessions = exports.sessions(request.user)
    unit = unit_of(request)

    def rows():
        yield writer.writerow(strong.EXPORT_COLUMNS)
        for row in strong.export_rows(sessions, unit):
            yield writer.writerow(row)

    response = StreamingHttpResponse(chunked(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="legwork-{timezone.localdate()}.csv"'
    return response


def export_session(s):
    """One session of the JSON export, with every set under its exercise and the name it was logged as."""
    return {
        "id": s.id,
        "date": s.date,
        "start_time": s.start_time,
        "name": s.name,
        "title": s.title,
        "notes": s.notes,
        "effort": s.effort,
        "duration_min": s.duration_min,
        "planned_session": s.planned_session_id,
        "program": s.program_slug,
        "sets": [
            {
                "exercise": x.exercise[0] if x.exercise else None,
                "own": bool(x.exercise and x.exercise[2]),
                "name": x.label,
                "exercise_name": x.export_name,
                "kind": x.kind,
                "reps": x.reps,
                "duration_s": x.duration_s,
                "distance_m": x.distance_m,
                "load_kg": x.load_kg,
                "side": x.side,
                "rpe": x.rpe,
                "superset": x.superset,
                "note": x.note,
            }
            for x in s.sets
        ],
    }


def export_head(user):
    profile = user.profile
    return {
        "exported_at": timezone.now(),
        "username": user.get_username(),
        "settings": {
            "unit": profile.unit,
            "strength_days": profile.strength_days,
            "hard_run_days": profile.hard_run_days,
            "long_run_day": profile.long_run_day,
            "timing": profile.timing,
        },
        "enrollments": [
            {"program": e.program.slug, "start_date": e.start_date, "weekdays": e.weekdays, "status": e.status}
            for e in user.enrollments.select_related("program")
        ],
        "own_exercises": [
            {
                "slug": e.slug,
                "name": e.name,
                "pattern": e.pattern,
                "unilateral": e.unilateral,
                "muscles": [m.slug for m in e.primary_muscles.all()],
                "equipment": [q.slug for q in e.equipment.all()],
            }
            for e in Exercise.objects.owned_by(user).prefetch_related("primary_muscles", "equipment").order_by("name")
        ],
    }


def export_lines(user):
    """The JSON document in pieces: the head, then one session at a time, read in chunks."""
    head = json.dumps(export_head(user), cls=DjangoJSONEncoder, indent=1)
    yield head[:-2] + ',\n "sessions": ['
    for number, session in enumerate(exports.sessions(user)):
        yield ("," if number else "") + "\n  " + json.dumps(export_session(session), cls=DjangoJSONEncoder)
    yield "\n ]\n}\n"


def export_document(user):
    """The whole JSON export as a Python object (tests and the API read it whole)."""
    return json.loads("".join(export_lines(user)))


@login_required
@require_safe
def export_json(request):
    """The whole log, settings, own exercises and enrolments as one JSON document, streamed."""
    response = StreamingHttpResponse(chunked(export_lines(request.user)), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="legwork-{timezone.localdate()}.json"'
    return response


@login_required
def import_upload(request):
    """Upload a Strong or Hevy CSV: it is read and checked, then its exercise names are reviewed."""
    form = ImportForm(request.POST or None, request.FILES or None, initial={"unit": unit_of(request)})
    report = None
    if form.is_valid():
        upload = request.FILES["file"]
        draft = services.draft_import(
            request.user,
            form.cleaned_data["file"],
            unit=form.cleaned_data["unit"],
            distance_unit=form.cleaned_data["distance_unit"],
            file_name=upload.name,
        )
        report = draft.report
        if draft.batch is not None:
            return redirect("logbook:import_review", pk=draft.batch.pk)
        if report.already_imported is not None:
            when = timezone.localtime(report.already_imported.created_at)
            messages.info(
                request,
                f"You already imported this file on {when:%-d %b %Y}; nothing was added. "
                "To import it again (say, with another unit), undo that import first.",
            )
            return redirect(report.already_imported.get_absolute_url())
    return render(request, "logbook/import.html", {"form": form, "report": report})


@login_required
def import_review(request, pk):
    """Each exercise name of the upload with what it will be logged as; confirming saves the import."""
    batch = get_object_or_404(ImportBatch, pk=pk, user=request.user, status=ImportBatch.Status.DRAFT)
    workouts, report = importers.parse(batch.text, batch.unit, batch.distance_unit)
    if not report.ok:  # cannot happen for a stored draft unless the parser changed since
        messages.error(request, "That upload can no longer be read; upload it again.")
        return redirect("logbook:import")
    proposals = importers.propose(request.user, report.names)
    form = ReviewForm(request.POST or None, proposals=proposals, user=request.user)
    if form.is_valid():
        try:
            done = strong.finish(services.ParsedUpload(batch, workouts, report), form.choices())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("logbook:imports")
        messages.success(
            request,
            f"Imported {done.sessions_created} session{pluralize(done.sessions_created)} "
            f"with {done.sets_created} set{pluralize(done.sets_created)}"
            + (f"; {done.sessions_already_there} were already in your log" if done.sessions_already_there else "")
            + ".",
        )
        return redirect(done.batch.get_absolute_url())
    context = {"batch": batch, "report": report, "form": form, "sessions": len(workouts)}
    return render(request, "logbook/import_review.html", context)


@login_required
@require_safe
def import_list(request):
    """Every import of the runner, newest first, with what each added."""
    batches = ImportBatch.objects.filter(user=request.user).exclude(status=ImportBatch.Status.DRAFT).defer("text")
    page = Paginator(batches, 20).get_page(request.GET.get("page"))
    return render(request, "logbook/import_list.html", {"page": page})


@login_required
def import_detail(request, pk):
    """One import: its counts, the own exercises it made, and every row it left out with the reason."""
    batch = get_object_or_404(ImportBatch.objects.defer("text"), pk=pk, user=request.user)
    if batch.status == ImportBatch.Status.DRAFT:
        return redirect("logbook:import_review", pk=batch.pk)
    created = Exercise.objects.owned_by(request.user).filter(pk__in=batch.created_exercises).order_by("name")
    return render(request, "logbook/import_detail.html", {"batch": batch, "created": created})


@login_required
def import_undo(request, pk):
    """Undo an import after asking: exactly its sessions go, and the own exercises only it used."""
    batch = get_object_or_404(ImportBatch.objects.defer("text"), pk=pk, user=request.user)
    if request.method == "POST":
        try:
            services.undo_import(batch)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.info(request, f"Undone: the {batch.sessions_created} sessions from {batch.file_name} are gone.")
        return redirect("logbook:imports")
    return render(request, "logbook/import_confirm_undo.html", {"batch": batch})


# ---------------------------------------------------------------- own exercises


@login_required
def own_exercise_list(request):
    """The runner's own exercises with how much is logged under each; a form to add one."""
    form = OwnExerciseForm(request.POST or None)
    if form.is_valid():
        exercise = exercise_services.create_own_exercise(request.user, **form.details())
        messages.success(request, f"Added {exercise.name}. It is in the log form's exercise list now.")
        return redirect("logbook:own_exercises")
    exercises = Exercise.objects.owned_by(request.user).annotate(sets_logged=Count("logged_sets")).order_by("name")
    page = Paginator(exercises, 50).get_page(request.GET.get("page"))
    return render(request, "logbook/own_exercise_list.html", {"page": page, "form": form})


@login_required
def own_exercise(request, pk):
    """Change an own exercise's name, movement, muscles, equipment or sidedness."""
    exercise = get_object_or_404(Exercise, pk=pk, owner=request.user)
    form = OwnExerciseForm(request.POST or None, instance=exercise)
    if form.is_valid():
        exercise_services.update_own_exercise(exercise, **form.details())
        messages.success(request, f"Saved {exercise.name}.")
        return redirect("logbook:own_exercises")
    sets = LoggedSet.objects.filter(exercise=exercise).count()
    return render(request, "logbook/own_exercise_form.html", {"exercise": exercise, "form": form, "sets": sets})


@login_required
def own_exercise_delete(request, pk):
    """Delete an own exercise nothing is logged under; one with sets is refused, with the way to merge it."""
    exercise = get_object_or_404(Exercise, pk=pk, owner=request.user)
    sets = LoggedSet.objects.filter(exercise=exercise).count()
    if request.method == "POST" and not sets:
        try:
            services.delete_own_exercise(exercise)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("logbook:own_exercise", pk=pk)
        messages.info(request, f"Deleted {exercise.name}.")
        return redirect("logbook:own_exercises")
    return render(request, "logbook/own_exercise_confirm_delete.html", {"exercise": exercise, "sets": sets})


@login_required
def own_exercise_merge(request, pk):
    """Move every set of an own exercise to a library exercise (or another own one), then remove it."""
    exercise = get_object_or_404(Exercise, pk=pk, owner=request.user)
    form = MergeForm(request.POST or None, exercise=exercise)
    if form.is_valid():
        into = form.cleaned_data["into"]
        try:
            moved = services.merge_own_exercise(exercise, into)
        except ValidationError as exc:
            form.add_error("into", exc.messages)
        else:
            messages.success(request, f"Merged {exercise.name} into {into.name}: {moved} set{pluralize(moved)} moved.")
            return redirect("logbook:progress_exercise", slug=into.slug)
    sets = LoggedSet.objects.filter(exercise=exercise).count()
    return render(request, "logbook/own_exercise_merge.html", {"exercise": exercise, "form": form, "sets": sets})


@login_required
@require_safe
def progress(request):
    """Best sets, e1RM, records and next-session suggestions per exercise; weekly volume, contacts, adherence."""
    unit = unit_of(request)
    weekly = figures.weekly(request.user, timezone.localdate())
    rows = weekly["rows"]
    points = [{"label": r["week"], "volume": from_kg(r["volume"], unit) or 0, "contacts": r["contacts"]} for r in rows]
    context = {
        "exercises": figures.exercise_summaries(request.user, unit),
        "weekly": weekly,
        "records": figures.records(request.user),
        "unit": unit,
        "volume_chart": figures.chart(points, "contacts", "volume") if any(r["volume"] for r in rows) else None,
    }
    return render(request, "logbook/progress.html", context)


@login_required
@require_safe
def progress_exercise(request, slug):
    """One exercise over time: load and volume chart with a table, best set, records, next step."""
    unit = unit_of(request)
    exercise = get_object_or_404(Exercise.objects.loggable_by(request.user), slug=slug)
    points = figures.history(request.user, exercise)
    for p in points:
        p["max_load_shown"] = from_kg(p["max_load"], unit) if p["max_load"] else 0
        p["volume_shown"] = from_kg(p["volume"], unit) if p["volume"] else 0
    best = figures.best_set(request.user, exercise)
    last = LoggedSet.objects.last_time(request.user, [exercise.pk]).get(exercise.pk, [])
    plan = figures.plan_ranges(request.user, [exercise.pk]).get(exercise.pk)
    context = {
        "exercise": exercise,
        "points": points,
        "chart": figures.chart(points, "max_load_shown", "volume_shown"),
        "best": best,
        "e1rm": figures.e1rm_range(best.load_kg, best.reps) if best else None,
        "records": figures.records(request.user, exercise=exercise, limit=20),
        "suggestion": figures.suggestion_for(exercise, last, unit, plan) if last else None,
        "last": last,
        "unit": unit,
    }
    return render(request, "logbook/progress_exercise.html", context)
