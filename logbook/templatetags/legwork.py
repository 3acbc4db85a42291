from decimal import ROUND_HALF_UP, Decimal
from itertools import chain, repeat

from django import template
from django.template.defaultfilters import date as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from exercises.templatetags.lean import route
from exercises.widgets import escape
from logbook.units import format_load, from_kg

register = template.Library()

WEEKDAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@register.filter
def load(kg, unit="kg"):
    """A stored kg load in the runner's unit: `{{ set.load_kg|load:unit }}`."""
    return format_load(kg, unit)


@register.filter
def in_unit(kg, unit="kg"):
    """The bare number of a kg load in the runner's unit, for form values."""
    value = from_kg(kg, unit)
    return "" if value is None else f"{value:f}"


@register.filter
def weekdays(values):
    return ", ".join(WEEKDAY_SHORT[v] for v in sorted(values or []) if 0 <= v <= 6)


@register.simple_tag
def sets_line(sets, unit):
    """'3 × 10 @ 40 kg' style summary of a list of logged sets."""
    parts = []
    for s in sets:
        amount = f"{s.reps}" if s.reps else f"{s.duration_s}s" if s.duration_s else "—"
        side = f" {s.side[0].upper()}" if s.side != "both" else ""
        load = f" @ {format_load(s.load_kg, unit)}" if s.load_kg else ""
        parts.append(f"{amount}{side}{load}")
    return ", ".join(parts)


@register.filter
def listify(value):
    return [value] if value is not None else []


# --- the log form's set rows ------------------------------------------------------------------------------
# A page of 28 set rows has about 300 fields: each row's cells are written here in one call instead of by
# a template loop per field, and the widgets write their own markup (exercises.widgets).


@register.simple_tag
def with_hints(formset, hints):
    """(form, hint) for each form of the formset; the hint is None past the end of `hints` (or without any).

    Never a hint without a form: a posted formset can hold fewer rows than the plan has hints."""
    return zip(formset, chain(hints or [], repeat(None)), strict=False)


def _errors(bound, messages):
    """A field's (or a row's) messages under the id its input's aria-describedby names."""
    if not messages:
        return ""
    return format_html(
        '<div id="{}">{}</div>',
        f"{bound.auto_id}_error",
        format_html_join("", '<div class="invalid-feedback d-block">{}</div>', ((m,) for m in messages)),
    )


@register.simple_tag
def set_cells(form, number):
    """The cells of set row `number`: each visible field with a label naming the set, its help and its errors,
    then the Remove checkbox with the row's hidden fields and its own errors."""
    cells = []
    for field in form.visible_fields():
        if field.name == "DELETE":
            continue
        help_text = (
            format_html('<span class="visually-hidden" id="{}_helptext">{}</span>', field.auto_id, field.help_text)
            if field.help_text
            else ""
        )
        cells.append(
            format_html(
                '<td><label class="visually-hidden" for="{}">Set {} {}</label>{}{}{}</td>',
                field.id_for_label,
                number,
                field.label,
                str(field),
                help_text,
                _errors(field, field.errors),
            )
        )
    delete = form["DELETE"]
    non_field = form.non_field_errors()
    cells.append(
        format_html(
            '<td><div class="form-check"><input type="checkbox" class="form-check-input" name="{}" id="{}"{}>'
            '<label class="form-check-label visually-hidden" for="{}">Remove set {}</label></div>{}{}</td>',
            delete.html_name,
            delete.id_for_label,
            " checked" if delete.value() else "",
            delete.id_for_label,
            number,
            format_html_join("", "{}", ((str(hidden),) for hidden in form.hidden_fields())),
            format_html_join("", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in non_field)),
        )
    )
    return format_html_join("", "{}", ((cell,) for cell in cells))


def _field(bound, number, label=None, css=""):
    """One field of a gym set row: a visible label naming the set for screen readers, the input, its errors.

    Written with f-strings and one escape per value, not format_html: a page has 28 rows of nine fields.
    """
    auto_id = bound.auto_id
    help_text = (
        f'<span class="visually-hidden" id="{auto_id}_helptext">{escape(bound.help_text)}</span>'
        if bound.help_text
        else ""
    )
    errors = bound.errors
    shown = (
        f'<div id="{auto_id}_error">'
        + "".join(f'<div class="invalid-feedback d-block">{escape(m)}</div>' for m in errors)
        + "</div>"
        if errors
        else ""
    )
    return (
        f'<div class="set-field {css}"><label class="form-label" for="{bound.id_for_label}">'
        f'<span class="visually-hidden">Set {number} </span>{escape(label or bound.label)}</label>'
        f"{bound}{help_text}{shown}</div>"
    )


