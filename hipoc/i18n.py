"""Names kept in the database in English and Japanese, read in the reader's language."""

from django.db.models import F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language


def in_japanese() -> bool:
    return (get_language() or "").startswith("ja")


class LocalName:
    """For a model with `name` and `name_ja`: the name in the active language, English where no Japanese one is
    recorded."""

    name: str
    name_ja: str

    @property
    def local_name(self) -> str:
        return self.name_ja if self.name_ja and in_japanese() else self.name


def local_name_expression(path: str = "name") -> Combinable:
    """The name at `path` (e.g. "country__name") in the reader's language, as a query expression: its `_ja`
    twin on Japanese pages where one is recorded."""
    if not in_japanese():
        return F(path)
    return Coalesce(NullIf(F(f"{path}_ja"), Value("")), F(path))
