"""Forms for the experts' workflow. They parse and show errors; the services decide."""

import csv
import io
import zipfile
from typing import TYPE_CHECKING

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from countries.forms import CountryChoiceField
from countries.models import Country
from hipoc.forms import LocalDateInput
from hipoc.spreadsheets import unpacks_beyond

from .models import (
    AreaAssessment,
    CooperationArea,
    CooperationProgram,
    MissionReport,
    NeedSource,
    NeedStatus,
    ReportKind,
    StakeholderGroup,
    StakeholderNeed,
)
from .services import AssessmentFields, NeedFields, NeedRecord, ProgramFields, ReportFields, validate_report
from .services.reports import MAX_ROWS_PER_REPORT, MESSAGE_AREA_TWICE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = LocalDateInput()


class MissionReportForm(forms.Form):
    """The report's own fields. A plain form: the service validates and saves the report and its rows."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *ReportKind.choices])
    country = CountryChoiceField(
        queryset=Country.objects.oda_eligible(),
        label=_("Country"),
        help_text=_("Partner countries are the recipients of official development assistance."),
    )
    visit_start = forms.DateField(label=_("Visit start"), widget=DATE)
    visit_end = forms.DateField(label=_("Visit end"), widget=DATE)
    summary = forms.CharField(label=_("Summary"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        label=_("Recommendations"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance: MissionReport | None = None, **kwargs) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind,
                "country": instance.country_id,
                "visit_start": instance.visit_start,
                "visit_end": instance.visit_end,
                "summary": instance.summary,
                "recommendations": instance.recommendations,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.errors:
            try:
                validate_report(self.report_fields(), [])
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data

    def report_fields(self) -> ReportFields:
        return ReportFields.from_mapping(self.cleaned_data)


class RowStyleMixin(forms.BaseForm):
    """Bootstrap classes on the inputs of a table row, marked invalid where an error is shown.

    The errors are read once the form is cleaned, not when it is built: the formset adds its DELETE box after
    building the form, and a form cleaned before that would never see the box ticked."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"


# What the ends and the middle of each 1–5 scale mean, so that experts on different missions score alike.
RUBRICS = {
    "need_level": _("1 no gap seen · 3 a gap the office works around · 5 a gap that stops its work"),
    "readiness": _("1 no staff or systems to take it up · 3 some, with gaps · 5 staff and systems ready now"),
    "commitment": _("1 no one in charge, no budget · 3 support without budget · 5 a named counterpart with budget"),
    "urgency": _("1 can wait years · 3 within a year or two · 5 needed now"),
}


def rating(label: "StrOrPromise", name: str, *, in_table: bool = True) -> forms.IntegerField:
    """A 1–5 input with its rubric; in a table of rows the rubric heads the column (`_formset.html`)."""
    attrs = {"aria-describedby": f"rubric-{name}"} if in_table else {}
    return forms.IntegerField(
        label=label, min_value=1, max_value=5, help_text=RUBRICS[name], widget=forms.NumberInput(attrs=attrs)
    )


class AreaAssessmentForm(RowStyleMixin, forms.ModelForm):
    area = forms.ModelChoiceField(queryset=CooperationArea.objects.all(), label=_("Area"))
    need_level = rating(_("Need level"), "need_level")
    readiness = rating(_("Readiness"), "readiness")
    commitment = rating(_("Commitment"), "commitment")

    class Meta:
        model = AreaAssessment
        fields = ["area", "need_level", "readiness", "commitment", "comment"]
        widgets = {"comment": forms.TextInput()}


