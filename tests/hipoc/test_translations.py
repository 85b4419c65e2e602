"""The Japanese catalogue translates every message it holds, and the compiled catalogue Django reads is in step."""

import gettext

import polib
import pytest
from django.conf import settings

CATALOGUE = settings.BASE_DIR / "locale" / "ja" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def source() -> polib.POFile:
    return polib.pofile(str(CATALOGUE / "django.po"))


def test_every_message_has_a_japanese_translation(source):
    assert [entry.msgid for entry in source.untranslated_entries()] == []
    # A fuzzy entry is gettext's guess from a similar message; Django does not show it, so it is untranslated too.
    assert [entry.msgid for entry in source.fuzzy_entries()] == []


def test_the_compiled_catalogue_says_what_its_source_says(source):
    """`make messages` compiles the catalogue; a .po edited without compiling would show English."""
    with open(CATALOGUE / "django.mo", "rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)
    entries = [entry for entry in source.translated_entries() if not entry.obsolete]
    assert entries
    for entry in entries:
        # The same English may mean different things in different places: such entries carry a context.
        context = entry.msgctxt
        if entry.msgid_plural:
            # Japanese has one plural form (nplurals=1): every count takes it.
            shown = {
                compiled.npgettext(context, entry.msgid, entry.msgid_plural, count)
                if context
                else compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                for count in (1, 2)
            }
            assert shown == {entry.msgstr_plural[0]}, entry.msgid
        else:
            shown = compiled.pgettext(context, entry.msgid) if context else compiled.gettext(entry.msgid)
            assert shown == entry.msgstr, entry.msgid
