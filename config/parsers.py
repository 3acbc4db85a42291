"""The API's JSON parser: DRF's, made safe for any byte sequence a client can send."""

import codecs
import json
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 20  # the deepest body the API takes is a session: object → sets → set, three levels
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
BRACKETS = re.compile(r"[\[\]{}]")


def problem_in(value):
    """Why a parsed JSON value cannot be taken (too deep, a lone surrogate), or None. Iterative.

    A NUL is left to the fields: each text field refuses one with its own message (DRF's CharField), and
    slug lookups refuse one before the database sees it (accounts.fields.SlugLookupField)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"JSON nested deeper than {MAX_DEPTH} levels."
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "A string holds a lone surrogate (\\ud800-\\udfff); send whole UTF-16 pairs or UTF-8."
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, plus: nesting deeper than MAX_DEPTH and lone surrogates are a 400, never a
    RecursionError or an encoding error in the database later."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        # DRF reads the request stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: apply it here.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(f"A JSON body is at most {limit // (1024 * 1024)} MB.")
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        # The cheap pre-check: a body with more brackets open at once than MAX_DEPTH is refused without
        # parsing (the C parser would recurse once per bracket).
        if max_open_brackets(text) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        try:
            data = json.loads(text, parse_constant=refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if problem := problem_in(data):
            raise ParseError(f"JSON parse error - {problem}")
        return data


def refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def max_open_brackets(text):
    """The deepest nesting of brackets in `text` outside its strings (the bound the parser would recurse to)."""
    depth = deepest = 0
    for bracket in BRACKETS.findall(STRINGS.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest
