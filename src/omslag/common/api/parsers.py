"""Request bodies in JSON, read with the one JSON reader (depth limit, duplicate keys)."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from ..jsonreader import JsonProblem, load_json


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with omslag's limits: a bad body answers 400 saying what and where."""

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ParseError(_("The request body is larger than %(n)s bytes.") % {"n": limit})
        try:
            return load_json(body)
        except JsonProblem as problem:
            raise ParseError(problem.message) from None