@register.simple_tag
def gym_row(form, number, timed=False, pick=False, tick=True):
    """Set row `number` as the gym sees it: load, reps (or seconds) and the tick in reach; the exercise, side,
    RPE, note and Remove one tap away under "More". `pick` puts the exercise picker in reach too."""
    unit = form.unit
    amount, other = (form["duration_s"], form["reps"]) if timed else (form["reps"], form["duration_s"])
    done = form["done"]
    exercise = _field(form["exercise"], number, "Exercise", "set-exercise")
    tick_html = (
        f'<div class="set-tick">{done}<label class="btn btn-outline-success" for="{done.id_for_label}">'
        f'<span aria-hidden="true">✓</span><span class="visually-hidden">Set {number} done</span></label></div>'
        if tick
        else ""
    )
    delete = form["DELETE"]
    is_open = not pick and any(form[n].errors for n in ("side", "rpe", "note", "exercise", other.name))
    more = (
        f'<details class="set-more"{" open" if is_open else ""}><summary>More'
        f'<span class="visually-hidden"> for set {number}</span></summary><div class="set-more-body">'
        f"{'' if pick else exercise}{_field(other, number, 'Reps' if timed else 'Seconds')}"
        f"{_field(form['side'], number)}{_field(form['rpe'], number)}{_field(form['note'], number)}"
        f'<div class="form-check set-remove"><input type="checkbox" class="form-check-input" '
        f'name="{delete.html_name}" id="{delete.id_for_label}"{" checked" if delete.value() else ""}>'
        f'<label class="form-check-label" for="{delete.id_for_label}">Remove set {number}</label></div></div></details>'
    )
    hidden = "".join(str(h) for h in form.hidden_fields())
    problems = "".join(f'<div class="invalid-feedback d-block">{escape(e)}</div>' for e in form.non_field_errors())
    classes = "set-row" + (" is-done" if done.value() else "") + (" has-pick" if pick else "")
    return mark_safe(
        f'<li class="{classes}" id="set-{number}"><span class="set-no" aria-hidden="true">{number}</span>'
        f"{exercise if pick else ''}{_field(form['load'], number, f'Load ({unit})', 'set-load')}"
        f"{_field(amount, number, 'Seconds' if timed else 'Reps', 'set-amount')}{tick_html}{more}{hidden}{problems}"
        "</li>"
    )


@register.simple_tag
def gym_rows(card, session=None):
    """Every set row of a card (gym.cards): the exercise picker in reach where the card names no exercise,
    the tick where the session is not logged yet (the edit page has none)."""
    pick, tick = not card.exercise, not session
    return mark_safe("".join(gym_row(form, number, card.timed, pick, tick) for form, number, _ in card.rows))


# --- progress pages ------------------------------------------------------------------------------------------


@register.simple_tag
def svg_chart(chart, chart_id, title, line_label, bar_label):
    """A line over bars from `figures.chart()`, as an image named by its title and described by the table with
    the same figures (id `<chart_id>-table`, which the page must have). Nothing when there is no chart."""
    if not chart:
        return ""
    bars = format_html_join(
        "",
        '<rect class="bar-volume" x="{}" y="{}" width="{}" height="{}"/>',
        ((b["x"], b["y"], b["w"], b["h"]) for b in chart["bars"]),
    )
    dots = format_html_join("", '<circle class="dot" cx="{}" cy="{}" r="3"/>', chart["dots"])
    pad, bottom, right = chart["pad"], chart["bottom"], chart["right"]
    return format_html(
        "<figure>"
        '<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title" '
        'aria-describedby="{id}-table">'
        '<title id="{id}-title">{title}</title>'
        '<line class="axis" x1="{pad}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
        '<line class="axis" x1="{pad}" y1="{pad}" x2="{pad}" y2="{bottom}"/>'
        '{bars}<polyline class="line-load" points="{polyline}"/>{dots}'
        '<text x="4" y="{label_y}">{line_label} max {line_max}</text>'
        '<text x="{right}" y="{label_y}" text-anchor="end">{bar_label} max {bar_max}</text>'
        "</svg>"
        '<figcaption class="small text-body-secondary">Line: {line_label}. Bars: {bar_label}. '
        "The table below has the same figures.</figcaption>"
        "</figure>",
        width=chart["width"],
        height=chart["height"],
        id=chart_id,
        title=title,
        pad=pad,
        bottom=bottom,
        right=right,
        bars=bars,
        polyline=chart["polyline"],
        dots=dots,
        label_y=pad - 8,
        line_label=line_label,
        line_max=chart["line_max"],
        bar_label=bar_label,
        bar_max=chart["bar_max"],
    )


def one_decimal(value):
    """`value|floatformat:"-1"`: a whole number as it is, anything else to one decimal place."""
    number = value if isinstance(value, Decimal) else Decimal(str(value or 0))
    if number == number.to_integral_value():
        return f"{number:.0f}"
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


@register.simple_tag
def week_cells(values):
    """One `<td>` per week of a muscle's row in the weekly sets table."""
    return format_html_join("", "<td>{}</td>", ((one_decimal(v),) for v in values))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day, year=True, weekday=False):
    """`day|date:"j M Y"` (or "j M", or "D j M Y") for rows written as strings: the filter costs more than the row."""
    text = f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")
    return f"{WEEKDAY_SHORT[day.weekday()]} {text}" if weekday else text


