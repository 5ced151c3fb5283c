"""The one JSON reader for uploads and request bodies: a nesting limit checked before parsing
(Python's parser recurses, so 100,000 nested brackets would end in RecursionError) and
duplicate keys refused with the key and where it is, instead of the last one silently winning.
"""

import json
import re
from typing import Any

from django.utils.translation import gettext as _

from .errors import DomainError

MAX_DEPTH = 64
# A string (skipped whole, so brackets inside it do not count) or a bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonProblem(DomainError):
    """The text is not JSON omslag accepts; ``message`` says what and where."""


class _Duplicated(dict):
    """An object in which ``key`` appeared more than once."""

    key = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            duplicated = _Duplicated(pairs)
            duplicated.key = key
            return duplicated
        result[key] = value
    return result


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return _("line %(line)s, column %(column)s") % {"line": line, "column": column}


def _check_depth(text: str, max_depth: int) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        piece = match.group()
        if piece in ("[", "{"):
            depth += 1
            if depth > max_depth:
                raise JsonProblem(
                    _("The JSON is nested more than %(limit)s levels deep (at %(where)s).")
                    % {"limit": max_depth, "where": _where(text, match.start())}
                )
        elif piece in ("]", "}"):
            depth -= 1


def _first_duplicate(data: Any) -> tuple[str, str] | None:
    """(path, key) of the first object with a duplicated key, walking without recursion."""
    stack: list[tuple[str, Any]] = [("$", data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, _Duplicated):
            return path, node.key
        if isinstance(node, dict):
            stack.extend((f"{path}.{k}", v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(node))))
    return None


def load_json(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text``; JsonProblem (with line and column, or the path of a duplicated key)
    for anything malformed, too deeply nested or with a key given twice."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JsonProblem(
                _("The JSON is not UTF-8 text (byte %(n)s).") % {"n": exc.start + 1}
            ) from None
    text = text.removeprefix("\ufeff")
    _check_depth(text, max_depth)
    duplicates = []

    def hook(pairs):
        result = _pairs(pairs)
        if isinstance(result, _Duplicated):
            duplicates.append(result)
        return result

    try:
        data = json.loads(text, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        raise JsonProblem(
            _("This is not valid JSON: %(error)s at %(where)s.")
            % {"error": exc.msg, "where": _where(text, exc.pos)}
        ) from None
    except RecursionError:  # a guard only: the depth check above comes first
        raise JsonProblem(_("The JSON is nested too deeply.")) from None
    if duplicates:
        path, key = _first_duplicate(data) or ("$", duplicates[0].key)
        raise JsonProblem(
            _("The key %(key)s appears twice in the object at %(path)s.")
            % {"key": json.dumps(key, ensure_ascii=False), "path": path}
        )
    return data
