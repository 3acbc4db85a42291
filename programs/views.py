from datetime import date, timedelta
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from exercises.cache import content_html, content_version
from exercises.models import Source

from . import calendars, placement, runweek, services
from .forms import EnrollForm, MoveForm, RaceForm
from .models import CalendarFeed, Enrollment, PlannedSession, Program, ProgramWeek, Race, Workout


@require_safe
def program_list(request):
    """All program templates."""
    programs = Program.objects.prefetch_related("equipment")
    return render(request, "programs/program_list.html", {"programs": programs})


@require_safe
def program_detail(request, slug):
    """The plan week by week, with each session's time and (for plyometrics) ground contacts."""
    program = get_object_or_404(Program, slug=slug)

    @cache  # the head and the plan are cached apart; on a miss, load the plan once
    def plan():
        weeks = ProgramWeek.objects.order_by("number").prefetch_related(
            Prefetch("workouts", queryset=Workout.objects.with_items().order_by("order"))
        )
        prefetch_related_objects([program], "equipment", "sources", Prefetch("program_weeks", queryset=weeks))
        return {"program": program}

    version, key = content_version(), f"programs:detail:{program.pk}"
    head = content_html(f"{key}:head", version, "programs/includes/program_head.html", plan)
    body = content_html(f"{key}:plan", version, "programs/includes/program_plan.html", plan)
    enrollment = suggestion = None
    if request.user.is_authenticated:
        enrollment = Enrollment.objects.for_user(request.user).current().filter(program=program).first()
        if not enrollment:
            suggestion = runweek.suggestion(request.user, program, timezone.localdate())
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "head_html": head,
            "plan_html": body,
            "enrollment": enrollment,
            "suggestion": suggestion,
            "form": enroll_form(request, program, suggestion=suggestion) if suggestion else None,
        },
    )


def enroll_form(request, program, data=None, suggestion=None):
    if not request.user.is_authenticated:
        return None
    suggestion = suggestion or runweek.suggestion(request.user, program, timezone.localdate())
    return EnrollForm(
        data,
        user=request.user,
        program=program,
        initial={"start_date": timezone.localdate(), "weekdays": suggestion.weekdays},
    )


@login_required
def enroll(request, slug):
    """Enrol in a program on the suggested days (each with its reason); a choice that breaks a placement rule is
    shown with the rule and the nearest good day, and the runner decides."""
    program = get_object_or_404(Program, slug=slug)
    suggestion = runweek.suggestion(request.user, program, timezone.localdate())
    form = enroll_form(request, program, request.POST or None, suggestion)
    warnings = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            enrollment = services.enrol(
                request.user, program, data["start_date"], data["weekdays"], confirm=data["confirm"]
            )
        except services.NeedsConfirmation as exc:
            warnings = exc.breaches
            # Shown once more with the warnings; sending it again means "enrol anyway".
            post = request.POST.copy()
            post["confirm"] = "True"
            form = enroll_form(request, program, post, suggestion)
            form.is_valid()
        except ValidationError as exc:  # another tab enrolled meanwhile
            form.add_error(None, exc.messages)
        else:
            report_breaches(request, enrollment.breaches)
            messages.success(request, f"You are following {program.name}. Your first session is below.")
            return redirect(enrollment)
    return render(
        request,
        "programs/enroll.html",
        {"program": program, "form": form, "warnings": warnings, "suggestion": suggestion},
    )


def report_breaches(request, breaches):
    """Rules a confirmed change still breaks stay visible after it, never silent."""
    for breach in breaches[:5]:
        messages.warning(request, f"{placement.RULES[breach.rule]} {breach.text()}")
    if len(breaches) > 5:
        messages.warning(request, f"…and {len(breaches) - 5} more; see the schedule.")


@login_required
@require_safe
def enrollment_list(request):
    """The runner's enrolments with progress, and what can be done with each."""
    enrollments = Enrollment.objects.for_user(request.user).with_progress().select_related("program")
    return render(request, "programs/enrollment_list.html", {"enrollments": enrollments})


