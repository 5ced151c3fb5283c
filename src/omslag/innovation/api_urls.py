"""Routes of the innovation API and the experiment calculator, included in /api/v1 by
``omslag.api_urls``: kebab-case paths, no trailing slashes."""

from django.urls import path

from omslag.common.api.history import history_views

from . import access
from .api import calculator, evidence, experiments, ideas, practice

ExperimentHistory, ExperimentRestore = history_views(
    "experiment",
    lambda person, pk: access.experiment_get_readable(person, pk, include_deleted=True),
    "experiments",
    "pk",
)

urlpatterns = [
    # --- the stateless calculator
    path(
        "analysis/mean-difference",
        calculator.MeanDifferenceApi.as_view(),
        name="analysis-mean-difference",
    ),
    path(
        "analysis/proportion-difference",
        calculator.ProportionDifferenceApi.as_view(),
        name="analysis-proportion-difference",
    ),
    path("analysis/power", calculator.PowerApi.as_view(), name="analysis-power"),
    path(
        "analysis/adjust-p-values",
        calculator.AdjustPValuesApi.as_view(),
        name="analysis-adjust-p-values",
    ),
    path(
        "analysis/difference-in-differences",
        calculator.DifferenceInDifferencesApi.as_view(),
        name="analysis-difference-in-differences",
    ),
    # --- challenges and ideas
    path(
        "organisations/<slug:slug>/challenges",
        ideas.ChallengeListApi.as_view(),
        name="challenges",
    ),
    path("challenges/<int:pk>", ideas.ChallengeDetailApi.as_view(), name="challenge"),
    path("organisations/<slug:slug>/ideas", ideas.IdeaListApi.as_view(), name="ideas"),
    path("ideas/<int:pk>", ideas.IdeaDetailApi.as_view(), name="idea"),
    path("ideas/<int:pk>/review", ideas.IdeaReviewApi.as_view(), name="idea-review"),
    path("ideas/<int:pk>/accept", ideas.IdeaAcceptApi.as_view(), name="idea-accept"),
    # --- experiments and their stages
    path(
        "organisations/<slug:slug>/experiments",
        experiments.ExperimentListApi.as_view(),
        name="experiments",
    ),
    path("experiments/<int:pk>", experiments.ExperimentDetailApi.as_view(), name="experiment"),
    path("experiments/<int:pk>/history", ExperimentHistory.as_view(), name="experiment-history"),
    path(
        "experiments/<int:pk>/history/<int:historyId>/restore",
        ExperimentRestore.as_view(),
        name="experiment-restore",
    ),
    path(
        "experiments/<int:pk>/move", experiments.ExperimentMoveApi.as_view(), name="experiment-move"
    ),
    path(
        "experiments/<int:pk>/similar",
        experiments.ExperimentSimilarApi.as_view(),
        name="experiment-similar",
    ),
    # --- evidence: measurements, evaluations, decisions
    path(
        "experiments/<int:pk>/measurements",
        evidence.MeasurementListApi.as_view(),
        name="experiment-measurements",
    ),
    path(
        "experiments/<int:pk>/measurement-uploads",
        evidence.MeasurementUploadApi.as_view(),
        name="experiment-measurement-uploads",
    ),
    path(
        "experiments/<int:pk>/evaluate", evidence.EvaluateApi.as_view(), name="experiment-evaluate"
    ),
    path(
        "experiments/<int:pk>/evaluations",
        evidence.EvaluationListApi.as_view(),
        name="experiment-evaluations",
    ),
    path("evaluations/<int:pk>", evidence.EvaluationDetailApi.as_view(), name="evaluation"),
    path(
        "experiments/<int:pk>/decisions",
        evidence.DecisionListApi.as_view(),
        name="experiment-decisions",
    ),
    # --- into practice: implementation and lessons
    path(
        "experiments/<int:pk>/implementation",
        practice.ImplementationApi.as_view(),
        name="experiment-implementation",
    ),
    path(
        "experiments/<int:pk>/lessons",
        practice.ExperimentLessonListApi.as_view(),
        name="experiment-lessons",
    ),
    path("lessons", practice.LessonSearchApi.as_view(), name="lessons"),
    # --- the pipeline's figures
    path("organisations/<slug:slug>/funnel", experiments.FunnelApi.as_view(), name="funnel"),
    path(
        "organisations/<slug:slug>/stuck-after-pilot",
        experiments.StuckAfterPilotApi.as_view(),
        name="stuck-after-pilot",
    ),
]