@register.simple_tag
def history_rows(points, unit):
    """The rows of an exercise's session table (figures.history), newest first: the session's date, linking
    to it, then sets, reps, heaviest load, volume and best estimated 1RM in the runner's unit.

    Written as strings: a hundred rows through format_html and the date filter took longer than the page."""
    rows = []
    for point in reversed(points):
        day = point["session__date"]
        reps = "—" if point["total_reps"] is None else point["total_reps"]
        rows.append(
            f'<tr><th scope="row"><a href="{escape(route(point["session_id"], "logbook:detail"))}">'
            f"{short_date(day)}</a></th><td>{point['sets']}</td><td>{reps}</td>"
            f"<td>{in_unit(point['max_load'], unit) or '—'}</td><td>{in_unit(point['volume'], unit) or '0'}</td>"
            f"<td>{in_unit(point['best_e1rm'], unit) or '—'}</td></tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - numbers, a date and our own URL


@register.simple_tag
def progress_rows(exercise, unit):
    """An exercise's rows of the progress table (figures.exercise_summaries): name and sessions, best set,
    estimated 1RM range and last time, then what to do next time. One call instead of a dozen lookups."""
    sessions = exercise.sessions_logged
    best = sets_line([exercise.best_set], unit) if exercise.best_set else ""
    if exercise.e1rm:
        e1rm = f"{escape(format_load(exercise.e1rm[0], unit))} – {escape(format_load(exercise.e1rm[1], unit))}"
    else:
        e1rm = '<span class="text-body-secondary">—</span>'
    rows = (
        f'<tr><th scope="row"><a href="{escape(route(exercise.slug, "logbook:progress_exercise"))}">'
        f"{escape(exercise.name)}</a>"
        f'<div class="small text-body-secondary fw-normal">{sessions} session{"" if sessions == 1 else "s"}</div></th>'
        f'<td data-label="Best set">{escape(best)}</td>'
        f'<td data-label="Estimated 1RM">{e1rm}</td>'
        f'<td data-label="Last time">{format_date(exercise.last_date, "j M")}: '
        f"{escape(sets_line(exercise.last_sets, unit))}</td></tr>"
    )
    if exercise.suggestion:
        rows += (
            '<tr><td colspan="4"><span class="fw-semibold">Next time:</span> '
            f"{escape(exercise.suggestion.reason)}</td></tr>"
        )
    return mark_safe(rows)  # noqa: S308 - every value above is escaped


@register.simple_tag
def prescription_list(items, caption, unit="kg", show_last=False):
    """A workout's prescriptions as a list (it reads the same at 360 px as on a desktop). `items` are
    prescriptions, or (prescription, last time's sets) pairs with `show_last`. One call for the list."""
    lines = [f'<ol class="rx-list list-unstyled mb-3" aria-label="{escape(caption)}">']
    for item in items:
        p, last = item if isinstance(item, tuple) else (item, None)
        line = (
            f'<li class="rx-item"><span class="rx-name"><a href="{escape(route(p.exercise.slug, "exercises:detail"))}">'
            f"{escape(p.exercise.name)}</a></span>"
            f'<span class="rx-dose">{p.sets} × {escape(p.target)} · rest {p.rest_s} s · {escape(p.load)}</span>'
        )
        if p.note:
            line += f'<span class="rx-note small text-body-secondary">{escape(p.note)}</span>'
        if show_last and last:
            day = last[0].date
            line += (
                f'<span class="rx-last small">Last time ({short_date(day, year=False)}): '
                f"{escape(sets_line(last, unit))}</span>"
            )
        elif show_last:
            line += '<span class="rx-last small"><span class="text-body-secondary">Not done yet</span></span>'
        lines.append(line + "</li>")
    lines.append("</ol>")
    return mark_safe("".join(lines))  # noqa: S308 - every value above is escaped


@register.simple_tag
def session_item(session, unit):
    """One session of the training log (views.session_list sets `heading`, `set_count`, `volume_kg` and
    `exercise_names`): its title and date, linking to it, then sets, volume and exercises."""
    day = session.date
    count = session.set_count
    volume = f" · volume {escape(format_load(session.volume_kg, unit))}" if session.volume_kg else ""
    return mark_safe(  # noqa: S308 - every value below is escaped or a number
        f'<a class="list-group-item list-group-item-action" href="{escape(route(session.pk, "logbook:detail"))}">'
        f'<div class="d-flex justify-content-between"><strong>{escape(session.heading)}</strong>'
        f"<span>{short_date(day, weekday=True)}</span></div>"
        f'<div class="small text-body-secondary">{count} set{"" if count == 1 else "s"}{volume} · '
        f"{escape(', '.join(session.exercise_names))}</div></a>"
    )
