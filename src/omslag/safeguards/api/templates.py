"""Assessment templates: the list, and one template with its items by source id."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer

from .. import selectors
from ..models import AssessmentTemplate, ItemType


class TemplateOut(CamelModelSerializer):
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = AssessmentTemplate
        fields = [
            "id",
            "key",
            "urn",
            "version",
            "name",
            "name_en",
            "kind",
            "source",
            "item_count",
            "created_at",
        ]
        read_only_fields = fields


class OptionOut(CamelSerializer):
    value = serializers.JSONField(help_text="A string, true, false or null.")
    label = serializers.CharField()
    label_en = serializers.CharField(required=False)
    score = serializers.IntegerField(required=False)


class ItemOut(CamelSerializer):
    id = serializers.CharField(source="source_id", help_text="The item's id in the file.")
    parent = serializers.CharField(source="parent_source_id", allow_null=True)
    step = serializers.IntegerField()
    type = serializers.ChoiceField(choices=ItemType.choices)
    label = serializers.CharField()
    label_en = serializers.CharField()
    description = serializers.CharField(help_text="Plain text; HTML from imports is removed.")
    required = serializers.BooleanField()
    repeatable = serializers.BooleanField()
    options = OptionOut(many=True)
    condition = serializers.JSONField(
        allow_null=True,
        help_text="{item, in: [values]} (or not_in, answered, unanswered): shown only when that "
        "answer matches; {all: [conditions]} when several must all hold.",
    )


class TemplateDetailOut(TemplateOut):
    outcome_rules = serializers.JSONField(read_only=True)
    items = serializers.SerializerMethodField(method_name="template_items")

    class Meta(TemplateOut.Meta):
        fields = [*TemplateOut.Meta.fields, "description", "outcome_rules", "items"]
        read_only_fields = fields

    @extend_schema_field(ItemOut(many=True))
    def template_items(self, template) -> list[dict]:
        return ItemOut(items_out(template), many=True).data


def items_out(template) -> list[dict]:
    from ..presentation import plain
    from ..questionnaire import Questionnaire

    items = selectors.template_items(template)
    questionnaire = Questionnaire(items)
    by_pk = questionnaire.by_pk
    return [
        {
            "source_id": item.source_id,
            "parent_source_id": by_pk[item.parent_id].source_id if item.parent_id else None,
            "step": questionnaire.step_of(item),
            "type": item.type,
            "label": item.label,
            "label_en": item.label_en,
            "description": plain(item.description),
            "required": item.required,
            "repeatable": item.repeatable,
            "options": item.options,
            "condition": item.condition,
        }
        for item in questionnaire.items
    ]


@extend_schema(tags=["safeguards"])
class TemplateListApi(generics.GenericAPIView):
    serializer_class = TemplateOut

    @extend_schema(
        operation_id="assessment_templates_list", responses={200: TemplateOut(many=True)}
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.template_list())
        return self.get_paginated_response(TemplateOut(page, many=True).data)


@extend_schema(tags=["safeguards"])
class TemplateDetailApi(generics.GenericAPIView):
    serializer_class = TemplateDetailOut

    @extend_schema(operation_id="assessment_templates_read")
    def get(self, request, pk):
        template = generics.get_object_or_404(selectors.template_list(), pk=pk)
        return Response(TemplateDetailOut(template).data)