@login_required
@require_safe
def enrollment_detail(request, pk):
    """One enrolment's whole dated schedule, with skip and move for what was missed."""
    enrollment = get_object_or_404(
        Enrollment.objects.with_progress().select_related("program"), pk=pk, user=request.user
    )
    sessions = list(enrollment.planned_sessions.select_related("workout", "logged_session").order_by("sequence"))
    today = timezone.localdate()
    found = {}
    for breach in runweek.breaches(request.user, today=today):
        found.setdefault(breach.key, []).append(breach)
    for s in sessions:
        s.breaches = found.get(s.pk, [])
    races = Race.objects.for_user(request.user).coming(today)[:5]
    return render(
        request,
        "programs/enrollment_detail.html",
        {"enrollment": enrollment, "sessions": sessions, "today": today, "move_form": MoveForm(), "races": races},
    )


CONFIRM = {
    "restart": (
        "Start {name} again from today?",
        "Your logged sessions stay in your log; the schedule starts over.",
        "Restart",
    ),
    "leave": ("Leave {name}?", "Its schedule goes. Sessions you logged from it stay in your log.", "Leave"),
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrollment_action(request, pk, action):
    """Pause, resume, restart or leave an enrolment; restart and leave ask first, on a page of their own."""
    enrollment = get_object_or_404(Enrollment.objects.select_related("program"), pk=pk, user=request.user)
    name, today = enrollment.program.name, timezone.localdate()
    if request.method != "POST":
        if action not in CONFIRM:
            return HttpResponseNotAllowed(["POST"])
        question, detail, button = CONFIRM[action]
        context = {"enrollment": enrollment, "action": action, "question": question.format(name=name)}
        return render(request, "programs/enrollment_confirm.html", {**context, "detail": detail, "button": button})
    confirm = request.POST.get("confirm") == "yes"
    try:
        if action == "pause":
            services.pause(enrollment)
            messages.info(request, f"{name} is paused. Resume it whenever you are ready.")
        elif action == "resume":
            report_breaches(request, services.resume(enrollment, today, confirm=confirm).breaches)
            messages.success(request, "Resumed: the sessions left are on your coming training days.")
        elif action == "restart":
            report_breaches(request, services.restart(enrollment, today, confirm=confirm).breaches)
            messages.success(request, f"{name} starts again today. Your logged sessions are kept.")
        else:
            services.leave(enrollment)
            messages.info(request, f"You have left {name}. Sessions you logged stay in your log.")
            return redirect("programs:enrollments")
    except services.NeedsConfirmation as exc:
        return render(
            request,
            "programs/confirm_change.html",
            {"enrollment": enrollment, "action": action, "warnings": exc.breaches},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(enrollment)


def change_planned(request, pk, write, said):
    """Look the runner's planned session up, write `write` to it and say `said(planned)`, or why not."""
    planned = get_object_or_404(
        PlannedSession.objects.select_related("enrollment", "workout"), pk=pk, enrollment__user=request.user
    )
    try:
        write(planned)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, said(planned))
    return planned


@login_required
@require_POST
def planned_skip(request, pk):
    """Skip a session; the block carries on with the next one."""
    planned = change_planned(
        request,
        pk,
        services.skip,
        lambda p: f"Skipped {p.workout.name} of week {p.week}. Changed your mind? Undo it below.",
    )
    return redirect(planned.enrollment)


@login_required
@require_POST
def planned_unskip(request, pk):
    """Undo a skip: the session is to do again."""
    planned = change_planned(
        request, pk, services.unskip, lambda p: f"{p.workout.name} of week {p.week} is back on your plan."
    )
    return redirect("logbook:today" if request.POST.get("next") == "today" else planned.enrollment)


@login_required
def planned_move(request, pk):
    """Move a session to a new date; the rest of the schedule moves with it."""
    planned = get_object_or_404(
        PlannedSession.objects.select_related("enrollment__program", "workout"), pk=pk, enrollment__user=request.user
    )
    form = MoveForm(request.POST or None, initial={"date": timezone.localdate()})
    if planned.status != PlannedSession.Status.PLANNED:
        messages.error(request, "Only a session still to do can be moved.")
        return redirect(planned.enrollment)
    warnings = []
    if form.is_valid():
        try:
            moved = services.move(planned, form.cleaned_data["date"], confirm=form.cleaned_data["confirm"])
        except services.NeedsConfirmation as exc:
            warnings = exc.breaches
            post = request.POST.copy()
            post["confirm"] = "True"
            form = MoveForm(post)
            form.is_valid()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(planned.enrollment)
        else:
            report_breaches(request, moved.breaches)
            messages.success(request, f"Moved to {form.cleaned_data['date']:%A %-d %B}; later sessions follow on.")
            return redirect(planned.enrollment)
    return render(request, "programs/planned_move.html", {"planned": planned, "form": form, "warnings": warnings})


@require_safe
def race_week(request):
    """What to keep and what to drop from strength work around a race, with the papers behind it."""
    papers = Source.objects.filter(kind=Source.Kind.LITERATURE)
    return render(request, "programs/race_week.html", {"papers": papers})


# ---------------------------------------------------------------- races


@login_required
def race_list(request):
    """The runner's races, and a form to add one; each shows its taper and what to do after it."""
    form = RaceForm(request.POST or None)
    if form.is_valid():
        race = services.save_race(request.user, form.cleaned_data)
        report_breaches(request, race.breaches)
        messages.success(request, f"Added {race.name}: the last leg session comes {race.taper} days before it.")
        return redirect("programs:races")
    today = timezone.localdate()
    races = Race.objects.for_user(request.user).order_by("-date")
    context = {
        "form": form,
        "coming": [r for r in races if r.date >= today][::-1],
        "past": [r for r in races if r.date < today],
        "after": runweek.after_race(request.user, today),
        "taper_table": [(Race.Distance(d).label, *days) for d, days in placement.TAPER_DAYS.items()],
        "taper_source": placement.TAPER_SOURCE,
    }
    return render(request, "programs/race_list.html", context)


@login_required
def race_edit(request, pk):
    """Change a race's date, distance, priority or taper."""
    race = get_object_or_404(Race, pk=pk, user=request.user)
    form = RaceForm(request.POST or None, instance=race)
    if form.is_valid():
        race = services.save_race(request.user, form.cleaned_data, race=race)
        report_breaches(request, race.breaches)
        messages.success(request, f"Saved {race.name}.")
        return redirect("programs:races")
    return render(request, "programs/race_edit.html", {"race": race, "form": form})


@login_required
@require_POST
def race_delete(request, pk):
    """Remove a race; the sessions around it are no longer tapered."""
    race = get_object_or_404(Race, pk=pk, user=request.user)
    services.delete_race(race)
    messages.info(request, f"Removed {race.name}.")
    return redirect("programs:races")


# ---------------------------------------------------------------- calendar


def _day_param(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
@require_safe
def calendar_week(request):
    """A week of runs, strength sessions and races, Monday first; ?week=YYYY-MM-DD picks the week."""
    today = timezone.localdate()
    day = _day_param(request.GET.get("week"), today)
    monday = day - timedelta(days=day.weekday())
    week = calendars.days(request.user, request.user.profile, monday, monday + timedelta(days=6), today)
    return render(
        request,
        "programs/calendar_week.html",
        {
            "days": week,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": today,
        },
    )


@login_required
@require_safe
def calendar_month(request):
    """A month at a glance; ?month=YYYY-MM picks it."""
    today = timezone.localdate()
    try:
        first = date.fromisoformat(f"{request.GET['month']}-01") if request.GET.get("month") else today
    except ValueError:
        first = today
    first = first.replace(day=1)
    weeks = calendars.weeks_of_month(first, request.user, request.user.profile, today)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        "programs/calendar_month.html",
        {"weeks": weeks, "first": first, "previous": previous, "next": following, "today": today},
    )


@require_safe
def calendar_feed(request, token):
    """The private iCalendar subscription: anyone holding the address sees these sessions; revoked → 404."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user__profile"), token=token)
    body = calendars.feed(feed.user, feed.user.profile)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="legwork.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_POST
def calendar_feed_action(request, action):
    """Make or rotate the feed's address (the old one stops working), or revoke it."""
    if action == "revoke":
        services.revoke_feed(request.user)
        messages.info(request, "Your calendar address no longer works. Make a new one whenever you like.")
    else:
        services.rotate_feed(request.user)
        messages.success(request, "Here is your new calendar address; any old one stops working.")
    return redirect(reverse("accounts:settings") + "#calendar-feed")
