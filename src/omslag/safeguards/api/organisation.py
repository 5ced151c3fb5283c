"""An organisation's safeguard coverage and its gate requirements."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from omslag.common.api.helpers import validated
from omslag.common.api.serializers import CamelSerializer
from omslag.common.subjects import assessment_subjects
from omslag.organisations.access import organisation_get_changeable, organisation_get_readable

from .. import access, gates, selectors, services
from ..models import GateRequirement, TemplateKind


class SubjectCoverageOut(CamelSerializer):
    subject = serializers.ChoiceField(choices=[s.key for s in assessment_subjects()])
    total = serializers.IntegerField()
    covered = serializers.IntegerField(help_text="With every approved assessment required.")
    share_percent = serializers.FloatField(source="share", allow_null=True)


class CoverageOut(CamelSerializer):
    subjects = SubjectCoverageOut(many=True)
    total = serializers.IntegerField()
    covered = serializers.IntegerField()
    share_percent = serializers.FloatField(source="share", allow_null=True)
    open_high_risks = serializers.IntegerField(
        help_text="Risks with score 15 or more without an approved mitigation."
    )
    overdue_mitigations = serializers.IntegerField()
    uses_defaults = serializers.BooleanField()


class RequirementSerializer(CamelSerializer):
    subject = serializers.ChoiceField(choices=GateRequirement.Subject.choices)
    stage = serializers.CharField(allow_blank=True, max_length=20)
    need = serializers.ChoiceField(choices=GateRequirement.Need.choices)
    template_kind = serializers.ChoiceField(
        choices=TemplateKind.choices, allow_blank=True, required=False, default=""
    )
    when = serializers.ChoiceField(choices=GateRequirement.When.choices, default="always")


class RequirementsIn(CamelSerializer):
    requirements = RequirementSerializer(many=True, help_text="Empty: back to the defaults.")


class RequirementsOut(CamelSerializer):
    uses_defaults = serializers.BooleanField()
    requirements = RequirementSerializer(many=True)


@extend_schema(tags=["safeguards"])
class CoverageApi(generics.GenericAPIView):
    serializer_class = CoverageOut

    @extend_schema(operation_id="safeguard_coverage_read")
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        return Response(CoverageOut(selectors.coverage_for(organisation)).data)


def _requirements(organisation) -> Response:
    return Response(
        RequirementsOut(
            {
                "uses_defaults": gates.uses_defaults(organisation),
                "requirements": [
                    vars(r)
                    if not hasattr(r, "__dataclass_fields__")
                    else {f: getattr(r, f) for f in r.__dataclass_fields__}
                    for r in gates.requirements_for(organisation)
                ],
            }
        ).data
    )


@extend_schema(tags=["safeguards"])
class GateRequirementListApi(generics.GenericAPIView):
    serializer_class = RequirementsOut

    @extend_schema(operation_id="gate_requirements_read")
    def get(self, request, slug):
        return _requirements(organisation_get_readable(request.user, slug))

    @extend_schema(
        operation_id="gate_requirements_replace",
        request=RequirementsIn,
        responses={200: RequirementsOut},
    )
    def put(self, request, slug):
        organisation = organisation_get_changeable(
            request.user, slug, access.gate_requirements_can_change
        )
        data = validated(RequirementsIn, request.data)
        services.gate_requirements_save(
            actor=request.user,
            organisation=organisation,
            rules=[dict(r) for r in data["requirements"]],
        )
        return _requirements(organisation)
