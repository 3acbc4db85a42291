"""Input fields that never hand a client's odd bytes on: numbers in the digits 0-9 only, for forms and for
the API, and API slug lookups that refuse a NUL (PostgreSQL cannot even compare a string holding one).

Python's int() and Decimal() read any Unicode digit ("１０" is 10), so a number typed with full-width or
Arabic-Indic digits would be stored as if it had been typed plainly; the runner should see what they sent
and send it again. A JSON number is a number already; only text is checked.
"""

from django import forms
from django.db import models
from rest_framework import serializers

MESSAGE = "Type the number with the digits 0–9."


def plain(value):
    """False for text that holds anything but ASCII (a full-width or other non-Latin digit)."""
    return not isinstance(value, str) or value.isascii()


class IntegerFormField(forms.IntegerField):
    def to_python(self, value):
        if not plain(value):
            raise forms.ValidationError(MESSAGE, code="invalid")
        return super().to_python(value)


class DecimalFormField(forms.DecimalField):
    def to_python(self, value):
        if not plain(value):
            raise forms.ValidationError(MESSAGE, code="invalid")
        return super().to_python(value)


class IntegerApiField(serializers.IntegerField):
    def to_internal_value(self, data):
        if not plain(data):
            raise serializers.ValidationError(MESSAGE, code="invalid")
        return super().to_internal_value(data)


class DecimalApiField(serializers.DecimalField):
    def to_internal_value(self, data):
        if not plain(data):
            raise serializers.ValidationError(MESSAGE, code="invalid")
        return super().to_internal_value(data)


class SlugLookupField(serializers.SlugRelatedField):
    """DRF's SlugRelatedField; a value holding a NUL is "no such object" without asking the database."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\0"))
        return super().to_internal_value(data)


class PlainNumbersSerializerMixin:
    """For a ModelSerializer: its model's integer and decimal fields take the digits 0-9 only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.IntegerField: IntegerApiField,
        models.BigIntegerField: IntegerApiField,
        models.SmallIntegerField: IntegerApiField,
        models.PositiveIntegerField: IntegerApiField,
        models.PositiveSmallIntegerField: IntegerApiField,
        models.PositiveBigIntegerField: IntegerApiField,
        models.DecimalField: DecimalApiField,
    }
