"""Forms of the country and indicator pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .indicator_files import MAX_FILE_BYTES

# Files one upload takes: a World Bank download with its two metadata files, or a few series at once.
MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class IndicatorFilesField(forms.FileField):
    """Several files in one field, as Django's documentation shows for multiple uploads."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        if not files:
            return [single(None, initial)]
        return [single(item, initial) for item in files]


class IndicatorImportForm(forms.Form):
    indicator_files = IndicatorFilesField(
        label=_("Indicator files"),
        help_text=_(
            "World Bank downloads (API_…_DS2_en_csv_v2_….csv, with the Metadata_Indicator_… file), World Bank API "
            "v2 JSON, or a table with the columns iso3, indicator_code, year, value (CSV or XLSX). Up to %(count)d "
            "files of %(size)d MB each."
        )
        % {"count": MAX_FILES, "size": MAX_FILE_BYTES // (1024 * 1024)},
    )

    def clean_indicator_files(self):
        files = self.cleaned_data["indicator_files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Upload at most %(count)d files at once.") % {"count": MAX_FILES})
        for upload in files:
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(size)d MB.")
                    % {"name": upload.name, "size": MAX_FILE_BYTES // (1024 * 1024)}
                )
        return files


class CountryChoiceField(forms.ModelChoiceField):
    """A country choice listed by the countries' names in the reader's language, put in that order each time a form
    is made (Django copies its fields then) rather than once when the form's class is defined."""

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # ModelChoiceField defines it; the stubs do not
        result.queryset = result.queryset.by_local_name()
        return result
