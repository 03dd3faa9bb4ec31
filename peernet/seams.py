"""Extension points between apps, declared in code.

An app that shows or collects something that other apps contribute (a section of the member's
page, a part of the member's data export, a panel of the staff dashboard, a moment when kept
pages expire) declares a :class:`Seam` beside the code that reads it. The contributing apps
register into it from their ``AppConfig.ready()``, so that "go to definition" on a registered
callable leads to its provider, and a search for the seam's name finds both sides. The
direction of imports stays the one the apps already lean: the contributor imports the seam of
the app it may use, never the other way round.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

Entry = TypeVar("Entry", bound=Callable)


class Seam(Generic[Entry]):
    """An ordered set of callables that other apps contribute, in the order of registration
    (which is the order of ``INSTALLED_APPS``, since each app registers in its ``ready()``)."""

    def __init__(self, name: str):
        self.name = name
        self._entries: list[Entry] = []

    def __repr__(self) -> str:
        return f"<Seam {self.name}: {len(self._entries)} entries>"

    def register(self, entry: Entry) -> Entry:
        """Add ``entry`` once (registering it again changes nothing); return it, so that this
        also serves as a decorator."""
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def __iter__(self) -> Iterator[Entry]:
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    @contextmanager
    def replaced(self, *entries: Entry):
        """Stand ``entries`` in for what was registered, for the length of a ``with`` block
        (tests that show a page without, or with another, contributor)."""
        kept = self._entries
        self._entries = list(entries)
        try:
            yield self
        finally:
            self._entries = kept
