from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from exercises.cache import content_html, content_version
from exercises.models import Source

from . import schedule, services
from .forms import EnrollForm, MoveForm
from .models import Enrollment, PlannedSession, Program, ProgramWeek, Workout


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
    enrollment = None
    if request.user.is_authenticated:
        enrollment = Enrollment.objects.for_user(request.user).current().filter(program=program).first()
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "head_html": head,
            "plan_html": body,
            "enrollment": enrollment,
            "form": enroll_form(request, program) if not enrollment else None,
        },
    )


def enroll_form(request, program, data=None):
    if not request.user.is_authenticated:
        return None
    profile = request.user.profile
    suggested = schedule.suggest(
        sessions_per_week=program.sessions_per_week,
        min_hours_between=program.min_hours_between,
        strength_days=profile.strength_days,
        hard_run_days=profile.hard_run_days,
        long_run_day=profile.long_run_day,
        after_hard=profile.timing == profile.Timing.HARD_DAYS,
    )
    return EnrollForm(
        data, user=request.user, program=program, initial={"start_date": timezone.localdate(), "weekdays": suggested}
    )


@login_required
def enroll(request, slug):
    """Enrol in a program; weekday choices that break its rules are shown as warnings to confirm, never refused."""
    program = get_object_or_404(Program, slug=slug)
    form = enroll_form(request, program, request.POST or None)
    warnings = []
    if form.is_valid():
        warnings = schedule.warnings(
            form.cleaned_data["weekdays"],
            sessions_per_week=program.sessions_per_week,
            min_hours_between=program.min_hours_between,
            long_run_day=request.user.profile.long_run_day,
        )
        if not warnings or form.cleaned_data["confirm"]:
            try:
                enrollment = services.enrol(
                    request.user, program, form.cleaned_data["start_date"], form.cleaned_data["weekdays"]
                )
            except ValidationError as exc:  # another tab enrolled meanwhile
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"You are following {program.name}. Your first session is below.")
                return redirect(enrollment)
        # Shown once more with the warnings; sending it again means "enrol anyway".
        data = request.POST.copy()
        data["confirm"] = "True"
        form = enroll_form(request, program, data)
        form.is_valid()
    return render(request, "programs/enroll.html", {"program": program, "form": form, "warnings": warnings})


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
    sessions = enrollment.planned_sessions.select_related("workout", "logged_session").order_by("sequence")
    return render(
        request,
        "programs/enrollment_detail.html",
        {"enrollment": enrollment, "sessions": sessions, "today": timezone.localdate(), "move_form": MoveForm()},
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
    try:
        if action == "pause":
            services.pause(enrollment)
            messages.info(request, f"{name} is paused. Resume it whenever you are ready.")
        elif action == "resume":
            services.resume(enrollment, today)
            messages.success(request, "Resumed: the sessions left are on your coming training days.")
        elif action == "restart":
            services.restart(enrollment, today)
            messages.success(request, f"{name} starts again today. Your logged sessions are kept.")
        else:
            services.leave(enrollment)
            messages.info(request, f"You have left {name}. Sessions you logged stay in your log.")
            return redirect("programs:enrollments")
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
    if form.is_valid():
        try:
            services.move(planned, form.cleaned_data["date"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Moved to {form.cleaned_data['date']:%A %-d %B}; later sessions follow on.")
        return redirect(planned.enrollment)
    return render(request, "programs/planned_move.html", {"planned": planned, "form": form})


@require_safe
def race_week(request):
    """What to keep and what to drop from strength work around a race, with the papers behind it."""
    papers = Source.objects.filter(kind=Source.Kind.LITERATURE)
    return render(request, "programs/race_week.html", {"papers": papers})
