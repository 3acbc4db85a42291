"""Form widgets that write their HTML in Python instead of through Django's widget templates.

Django renders every widget with a small template and every `<option>` with another one. That is fine
for a form of five fields, and it is most of the time a page takes when a form repeats: the log form's
28 set rows rendered about 1,900 templates, 1,200 of them exercise options. These widgets write the
same markup (the same attributes in the same order, `selected`, and the `id`, `required` and `aria-*`
attributes the bound field adds) with a few string operations.

`ExerciseOptions` is the exercise picker's list for one page: its `<option>`s are written once and every
row's picker reuses them, marking only its own choice. Each picker stays a plain `<select>` that works
without JavaScript.
"""

import html
from functools import cached_property

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe


def escape(value):
    """Django's conditional_escape, without its lazy-string wrapper (which costs more than the escaping)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def attributes(attrs):
    """HTML attributes as Django's widget templates write them: `True` bare, `False` and `None` left out."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {name}")
        elif value is not False and value is not None:
            # Most values are plain strings or numbers; only they skip escape()'s safe-string check.
            text = html.escape(value) if type(value) is str else str(value) if type(value) is int else escape(value)
            out.append(f' {name}="{text}"')
    return "".join(out)


def option(value, label, selected=False):
    return f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'


class PlainInput:
    """Mixin for an `<input>` widget: the markup of Django's input.html, without the template."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(value)}"'
        attrs = attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<input type="{self.input_type}" name="{escape(name)}"{shown}{attrs}>')


class TextInput(PlainInput, forms.TextInput):
    pass


class NumberInput(PlainInput, forms.NumberInput):
    pass


class HiddenInput(PlainInput, forms.HiddenInput):
    pass


class Select(forms.Select):
    """A single `<select>` with the markup of Django's select.html, without a template per option."""

    allow_multiple_selected = False  # a multiple select would mark every chosen option; not written here

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        attrs = attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{self.options(values[0])}</select>')

    def options(self, selected):
        """The `<option>`s, the first whose value is `selected` marked (as Django's Select does)."""
        html, found = [], False
        for value, label in self.choices:
            value = "" if value is None else str(value)
            mark = not found and value == selected
            found = found or mark
            html.append(option(value, label, mark))
        return "".join(html)


class ExerciseOptions(list):
    """The library's exercises for the pickers of one page, in order; their `<option>`s are written once."""

    @cached_property
    def by_pk(self):
        return {str(e.pk): e for e in self}

    @cached_property
    def pairs(self):
        return [(pk, e.name) for pk, e in self.by_pk.items()]

    @cached_property
    def html(self):
        return mark_safe("".join(option(pk, name) for pk, name in self.pairs))

    def choices(self, empty_label):
        """A picker's choices: its own empty choice, then the library (shared, not copied for each row)."""
        return PickerChoices(self, empty_label)

    def marked(self, selected):
        """Every exercise's `<option>`, the one whose pk is `selected` marked selected."""
        if selected not in self.by_pk:
            return self.html
        plain = f'<option value="{selected}">'
        return mark_safe(self.html.replace(plain, f'<option value="{selected}" selected>', 1))


class PickerChoices(BaseChoiceIterator):
    """Choices that Django's fields take as they are: a list would be normalized again, choice by choice, for
    the field and for its widget of every row."""

    def __init__(self, library, empty_label):
        self.library, self.empty_label = library, empty_label

    def __iter__(self):
        yield "", self.empty_label
        yield from self.library.pairs


class ExercisePicker(Select):
    """The exercise `<select>` of a set row: the row's first option (its empty choice) and the page's library.

    `library` is the page's `ExerciseOptions`; the field's choices must be its empty choice followed by the
    library, which is what is validated against.
    """

    library = None

    def options(self, selected):
        if self.library is None:
            return super().options(selected)
        value, label = self.choices[0]
        return option(value, label, selected == value) + self.library.marked(selected)
