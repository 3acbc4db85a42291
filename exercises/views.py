from functools import cache

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render

from config.cache import CONTENT_TIMEOUT, content_version, fragment, hashed
from config.transactions import read_only

from .filters import ExerciseFilter
from .models import Exercise


@read_only
def exercise_list(request):
    """The library: search and filters combine, and the URL holds them so a view can be bookmarked."""
    query = request.GET.copy()
    query.pop("page", None)
    key = f"exercises:list:{content_version()}:{hashed(query.urlencode())}"

    def filtered():
        filterset = ExerciseFilter(request.GET or None, queryset=Exercise.objects.with_lists())
        # An invalid filter (say, an unknown muscle) shows its message and the whole library.
        exercises = filterset.qs if filterset.is_bound and filterset.is_valid() else Exercise.objects.with_lists()
        page = Paginator(exercises, 50).get_page(request.GET.get("page"))
        return {"filter": filterset, "page": page, "query": query.urlencode()}

    # The results depend on the page as well; the filter form does not.
    page_key = f"{key}:results:{hashed(request.GET.get('page'))}"
    results = fragment(page_key, "exercises/includes/results.html", filtered, timeout=CONTENT_TIMEOUT)
    if request.htmx:
        return HttpResponse(results)
    form = fragment(
        f"{key}:form",
        "exercises/includes/filter_form.html",
        lambda: {"filter": ExerciseFilter(request.GET or None, queryset=Exercise.objects.none())},
        timeout=CONTENT_TIMEOUT,
    )
    return render(request, "exercises/exercise_list.html", {"filter_html": form, "results_html": results})


@read_only
def exercise_detail(request, slug):
    """Everything about one exercise, its variations and the articles it comes from."""

    @cache  # the article and the title are cached apart; on a miss, load the exercise once
    def context():
        exercise = (
            Exercise.objects.prefetch_related(
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

    key = f"exercises:detail:{content_version()}:{slug}"
    article = fragment(key, "exercises/includes/detail.html", context, timeout=CONTENT_TIMEOUT)
    title = fragment(f"{key}:title", "exercises/includes/title.txt", context, timeout=CONTENT_TIMEOUT)
    return render(request, "exercises/exercise_detail.html", {"article": article, "title": title})
