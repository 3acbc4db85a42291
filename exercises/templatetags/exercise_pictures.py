"""``{% exercise_picture exercise %}``: the start and end positions of an exercise, drawn by exercises.drawing."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from exercises.drawing import picture_pair

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _markup(slug, name, size):
    start, end, start_label, end_label = picture_pair(slug, name)
    # The SVGs are built from numbers and escaped text only (see exercises.drawing), so they are safe to inline.
    if size == "lg":
        figures = format_html(
            '<figure>{}<figcaption>Start: {}</figcaption></figure><span class="exercise-picture-arrow" '
            'aria-hidden="true">→</span><figure>{}<figcaption>End: {}</figcaption></figure>',
            mark_safe(start),  # noqa: S308
            start_label,
            mark_safe(end),  # noqa: S308
            end_label,
        )
    else:
        figures = format_html(
            '<figure>{}</figure><span class="exercise-picture-arrow" aria-hidden="true">→</span><figure>{}</figure>',
            mark_safe(start),  # noqa: S308
            mark_safe(end),  # noqa: S308
        )
    return format_html('<div class="exercise-picture exercise-picture-{}">{}</div>', size, figures)


@register.simple_tag
def exercise_picture(exercise, size="sm"):
    """Start → end pictures of ``exercise``; ``size`` is "sm" (cards, log form) or "lg" (exercise page)."""
    return _markup(exercise.slug, exercise.name, "lg" if size == "lg" else "sm")
