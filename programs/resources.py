"""Spreadsheet import and export of stakeholder needs (django-import-export)."""

from import_export import fields, resources, widgets

from countries.models import Country
from hipoc.spreadsheets import spreadsheet_text

from .models import CooperationArea, NeedStatus, StakeholderGroup, StakeholderNeed

ID_REFUSED = (
    "An import adds new needs and cannot change existing ones: leave the id column empty (or remove it), and "
    "change a need on its page or through the API."
)
FORMULA_REFUSED = "Spreadsheet formulas are not accepted: write the text without a leading '='."


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key given by its code; an unknown code is a clear error on that cell."""

    def __init__(self, model, field: str, hint: str) -> None:
        super().__init__(model, field)
        self.hint = hint

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"Unknown code {value!r}: {self.hint}") from None


class PlainTextWidget(widgets.CharWidget):
    """Text as text: a cell that is a spreadsheet formula (it starts with "=") is refused, not stored."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        if isinstance(value, str) and value.lstrip().startswith("="):
            raise ValueError(FORMULA_REFUSED)
        return value


class StakeholderNeedResource(resources.ModelResource):
    description = fields.Field(attribute="description", column_name="description", widget=PlainTextWidget())
    country = fields.Field(
        attribute="country",
        column_name="country",
        widget=CodeWidget(Country, "iso3", "use an upper-case ISO 3166-1 alpha-3 code such as VNM"),
    )
    area = fields.Field(
        attribute="area",
        column_name="area",
        widget=CodeWidget(CooperationArea, "code", "use a cooperation-area code such as patent_examination"),
    )
    stakeholder_group = fields.Field(
        attribute="stakeholder_group",
        column_name="stakeholder_group",
        widget=CodeWidget(StakeholderGroup, "code", "use a stakeholder-group code such as ip_office"),
    )
    raised_on = fields.Field(attribute="raised_on", column_name="raised_on", widget=widgets.DateWidget("%Y-%m-%d"))

    class Meta:
        model = StakeholderNeed
        fields = (
            "id",
            "country",
            "area",
            "stakeholder_group",
            "description",
            "urgency",
            "source",
            "raised_on",
            "status",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = False

    def __init__(self, *, user=None, validate=None) -> None:
        super().__init__()
        self.user = user
        self.validate = validate

    def before_import_row(self, row, **kwargs) -> None:
        # An import adds needs, as the API's create does; it never reaches an existing one by its id, which would
        # bypass the rules on its status, its report and who may change it.
        if str(row.get("id") or "").strip():
            raise ValueError(ID_REFUSED)

    def before_save_instance(self, instance, row, **kwargs) -> None:
        if not instance.pk:
            instance.created_by = self.user
            instance.status = NeedStatus.OPEN
        instance._history_user = self.user
        if self.validate is not None:
            self.validate(instance)

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_text(super().export_field(field, instance, **kwargs))
