"""Values without dataclasses: records compared (and, when frozen, hashed) by their fields.

Start-up paths read these records on every run, and importing dataclasses (with inspect) and
generating their methods cost more than the rest of reading the registry; a subclass names its
fields in `_key` (by default its `__slots__`, in order) and gets equality from it here.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's flag, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, Self


class Value:
    """A record equal to another of its own class with equal fields; unhashable (mutable)."""

    __slots__: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and self._key() == other._key()

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` to its fields (as dataclasses.replace; fields are `__slots__`)."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        return type(self)(**{**fields, **changes})


class Frozen(Value):
    """A Value that is never changed after it is made, so it can be hashed by its fields."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._key())
