"""What a filter matches: the text of a stored metadata value, and the full-scan definition.

The listing itself is answered from ``eventindex``; ``matches`` states the same rules one
event at a time, and the tests hold the index to it.
"""

from __future__ import annotations

from operator import attrgetter

from .jsnumber import js_string
from .models import Event, ListQuery, MetadataValue

ORDER = attrgetter("order")


def metadata_text(value: MetadataValue) -> list[str]:
    """The strings a stored metadata value matches: itself, its elements, or a number's text.

    A number is compared by JavaScript's ``String(n)``, as the API's backend would print it.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    return [js_string(value)]


def matches(event: Event, query: ListQuery) -> bool:
    """Whether ``event`` passes every filter of ``query`` (the rules the index implements)."""
    if query.event_names and event.event_name not in query.event_names:
        return False
    if query.values and event.value not in query.values:
        return False
    if query.metadata:
        stored = event.metadata
        if stored is None:
            return False
        for key, wanted in query.metadata:
            value = stored.get(key)
            if value is None or wanted not in metadata_text(value):
                return False
    return True