class StakeholderNeedRowForm(RowStyleMixin, forms.ModelForm):
    area = forms.ModelChoiceField(queryset=CooperationArea.objects.all(), label=_("Area"))
    stakeholder_group = forms.ModelChoiceField(queryset=StakeholderGroup.objects.all(), label=_("Stakeholder group"))
    urgency = rating(_("Urgency"), "urgency")

    class Meta:
        model = StakeholderNeed
        fields = ["area", "stakeholder_group", "description", "urgency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class RowFormSet(BaseFormSet):
    """Rows left blank are ignored; rows marked for removal are dropped."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def kept(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.has_changed()
        ]


class AssessmentFormSetBase(RowFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        areas = [row["area"].pk for row in self.kept()]
        if len(areas) != len(set(areas)):
            raise forms.ValidationError(MESSAGE_AREA_TWICE)

    def rows(self) -> list[AssessmentFields]:
        return [
            AssessmentFields(
                area=row["area"],
                need_level=row["need_level"],
                readiness=row["readiness"],
                commitment=row["commitment"],
                comment=row.get("comment", ""),
            )
            for row in self.kept()
        ]


class NeedFormSetBase(RowFormSet):
    def rows(self) -> list[NeedFields]:
        return [
            NeedFields(
                area=row["area"],
                stakeholder_group=row["stakeholder_group"],
                description=row["description"],
                urgency=row["urgency"],
            )
            for row in self.kept()
        ]


AssessmentFormSet = formset_factory(
    AreaAssessmentForm,
    formset=AssessmentFormSetBase,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS_PER_REPORT,
    validate_max=True,
)
NeedFormSet = formset_factory(
    StakeholderNeedRowForm,
    formset=NeedFormSetBase,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS_PER_REPORT,
    validate_max=True,
)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the author"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StakeholderNeedForm(forms.Form):
    country = CountryChoiceField(queryset=Country.objects.oda_eligible(), label=_("Country"))
    area = forms.ModelChoiceField(queryset=CooperationArea.objects.all(), label=_("Area"))
    stakeholder_group = forms.ModelChoiceField(queryset=StakeholderGroup.objects.all(), label=_("Stakeholder group"))
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = rating(_("Urgency"), "urgency", in_table=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=[choice for choice in NeedSource.choices if choice[0] != NeedSource.MISSION_REPORT]
    )
    raised_on = forms.DateField(label=_("Raised on"), widget=DATE)

    def __init__(self, *args, instance: StakeholderNeed | None = None, **kwargs) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)
        if instance is not None and instance.report_id is not None:
            # A need heard in a report keeps the report as its source.
            del self.fields["source"]

    def record(self) -> NeedRecord:
        data = self.cleaned_data
        return NeedRecord(
            country=data["country"],
            area=data["area"],
            stakeholder_group=data["stakeholder_group"],
            description=data["description"],
            urgency=data["urgency"],
            source=data.get("source", NeedSource.MISSION_REPORT),
            raised_on=data["raised_on"],
        )


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=NeedStatus.choices)


IMPORT_FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
IMPORT_MAX_BYTES = 2 * 1024 * 1024
# Rows of needs one import takes, and how far an XLSX file (a zip archive) may unpack: both checked before the
# file is parsed, so that a small file cannot make the server parse millions of rows or gigabytes.
IMPORT_MAX_ROWS = 1000
IMPORT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024


class NeedImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: country, area, stakeholder_group, description, urgency, source, raised_on (YYYY-MM-DD), "
            "and optionally status."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in IMPORT_FORMATS:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload

    def upload(self) -> tuple[str, bytes]:
        """The file's format and bytes; a CSV with NUL characters is refused."""
        upload = self.cleaned_data["file"]
        content = upload.read()
        kind = IMPORT_FORMATS["." + upload.name.rsplit(".", 1)[-1].lower()]
        if kind == "csv" and b"\x00" in content:
            raise forms.ValidationError(_("The file contains NUL characters; save it again as UTF-8 text."))
        check_import_size(kind, content)
        return kind, content


def _too_many_rows() -> forms.ValidationError:
    return forms.ValidationError(
        _("The file has more than %(rows)s rows of needs; split it into smaller files.")
        % {"rows": f"{IMPORT_MAX_ROWS:,}"}
    )


def check_import_size(kind: str, content: bytes) -> None:
    """Refuse a file with more than `IMPORT_MAX_ROWS` rows under its header, or an XLSX file that unpacks to more
    than `IMPORT_MAX_UNPACKED_BYTES`, reading no more of it than it takes to tell."""
    if kind == "csv":
        text = io.StringIO(content.decode("utf-8-sig", errors="replace"), newline="")
        for count, _row in enumerate(csv.reader(text)):
            if count > IMPORT_MAX_ROWS:
                raise _too_many_rows()
        return
    try:
        if unpacks_beyond(content, IMPORT_MAX_UNPACKED_BYTES):
            raise forms.ValidationError(
                _("The XLSX file unpacks to more than %(size)s MB; save a smaller file.")
                % {"size": IMPORT_MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as error:
        raise forms.ValidationError(
            _("The file could not be read as %(kind)s: %(error)s") % {"kind": "XLSX", "error": error}
        ) from None
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        for count, _row in enumerate(sheet.iter_rows(values_only=True)):
            if count > IMPORT_MAX_ROWS:
                raise _too_many_rows()
    except forms.ValidationError:
        raise
    except Exception as error:
        raise forms.ValidationError(
            _("The file could not be read as %(kind)s: %(error)s") % {"kind": "XLSX", "error": error}
        ) from None


def dataset_from_upload(kind: str, content: bytes):
    """The rows of an uploaded CSV or XLSX file as a tablib dataset; ValidationError when unreadable."""
    import tablib

    try:
        if kind == "csv":
            dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
        else:
            dataset = tablib.Dataset().load(content, format="xlsx")
    except Exception as error:
        raise forms.ValidationError(
            _("The file could not be read as %(kind)s: %(error)s") % {"kind": kind.upper(), "error": error}
        ) from None
    if not dataset.height:
        raise forms.ValidationError(_("The file has no rows of needs under its header."))
    return dataset


class CooperationProgramForm(forms.ModelForm):
    """Staff record a program; the service validates it whole and saves it with its relations."""

    budget_jpy = forms.IntegerField(label=_("budget (JPY)"), min_value=0, required=False)

    class Meta:
        model = CooperationProgram
        fields = [
            "title",
            "description",
            "program_type",
            "status",
            "stage",
            "start_date",
            "end_date",
            "budget_jpy",
            "countries",
            "areas",
            "stakeholder_groups",
            "partners",
        ]
        widgets = {
            "start_date": LocalDateInput(),
            "end_date": LocalDateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "countries": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        countries = self.fields["countries"]
        assert isinstance(countries, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type for mypy
        countries.queryset = Country.objects.by_local_name()

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The program cannot end before it starts."))
        return data

    def program_fields(self) -> ProgramFields:
        data = self.cleaned_data
        return ProgramFields(
            title=data["title"],
            program_type=data["program_type"],
            status=data["status"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            stage=data["stage"],
            description=data.get("description", ""),
            budget_jpy=data.get("budget_jpy"),
            countries=list(data.get("countries") or []),
            areas=list(data.get("areas") or []),
            stakeholder_groups=list(data.get("stakeholder_groups") or []),
            partners=list(data.get("partners") or []),
        )
