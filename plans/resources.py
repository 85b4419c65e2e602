"""The catalogue of action templates as a spreadsheet (django-import-export), for the admin and the catalogue page."""

from import_export import fields, resources, widgets

from programs.models import CooperationArea

from .models import ActionTemplate


class ActionTemplateResource(resources.ModelResource):
    """The catalogue as a spreadsheet: one row per template, the area by its code, keyed by the template's code."""

    area = fields.Field(attribute="area", column_name="area", widget=widgets.ForeignKeyWidget(CooperationArea, "code"))

    class Meta:
        model = ActionTemplate
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "name_ja",
            "area",
            "kind",
            "cost_jpy",
            "expert_days",
            "duration_days",
            "effect",
            "required_stage",
            "is_active",
        )
        skip_unchanged = True
        clean_model_instances = True
