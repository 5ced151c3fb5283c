"""Assessments: list and start per organisation, read one with its answers, save answers
(per step), submit, approve and reject."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.helpers import VersionIn, validated
from omslag.common.api.problems import problem_response
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.common.subjects import assessment_subjects
from omslag.organisations.access import organisation_get_readable

from .. import access, selectors, services
from ..models import Assessment, AssessmentStatus, AssessmentTemplate
from ..questionnaire import AnswerInvalid


def subject_types() -> list[str]:
    return [subject.key for subject in assessment_subjects()]


class AssessmentOut(CamelModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    template = serializers.PrimaryKeyRelatedField(read_only=True)
    template_urn = serializers.CharField(source="template.urn", read_only=True)
    template_version = serializers.CharField(source="template.version", read_only=True)
    subject_type = serializers.ChoiceField(choices=subject_types(), read_only=True)
    subject_id = serializers.IntegerField(source="subject.pk", read_only=True)
    author = serializers.EmailField(source="author.email", read_only=True, allow_null=True)
    reviewed_by = serializers.EmailField(
        source="reviewed_by.email", read_only=True, allow_null=True
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "organisation",
            "title",
            "kind",
            "template",
            "template_urn",
            "template_version",
            "subject_type",
            "subject_id",
            "status",
            "score",
            "outcome",
            "outcome_label",
            "author",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AnswerOut(CamelSerializer):
    item = serializers.CharField(help_text="The item's id in the template file.")
    repeat = serializers.CharField(
        help_text='Repeat path inside repeatable groups: "" outside, "0", "1.0" for nested.'
    )
    value = serializers.JSONField(help_text="Text, number, date (YYYY-MM-DD), option or list.")


class AssessmentDetailOut(AssessmentOut):
    answers = serializers.SerializerMethodField(method_name="answer_list")
    step_count = serializers.SerializerMethodField(method_name="steps_of")

    class Meta(AssessmentOut.Meta):
        fields = [*AssessmentOut.Meta.fields, "step_count", "answers"]
        read_only_fields = fields

    @extend_schema_field(AnswerOut(many=True))
    def answer_list(self, assessment) -> list[dict]:
        from ..exports import assessment_document

        return AnswerOut(assessment_document(assessment)["answers"], many=True).data

    def steps_of(self, assessment) -> int:
        return assessment.template.items.filter(parent=None).count()


class AssessmentIn(CamelSerializer):
    template = serializers.PrimaryKeyRelatedField(queryset=AssessmentTemplate.objects.all())
    subject_type = serializers.ChoiceField(choices=subject_types())
    subject_id = serializers.IntegerField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AnswerIn(CamelSerializer):
    item = serializers.CharField(max_length=50)
    repeat = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    value = serializers.JSONField(allow_null=True)


class AnswersIn(VersionIn):
    step = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="With a step, that step's answers not sent are cleared (as a web form does).",
    )
    answers = AnswerIn(many=True)


class ReviewIn(VersionIn):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class AssessmentFiltersIn(CamelSerializer):
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, required=False)
    kind = serializers.CharField(required=False, max_length=20)


def _detail(assessment, code=status.HTTP_200_OK) -> Response:
    return Response(AssessmentDetailOut(assessment).data, status=code)


@extend_schema(tags=["safeguards"])
class AssessmentListApi(generics.GenericAPIView):
    serializer_class = AssessmentOut

    @extend_schema(
        operation_id="assessments_list",
        parameters=[AssessmentFiltersIn],
        responses={200: AssessmentOut(many=True)},
    )
    def get(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        filters = validated(AssessmentFiltersIn, request.query_params)
        page = self.paginate_queryset(selectors.assessment_list(organisation, **filters))
        return self.get_paginated_response(AssessmentOut(page, many=True).data)

    @extend_schema(
        operation_id="assessments_create",
        request=AssessmentIn,
        responses={201: AssessmentDetailOut},
    )
    def post(self, request, slug):
        organisation = organisation_get_readable(request.user, slug)
        require(access.assessments_can_create(request.user, organisation))
        data = validated(AssessmentIn, request.data)
        subject = access.subject_get_readable(
            request.user, data["subject_type"], data["subject_id"]
        )
        if subject.organisation_id != organisation.pk:
            raise serializers.ValidationError({"subjectId": ["Not of this organisation."]})
        assessment = services.assessment_create(
            actor=request.user,
            template=data["template"],
            subject=subject,
            title=data.get("title", ""),
        )
        return _detail(assessment, status.HTTP_201_CREATED)


@extend_schema(tags=["safeguards"])
class AssessmentDetailApi(generics.GenericAPIView):
    serializer_class = AssessmentDetailOut

    @extend_schema(operation_id="assessments_read")
    def get(self, request, pk):
        return _detail(access.assessment_get_readable(request.user, pk))


@extend_schema(tags=["safeguards"])
class AssessmentAnswersApi(generics.GenericAPIView):
    serializer_class = AssessmentDetailOut

    @extend_schema(
        operation_id="assessments_answers_update",
        request=AnswersIn,
        responses={200: AssessmentDetailOut},
        description="Save answers as you go; answers to hidden items are removed. "
        "A wrong type or an option the item does not have gives 422 naming the item.",
    )
    def patch(self, request, pk):
        assessment = access.assessment_get_readable(request.user, pk)
        require(access.assessment_can_edit(request.user, assessment))
        data = validated(AnswersIn, request.data)
        try:
            services.assessment_answers_save(
                actor=request.user,
                assessment=assessment,
                answers=data["answers"],
                expected_version=data.get("version"),
                step=data.get("step"),
            )
        except AnswerInvalid as invalid:
            return problem_response(
                request,
                422,
                invalid.message,
                invalidParams=[
                    {"name": f"answers.{key}", "reason": reason}
                    for key, reason in invalid.problems.items()
                ],
            )
        return _detail(assessment)


def _action(operation_id, service, allowed, description):
    @extend_schema(tags=["safeguards"])
    class ActionApi(generics.GenericAPIView):
        serializer_class = AssessmentDetailOut

        @extend_schema(
            operation_id=operation_id,
            request=ReviewIn,
            responses={200: AssessmentDetailOut},
            description=description,
        )
        def post(self, request, pk):
            assessment = access.assessment_get_readable(request.user, pk)
            require(allowed(request.user, assessment))
            data = validated(ReviewIn, request.data)
            kwargs = {"expected_version": data.get("version")}
            if service is not services.assessment_submit:
                kwargs["note"] = data.get("note", "")
            service(actor=request.user, assessment=assessment, **kwargs)
            return _detail(assessment)

    ActionApi.__name__ = ActionApi.__qualname__ = operation_id.title().replace("_", "") + "Api"
    return ActionApi


AssessmentSubmitApi = _action(
    "assessments_submit",
    services.assessment_submit,
    access.assessment_can_edit,
    "Send for review; every shown required question needs an answer.",
)
AssessmentApproveApi = _action(
    "assessments_approve",
    services.assessment_approve,
    access.assessment_can_review,
    "Sign-off: only a safeguard officer of the organisation who is not the author (else 403).",
)
AssessmentRejectApi = _action(
    "assessments_reject",
    services.assessment_reject,
    access.assessment_can_review,
    "Reject with a note: only a safeguard officer who is not the author (else 403).",
)
