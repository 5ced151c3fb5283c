"""API views for the evidence of an experiment: measurements (summaries as JSON, per-unit files
as uploads), evaluations by the analysis core, and the decisions taken at the gates."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, parsers, serializers, status
from rest_framework.response import Response

from omslag.common.access import require
from omslag.common.api.helpers import validated
from omslag.common.api.parsers import JSONParser
from omslag.common.api.problems import problem_response
from omslag.common.api.serializers import CamelModelSerializer, CamelSerializer
from omslag.common.tabular.formats import FileProblem

from .. import access, selectors, services
from ..models import EVIDENCE_LEVELS, Decision, Evaluation, MeasurementSummary, MeasurementUpload
from .base import CamelJsonField, does_not_exist, record_changeable, row_problems
from .calculator_serializers import FiniteFloatField

# The service names the fields of a summary as Python does; the API as the request did.
SUMMARY_COLUMNS = {
    "total": "sum",
    "sum_of_squares": "sumOfSquares",
    "standard_deviation": "standardDeviation",
}

# --- serializers ----------------------------------------------------------------------------


class SummaryOut(CamelModelSerializer):
    sum = serializers.FloatField(source="total", read_only=True)

    class Meta:
        model = MeasurementSummary
        fields = [
            "id",
            "metric",
            "group",
            "period",
            "count",
            "sum",
            "sum_of_squares",
            "squared_deviations",
            "successes",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class SummaryIn(CamelSerializer):
    """One group's numbers for one metric in one period. Whether they are possible (at least
    2 units, a variance that is not negative, successes within the count) is checked for the
    whole list at once and reported per row."""

    metric = serializers.CharField(max_length=100)
    group = serializers.CharField(
        max_length=50, help_text="The experiment's control or treatment label."
    )
    period = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", help_text="e.g. before"
    )
    count = serializers.IntegerField(min_value=0, max_value=2**53)
    sum = FiniteFloatField(required=False)
    sum_of_squares = FiniteFloatField(required=False)
    mean = FiniteFloatField(required=False, help_text="Instead of sum (with standardDeviation).")
    standard_deviation = FiniteFloatField(
        required=False,
        min_value=0,
        help_text="Sample standard deviation, instead of sumOfSquares (with mean): exact for a "
        "small spread beside a large mean, which a sum of squares cannot carry.",
    )
    successes = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None, help_text="Yes/no metrics."
    )

    def to_internal_value(self, data):
        """The pair not given in the mean-and-deviation form is required, reported with the
        other field errors of the row."""
        missing = {}
        if isinstance(data, dict):
            pair = (
                ("mean", "standardDeviation")
                if "mean" in data or "standardDeviation" in data
                else ("sum", "sumOfSquares")
            )
            missing = {
                name: [self.fields[name].error_messages["required"]]
                for name in pair
                if name not in data
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({**missing, **error.detail}) from None
        if missing:
            raise serializers.ValidationError(missing)
        return value

    def validate(self, attrs):
        sums = "sum" in attrs and "sum_of_squares" in attrs
        moments = "mean" in attrs and "standard_deviation" in attrs
        given = [
            name
            for name in ("sum", "sum_of_squares", "mean", "standard_deviation")
            if name in attrs
        ]
        if sums == moments or len(given) != 2:
            raise serializers.ValidationError(
                {"sum": [_("Give sum and sumOfSquares, or mean and standardDeviation.")]}
            )
        return attrs


class SummariesSavedOut(CamelSerializer):
    saved = serializers.IntegerField(help_text="Summaries saved (new or replaced).")
    summaries = SummaryOut(many=True, help_text="Every summary of the experiment now.")


class UploadIn(CamelSerializer):
    file = serializers.FileField(
        help_text=(
            "CSV, XLSX, ODS or JSON: columns unit, group, period (optional), then one column "
            "per metric."
        )
    )


class UploadOut(CamelModelSerializer):
    metrics = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = MeasurementUpload
        fields = ["id", "experiment", "filename", "rows", "metrics", "created_at"]
        read_only_fields = fields


class EvaluateIn(CamelSerializer):
    upload = serializers.PrimaryKeyRelatedField(
        queryset=MeasurementUpload.objects.none(),
        required=False,
        allow_null=True,
        error_messages=does_not_exist("upload"),
        help_text=(
            "Id of a per-unit upload of this experiment: a pilot vs control design also gets "
            "difference-in-differences from its units, with errors clustered by unit."
        ),
    )

    def get_fields(self):
        fields = super().get_fields()
        if "uploads" in self.context:
            fields["upload"].queryset = self.context["uploads"]
        return fields


class EvaluationOut(CamelModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)
    inputs = CamelJsonField(help_text="What the method was given; re-running it gives result.")
    result = CamelJsonField(help_text="The method's result (null for an infinite bound).")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "experiment",
            "metric",
            "method",
            "method_version",
            "positive",
            "inputs",
            "result",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class EvaluationFiltersIn(CamelSerializer):
    latest = serializers.BooleanField(
        required=False, default=False, help_text="Only the newest of each metric and method"
    )


class DecisionOut(CamelModelSerializer):
    decided_by = serializers.EmailField(source="decided_by.email", read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "experiment",
            "stage",
            "outcome",
            "rationale",
            "evidence_level",
            "evaluation",
            "decided_on",
            "decided_by",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class DecisionIn(CamelSerializer):
    outcome = serializers.ChoiceField(
        choices=Decision.Outcome.choices,
        help_text="stop also stops the experiment; iterate at the decision stage sends it back "
        "to design; scale opens the way to implementation.",
    )
    rationale = serializers.CharField(max_length=8000)
    evidence_level = serializers.ChoiceField(
        choices=EVIDENCE_LEVELS, help_text="Nesta standards of evidence reached, 1 to 5."
    )
    evaluation = serializers.PrimaryKeyRelatedField(
        queryset=Evaluation.objects.none(),
        required=False,
        allow_null=True,
        error_messages=does_not_exist("evaluation"),
        help_text="Id of the evaluation of this experiment the decision rests on.",
    )
    decided_on = serializers.DateField(required=False, help_text="Today when left out.")

    def get_fields(self):
        fields = super().get_fields()
        if "evaluations" in self.context:
            fields["evaluation"].queryset = self.context["evaluations"]
        return fields


def _summaries_response(experiment, saved: int) -> Response:
    summaries = selectors.measurement_summaries(experiment)
    return Response(
        SummariesSavedOut({"saved": saved, "summaries": summaries}).data,
        status=status.HTTP_201_CREATED,
    )


# --- measurements ---------------------------------------------------------------------------


@extend_schema(tags=["measurements"])
class MeasurementListApi(generics.GenericAPIView):
    serializer_class = SummaryOut
    parser_classes = [JSONParser]  # a list of summaries; files go to …/measurement-uploads

    @extend_schema(
        operation_id="measurements_list",
        description="The experiment's per-group summaries, by metric, period and group.",
        responses={200: SummaryOut(many=True)},
    )
    def get(self, request, pk):
        experiment = access.experiment_get_readable(request.user, pk)
        page = self.paginate_queryset(selectors.measurement_summaries(experiment))
        return self.get_paginated_response(SummaryOut(page, many=True).data)

    @extend_schema(
        operation_id="measurements_save",
        description=(
            "Save per-group summaries, replacing those of the same metric, group and period. "
            "All or nothing: impossible numbers answer 422 with `errors`, one per problem, "
            "whose `row` is the position in the list (1 is the first)."
        ),
        request=SummaryIn(many=True),
        responses={201: SummariesSavedOut},
    )
    def post(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        serializer = SummaryIn(data=request.data, many=True, max_length=10_000)
        serializer.is_valid(raise_exception=True)
        items = []
        for row, item in enumerate(serializer.validated_data):
            cell = {k: item[k] for k in ("metric", "group", "period", "count", "successes")}
            if "mean" not in item:
                items.append(
                    services.SummaryInput(
                        **cell, total=item["sum"], sum_of_squares=item["sum_of_squares"]
                    )
                )
                continue
            try:
                items.append(
                    services.summary_from_mean_and_deviation(
                        **cell, mean=item["mean"], standard_deviation=item["standard_deviation"]
                    )
                )
            except ValueError as error:
                raise serializers.ValidationError(
                    {f"{row}.standardDeviation": [str(error)]}
                ) from None
        try:
            saved = services.summaries_save(actor=request.user, experiment=experiment, items=items)
        except services.MeasurementProblems as refused:
            return row_problems(request, refused, SUMMARY_COLUMNS)
        return _summaries_response(experiment, saved)


@extend_schema(tags=["measurements"])
class MeasurementUploadApi(generics.GenericAPIView):
    serializer_class = UploadOut
    parser_classes = [parsers.MultiPartParser]
    pagination_class = None

    @extend_schema(
        operation_id="measurement_uploads_create",
        description=(
            "Upload per-unit measurements (multipart/form-data). They are reduced to per-group "
            "summaries, replacing those of the same metrics, and the units are kept for "
            "panel methods. All or nothing: bad rows answer 422 with `errors` per file row "
            "(row 1 is the header)."
        ),
        request={"multipart/form-data": UploadIn},
        responses={201: UploadOut},
    )
    def post(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        data = validated(UploadIn, request.data)
        try:
            upload = services.upload_save(
                actor=request.user,
                experiment=experiment,
                stream=data["file"],
                filename=data["file"].name,
            )
        except FileProblem as problem:  # the file as a whole cannot be read
            return problem_response(request, 422, problem.message, errors=[])
        except services.MeasurementProblems as refused:
            return row_problems(request, refused)
        return Response(UploadOut(upload).data, status=status.HTTP_201_CREATED)


# --- evaluations ----------------------------------------------------------------------------


@extend_schema(tags=["evaluations"])
class EvaluateApi(generics.GenericAPIView):
    serializer_class = EvaluationOut
    pagination_class = None

    @extend_schema(
        operation_id="experiments_evaluate",
        description=(
            "Evaluate every metric with the methods its design and data allow (Welch or "
            "proportions, sample-ratio check, sequential looks, difference-in-differences) "
            "and adjust the p-values across metrics; answers the stored evaluations."
        ),
        request=EvaluateIn,
        responses={201: EvaluationOut(many=True)},
    )
    def post(self, request, pk):
        experiment = record_changeable(request, access.experiment_get_readable(request.user, pk))
        data = validated(
            EvaluateIn, request.data, uploads=selectors.measurement_uploads_choosable(experiment)
        )
        evaluations = services.experiment_evaluate(
            actor=request.user, experiment=experiment, upload=data.get("upload")
        )
        return Response(EvaluationOut(evaluations, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["evaluations"])
class EvaluationListApi(generics.GenericAPIView):
    serializer_class = EvaluationOut

    @extend_schema(
        operation_id="evaluations_list",
        parameters=[EvaluationFiltersIn],
        responses={200: EvaluationOut(many=True)},
    )
    def get(self, request, pk):
        experiment = access.experiment_get_readable(request.user, pk)
        filters = validated(EvaluationFiltersIn, request.query_params)
        page = self.paginate_queryset(selectors.evaluations_of(experiment, **filters))
        return self.get_paginated_response(EvaluationOut(page, many=True).data)


@extend_schema(tags=["evaluations"])
class EvaluationDetailApi(generics.GenericAPIView):
    serializer_class = EvaluationOut

    @extend_schema(operation_id="evaluations_read")
    def get(self, request, pk):
        return Response(EvaluationOut(access.evaluation_get_readable(request.user, pk)).data)


# --- decisions ------------------------------------------------------------------------------


@extend_schema(tags=["decisions"])
class DecisionListApi(generics.GenericAPIView):
    serializer_class = DecisionOut

    @extend_schema(operation_id="decisions_list", responses={200: DecisionOut(many=True)})
    def get(self, request, pk):
        experiment = access.experiment_get_readable(request.user, pk)
        page = self.paginate_queryset(selectors.decisions_of(experiment))
        return self.get_paginated_response(DecisionOut(page, many=True).data)

    @extend_schema(
        operation_id="decisions_create",
        description=(
            "Record a gate decision (editors, administrators and board members). It is taken "
            "at the experiment's current stage, by you."
        ),
        request=DecisionIn,
        responses={201: DecisionOut},
    )
    def post(self, request, pk):
        experiment = access.experiment_get_readable(request.user, pk)
        require(access.pipeline_can_decide(request.user, experiment.organisation))
        data = validated(
            DecisionIn, request.data, evaluations=selectors.evaluations_choosable(experiment)
        )
        decision = services.decision_record(actor=request.user, experiment=experiment, **data)
        return Response(DecisionOut(decision).data, status=status.HTTP_201_CREATED)
