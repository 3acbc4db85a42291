from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .filters import ExerciseFilter
from .models import Exercise


def exercise_list(request):
    """The library: search and filters combine, and the URL holds them so a view can be bookmarked."""
    filterset = ExerciseFilter(request.GET or None, queryset=Exercise.objects.with_lists())
    # An invalid filter (say, an unknown muscle) shows its message and the whole library.
    exercises = filterset.qs if filterset.is_bound and filterset.is_valid() else Exercise.objects.with_lists()
    page = Paginator(exercises, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = "exercises/exercise_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def exercise_detail(request, slug):
    """Everything about one exercise, its variations and the articles it comes from."""
    exercise = get_object_or_404(
        Exercise.objects.prefetch_related(
            "primary_muscles",
            "secondary_muscles",
            "equipment",
            "sources",
            Prefetch("harder", queryset=Exercise.objects.order_by("difficulty", "name")),
            Prefetch("easier", queryset=Exercise.objects.order_by("difficulty", "name")),
            "prescriptions__workout__week__program",
        ),
        slug=slug,
    )
    programs = sorted({p.workout.week.program for p in exercise.prescriptions.all()}, key=lambda p: p.name)
    return render(request, "exercises/exercise_detail.html", {"exercise": exercise, "programs": programs})
