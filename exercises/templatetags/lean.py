"""Template helpers for pages that repeat a row many times (library cards, progress tables, the log form).

`{{ exercise.slug|route:"exercises:detail" }}` is `{% url "exercises:detail" exercise.slug %}` from one
`reverse()` per URL pattern instead of one per row: the pattern is reversed once with a placeholder
argument and the placeholder is swapped for each row's value. A reverse costs about 30 µs, which is a
millisecond and a half on a page of 50 cards.
"""

import re
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .exercise_pictures import exercise_picture

register = template.Library()

# Digits, so the placeholder fits <int:…>, <slug:…> and <str:…> alike.
PLACEHOLDER = "8086420975318642"
# Values a path converter takes as they are (ASCII letters, digits, - and _); anything else goes through reverse().
PLAIN = re.compile(r"[A-Za-z0-9_-]+")


@lru_cache(maxsize=64)
def _pattern(viewname, prefix, urlconf):
    """The URL of `viewname` with PLACEHOLDER for its one argument; None if that does not reverse cleanly."""
    url = reverse(viewname, args=[PLACEHOLDER], urlconf=urlconf)
    return url if url.count(PLACEHOLDER) == 1 else None


@register.filter
def route(value, viewname):
    """The URL of `viewname` for its one argument `value`, as `{% url viewname value %}` gives it."""
    pattern = _pattern(viewname, get_script_prefix(), get_urlconf())
    value = str(value)
    if pattern is None or not PLAIN.fullmatch(value):
        return reverse(viewname, args=[value])
    return pattern.replace(PLACEHOLDER, value)


@register.simple_tag
def exercise_card(exercise):
    """One library card (`exercise` carries `muscle_names` and `equipment_names`, as views.card_lists sets them).

    Written in one call: fifty cards through the template language cost more than the rest of the page.
    """
    per_side = " · per side" if exercise.unilateral else ""
    badges = "".join(
        f'<span class="badge rounded-pill text-bg-secondary me-1">{escape(name)}</span>'
        for name in exercise.muscle_names
    )
    return mark_safe(  # noqa: S308 - every value below is escaped or our own markup
        '<div class="col"><article class="card h-100 card-exercise"><div class="card-body">'
        f'<h2 class="card-title"><a href="{escape(route(exercise.slug, "exercises:detail"))}">'
        f"{escape(exercise.name)}</a></h2>"
        f'<p class="small text-body-secondary mb-2">{escape(exercise.get_pattern_display())}{per_side}'
        f" · difficulty {int(exercise.difficulty)}/5</p>"
        f"{exercise_picture(exercise)}"
        f'<p class="card-text">{escape(Truncator(exercise.summary).words(28, truncate=" …"))}</p>'
        f'<p class="mb-1">{badges}</p>'
        f'<p class="small mb-0">Equipment: {escape(", ".join(exercise.equipment_names))}</p>'
        "</div></article></div>"
    )
