"""Serializer plumbing shared by every app's API."""

from rest_framework import serializers


class StrictSerializerMixin(serializers.Serializer):
    """Refuse fields the client sent that the serializer does not know, instead of ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {name for name, field in self.fields.items() if not field.read_only})
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)
