from collections import defaultdict
from functools import cache

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .cache import content_html, content_version, hashed
from .filters import ExerciseFilter
from .models import Exercise


def card_lists(exercises):
    """Give each exercise the names its library card lists (`muscle_names`, `equipment_names`), by name.

    Two small queries for the whole page and no model instance per name: prefetching the relations instead
    costs about 50 µs an exercise per relation, most of the time the list took to build.
    """
    ids = [e.pk for e in exercises]
    muscles, equipment = defaultdict(list), defaultdict(list)
    rows = Exercise.primary_muscles.through.objects.filter(exercise_id__in=ids).order_by("muscle__name")
    for exercise_id, name in rows.values_list("exercise_id", "muscle__name"):
        muscles[exercise_id].append(name)
    rows = Exercise.equipment.through.objects.filter(exercise_id__in=ids).order_by("equipment__name")
    for exercise_id, name in rows.values_list("exercise_id", "equipment__name"):
        equipment[exercise_id].append(name)
    for e in exercises:
        e.muscle_names, e.equipment_names = muscles[e.pk], equipment[e.pk]


@require_safe
def exercise_list(request):
    """The library: search and filters combine, and the URL holds them so a view can be bookmarked."""
    query = request.GET.copy()
    query.pop("page", None)
    version = content_version()
    key = f"exercises:list:{hashed(query.urlencode())}"

    def filtered():
        filterset = ExerciseFilter(request.GET or None, queryset=Exercise.objects.library())
        # An invalid filter (say, an unknown muscle) shows its message and the whole library.
        exercises = filterset.qs if filterset.is_bound and filterset.is_valid() else Exercise.objects.library()
        # A card shows these; the coaching text (three JSON lists a row to decode) stays in the database.
        exercises = exercises.only("slug", "name", "pattern", "unilateral", "difficulty", "summary")
        page = Paginator(exercises, 50).get_page(request.GET.get("page"))
        card_lists(page)
        return {"filter": filterset, "page": page, "query": query.urlencode()}

    # The results depend on the page as well; the filter form does not.
    page_key = f"{key}:results:{hashed(request.GET.get('page'))}"
    results = content_html(page_key, version, "exercises/includes/results.html", filtered)
    if request.htmx:
        return HttpResponse(results)
    form = content_html(
        f"{key}:form",
        version,
        "exercises/includes/filter_form.html",
        lambda: {"filter": ExerciseFilter(request.GET or None, queryset=Exercise.objects.none())},
    )
    return render(request, "exercises/exercise_list.html", {"filter_html": form, "results_html": results})


@require_safe
def exercise_detail(request, slug):
    """Everything about one exercise, its variations and the articles it comes from."""

    @cache  # the article and the title are cached apart; on a miss, load the exercise once
    def context():
        exercise = (
            Exercise.objects.library()
            .prefetch_related(
                "primary_muscles",
                "secondary_muscles",
                "equipment",
                "sources",
                Prefetch("harder", queryset=Exercise.objects.order_by("difficulty", "name")),
                Prefetch("easier", queryset=Exercise.objects.order_by("difficulty", "name")),
                "prescriptions__workout__week__program",
            )
            .filter(slug=slug)
            .first()
        )
        if exercise is None:
            raise Http404("No such exercise.")
        programs = sorted({p.workout.week.program for p in exercise.prescriptions.all()}, key=lambda p: p.name)
        return {"exercise": exercise, "programs": programs}

    version, key = content_version(), f"exercises:detail:{slug}"
    article = content_html(key, version, "exercises/includes/detail.html", context)
    title = content_html(f"{key}:title", version, "exercises/includes/title.txt", context)
    return render(request, "exercises/exercise_detail.html", {"article": article, "title": title})
