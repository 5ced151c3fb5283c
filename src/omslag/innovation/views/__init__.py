"""Web pages of the innovation pipeline: the experiment board, the experiment page with its
design, measurements, results, decisions, implementation and lessons, challenges and ideas,
the funnel and the lessons search. Each view: access check, one service or selector call
(the experiment page: a few selectors), render."""

from .board import board, experiment_add, experiment_list
from .challenges import challenge_add, challenge_detail, challenge_edit, challenge_list
from .decisions import decision_add, implementation_save, lesson_add
from .design import experiment_design
from .experiment import experiment_detail
from .funnel import funnel
from .ideas import idea_accept, idea_add, idea_detail, idea_edit, idea_list, idea_review
from .lessons import lessons_search
from .measurements import measurements_summaries, measurements_upload
from .moves import experiment_evaluate, experiment_move

__all__ = [
    "board",
    "challenge_add",
    "challenge_detail",
    "challenge_edit",
    "challenge_list",
    "decision_add",
    "experiment_add",
    "experiment_design",
    "experiment_detail",
    "experiment_evaluate",
    "experiment_list",
    "experiment_move",
    "funnel",
    "idea_accept",
    "idea_add",
    "idea_detail",
    "idea_edit",
    "idea_list",
    "idea_review",
    "implementation_save",
    "lesson_add",
    "lessons_search",
    "measurements_summaries",
    "measurements_upload",
]
