"""Input and output shapes of the maturity API (camelCase on the wire)."""

from rest_framework import serializers

from omslag.common.api.serializers import CamelSerializer

from ..models import ScanRound
from ..scan import EVIDENCE_MAX, SCORES


class MaturityStatementOut(CamelSerializer):
    code = serializers.CharField()
    text = serializers.CharField(source="text_nl", help_text="Dutch text.")
    text_en = serializers.CharField(help_text="English text.")


class MaturityDimensionOut(CamelSerializer):
    code = serializers.CharField()
    label = serializers.CharField(source="label_nl", help_text="Dutch label.")
    label_en = serializers.CharField()
    statements = MaturityStatementOut(many=True)


class MaturityScanOut(CamelSerializer):
    key = serializers.CharField()
    version = serializers.CharField()
    dimensions = MaturityDimensionOut(many=True)


class MaturityParticipantOut(CamelSerializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class MaturityRoundOut(CamelSerializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.slug")
    title = serializers.CharField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    status = serializers.ChoiceField(
        choices=ScanRound.Status.choices,
        source="effective_status",
        help_text="closed once an administrator closed it or after its end date.",
    )
    closed_on = serializers.DateField(source="effective_closed_on", allow_null=True)
    scan_version = serializers.CharField()
    participants = MaturityParticipantOut(many=True, source="participant_people")
    respondents = serializers.IntegerField(source="respondent_total")
    version = serializers.IntegerField()


class MaturityRoundIn(CamelSerializer):
    title = serializers.CharField(max_length=200)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    participants = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of people with a role in the organisation; default: its board members.",
    )

    def validate(self, attrs):
        if attrs["closes_on"] < attrs["opens_on"]:
            raise serializers.ValidationError(
                {"closesOn": ["The round cannot close before it opens."]}
            )
        return attrs


class MaturityCloseIn(CamelSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a stale one gives 409."
    )


class MaturityAnswerIn(CamelSerializer):
    statement = serializers.CharField(max_length=40)
    score = serializers.IntegerField(min_value=min(SCORES), max_value=max(SCORES))
    evidence = serializers.CharField(max_length=EVIDENCE_MAX, allow_blank=False)


class MaturityAnswersIn(CamelSerializer):
    answers = MaturityAnswerIn(many=True, help_text="One answer to every statement of the scan.")


class MaturityAnswerOut(CamelSerializer):
    statement = serializers.CharField()
    dimension = serializers.CharField()
    score = serializers.IntegerField()
    evidence = serializers.CharField()
    answered_at = serializers.DateTimeField()


class MaturityTrendPointOut(CamelSerializer):
    round_id = serializers.IntegerField()
    title = serializers.CharField()
    closed_on = serializers.DateField()
    median = serializers.FloatField()


class MaturityDimensionResultOut(CamelSerializer):
    code = serializers.CharField()
    label = serializers.CharField()
    median = serializers.FloatField(
        allow_null=True, help_text="None when no answer of the round falls in the dimension."
    )
    # "lowest"/"highest" rather than "minimum"/"maximum": those are JSON Schema keywords.
    lowest = serializers.DecimalField(
        source="minimum",
        max_digits=2,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text="The lowest respondent's own score on the dimension (the mean of their "
        "scores on its statements, to one decimal).",
    )
    highest = serializers.DecimalField(
        source="maximum",
        max_digits=2,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text="The highest respondent's own score on the dimension.",
    )
    disagreement = serializers.BooleanField()
    previous_median = serializers.FloatField(allow_null=True)
    trend = MaturityTrendPointOut(many=True)
    challenges = serializers.ListField(child=serializers.IntegerField())


class MaturityResultsOut(CamelSerializer):
    round_id = serializers.IntegerField()
    respondents = serializers.IntegerField()
    spread_shown = serializers.BooleanField(
        help_text="False below three respondents: lowest and highest are then not given."
    )
    dimensions = MaturityDimensionResultOut(many=True)


class MaturityPeerDimensionOut(CamelSerializer):
    code = serializers.CharField()
    label = serializers.CharField()
    own_median = serializers.FloatField(allow_null=True)
    peer_median = serializers.FloatField(allow_null=True)


class MaturityPeersOut(CamelSerializer):
    kind = serializers.CharField()
    contributors = serializers.IntegerField(
        help_text="Other organisations of the same kind with a closed round."
    )
    minimum_contributors = serializers.IntegerField()
    shown = serializers.BooleanField()
    message = serializers.CharField()
    dimensions = MaturityPeerDimensionOut(many=True)


class MaturityImprovementActionIn(CamelSerializer):
    dimension = serializers.CharField(max_length=40)


class MaturityImprovementActionOut(CamelSerializer):
    id = serializers.IntegerField()
    round_id = serializers.IntegerField()
    dimension = serializers.CharField()
    challenge_id = serializers.IntegerField()
    challenge_title = serializers.CharField(source="challenge.title")
