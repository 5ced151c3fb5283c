"""Demo pipeline of the demo municipality: a challenge, ideas and a dozen experiments across
all stages, with seeded measurements that give real results. Loading twice changes nothing."""

import datetime as dt
import io
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Challenge, Decision, Experiment, Idea, Stage, StageTransition

D = dt.date
EXPERIMENTS = [
    # title, team, furthest stage, metric, kind, effect, budget, stopped reason
    (
        "Chatbot voor vergunningsvragen",
        "Innovatielab",
        Stage.IN_OPERATION,
        "afgehandeld zonder medewerker",
        "proportion",
        0.08,
        120_000,
        "",
    ),
    (
        "Voorspellend onderhoud van bruggen",
        "Innovatielab",
        Stage.IMPLEMENTATION,
        "storingen per brug",
        "mean",
        -0.6,
        240_000,
        "",
    ),
    (
        "Afvalinzameling met vulgraadsensoren",
        "Team Slimme Stad",
        Stage.DECISION,
        "ritten per week",
        "mean",
        -3.0,
        180_000,
        "",
    ),
    (
        "Digitale wachtrij bij de balie",
        "Innovatielab",
        Stage.EVALUATION,
        "wachttijd in minuten",
        "mean",
        -4.0,
        60_000,
        "",
    ),
    (
        "Taalhulp bij brieven over belastingen",
        "Team Dienstverlening",
        Stage.RUNNING,
        "bezwaren per 1000 brieven",
        "mean",
        -1.5,
        45_000,
        "",
    ),
    (
        "Slimme straatverlichting",
        "Team Slimme Stad",
        Stage.DESIGN,
        "energie per lantaarnpaal (kWh)",
        "mean",
        None,
        300_000,
        "",
    ),
    (
        "Spraakgestuurde meldingen openbare ruimte",
        "Innovatielab",
        Stage.IDEA,
        "",
        "mean",
        None,
        None,
        "",
    ),
    (
        "Automatisch anonimiseren van Woo-stukken",
        "Team Informatie",
        Stage.DESIGN,
        "uren per verzoek",
        "mean",
        None,
        90_000,
        "",
    ),
    (
        "Drones voor dakinspecties",
        "Team Slimme Stad",
        Stage.STOPPED,
        "inspecties per dag",
        "mean",
        None,
        35_000,
        "Regels voor vliegen boven woonwijken maakten de proef te duur; geleerd en gestopt.",
    ),
    (
        "Voorspelling van schuldenproblemen",
        "Team Sociaal Domein",
        Stage.STOPPED,
        "",
        "mean",
        None,
        50_000,
        "Gestopt na de privacytoets: het doel rechtvaardigt de gegevensverwerking niet.",
    ),
    (
        "Parkeerapp met dynamische tarieven",
        "Team Mobiliteit",
        Stage.EVALUATION,
        "bezettingsgraad (%)",
        "mean",
        0.0,
        70_000,
        "",
    ),
    (
        "Online afspraak voor paspoort",
        "Team Dienstverlening",
        Stage.IN_OPERATION,
        "afspraak binnen een week",
        "proportion",
        0.12,
        40_000,
        "",
    ),
]
ORDER = [
    Stage.IDEA,
    Stage.DESIGN,
    Stage.RUNNING,
    Stage.EVALUATION,
    Stage.DECISION,
    Stage.IMPLEMENTATION,
    Stage.IN_OPERATION,
]


def _csv(rng, metric_kind, effect, n=400):
    lines = ["unit,group,period,metric"]
    for i in range(2 * n):
        group = "treatment" if i % 2 else "control"
        week = f"week-{1 + (i // 2) % 4:02d}"
        if metric_kind == "proportion":
            p = 0.5 + (effect if group == "treatment" else 0)
            value = int(rng.random() < p)
        else:
            value = round(rng.normal(10 + (effect if group == "treatment" else 0), 4), 3)
        lines.append(f"u{i},{group},{week},{value}")
    return "\n".join(lines).encode()


def _backdate(experiment, start):
    """Spread the experiment's transitions over the past months for a realistic funnel."""
    transitions = list(StageTransition.objects.filter(experiment=experiment).order_by("at", "id"))
    for index, transition in enumerate(transitions):
        StageTransition.objects.filter(pk=transition.pk).update(
            at=start + dt.timedelta(days=35 * index)
        )
    Experiment.all_objects.filter(pk=experiment.pk).update(
        stage_changed_at=start + dt.timedelta(days=35 * (len(transitions) - 1))
    )


def _walk(experiment, to_stage, stopped_reason, prepare=None):
    """Move the experiment stage by stage; ``prepare`` first gives it what the gate rules of
    other apps ask (approved assessments), since the demo respects every gate."""
    if prepare is not None:
        prepare(experiment)
    # A stopped experiment stops after running, or in design when its design never finished.
    stopped_at = 2 if experiment.primary_metric else 1
    target = ORDER.index(to_stage) if to_stage in ORDER else stopped_at
    for index in range(1, target + 1):
        experiment = services.experiment_move(
            actor=None,
            experiment=experiment,
            to_stage=ORDER[index],
            expected_version=experiment.version,
        )
    if to_stage == Stage.STOPPED:
        experiment = services.experiment_move(
            actor=None,
            experiment=experiment,
            to_stage=Stage.STOPPED,
            expected_version=experiment.version,
            reason=stopped_reason,
        )
    return experiment


CHALLENGE = (
    "Sneller antwoord op vragen van inwoners",
    "Inwoners wachten te lang op antwoord over vergunningen en afval.",
    [("Antwoorden via WhatsApp", "submitted"), ("Spreekuur in de bibliotheek", "under_review")],
)
MINISTRY_CHALLENGE = (
    "Eenmalige gegevensuitvraag aan ondernemers",
    "Ondernemers leveren dezelfde gegevens vaak aan meerdere overheden.",
    [
        ("Gegevens hergebruiken uit het handelsregister", "submitted"),
        ("Vooringevulde formulieren voor subsidies", "under_review"),
    ],
)
MINISTRY_EXPERIMENTS = [
    # title, team, furthest stage, metric, kind, effect, budget, stopped reason
    (
        "Vooringevulde aangifte voor zzp'ers",
        "Digilab",
        Stage.IN_OPERATION,
        "aangiften zonder correctie",
        "proportion",
        0.07,
        450_000,
        "",
    ),
    (
        "Berichtenbox in gewone taal",
        "Team Dienstverlening",
        Stage.DECISION,
        "vragen aan het contactcentrum per 1000 berichten",
        "mean",
        -2.0,
        220_000,
        "",
    ),
    (
        "Proactief melden van toeslagrechten",
        "Digilab",
        Stage.EVALUATION,
        "aanvragen binnen een maand",
        "mean",
        1.5,
        380_000,
        "",
    ),
    (
        "Adrescontrole met open data",
        "Team Basisgegevens",
        Stage.RUNNING,
        "onjuiste adressen per 1000",
        "mean",
        -1.0,
        150_000,
        "",
    ),
    (
        "Generatieve AI voor beleidsnotities",
        "Digilab",
        Stage.STOPPED,
        "",
        "mean",
        None,
        90_000,
        "Gestopt na de AI-verordeningstoets: de herkomst van teksten was niet te borgen.",
    ),
    (
        "Wallet voor bevoegdheden",
        "Team Identiteit",
        Stage.IDEA,
        "",
        "mean",
        None,
        None,
        "",
    ),
]


@transaction.atomic
def innovation_demo_load(
    organisation, prepare=None, *, experiments=EXPERIMENTS, challenge=CHALLENGE, seed=2026
) -> None:
    if Experiment.all_objects.filter(organisation=organisation).exists():
        return
    rng = np.random.default_rng(seed)
    title, problem, ideas = challenge
    created_challenge = services.challenge_create(
        actor=None,
        organisation=organisation,
        title=title,
        problem_statement=problem,
        visibility=Challenge.Visibility.PUBLIC,
        opens_on=D(2025, 9, 1),
        closes_on=D(2026, 12, 31),
    )
    for idea_title, status in ideas:
        idea = services.idea_submit(
            actor=None,
            organisation=organisation,
            challenge=created_challenge,
            title=idea_title,
            description=f"{idea_title}: een voorstel van medewerkers.",
        )
        if status == "under_review":
            services.idea_review(
                actor=None, idea=idea, expected_version=idea.version, status=status
            )
    # The experiment now in operation began as a proposal from outside (see participation).
    public_idea = services.idea_submit(
        actor=None,
        organisation=organisation,
        challenge=created_challenge,
        title=experiments[0][0],
        description="Een chatbot die eenvoudige vragen over vergunningen beantwoordt.",
        source=Idea.Source.PUBLIC,
        author_name="Fatima",
    )
    start = timezone.now() - dt.timedelta(days=420)
    for index, row in enumerate(experiments):
        experiment = _demo_experiment(
            organisation,
            rng,
            index,
            *row,
            prepare=prepare,
            idea=public_idea if index == 0 else None,
        )
        _backdate(experiment, start + dt.timedelta(days=9 * index))


def _demo_experiment(
    organisation,
    rng,
    index,
    title,
    team,
    stage,
    metric,
    kind,
    effect,
    budget,
    reason,
    prepare,
    idea,
):
    experiment = services.experiment_create(
        actor=None,
        organisation=organisation,
        title=title,
        idea=idea,
        owner_team=team,
        hypothesis=f"Met '{title.lower()}' verbetert {metric or 'de dienstverlening'}.",
        intervention=title,
        primary_metric=metric or "",
        metric_type=kind,
        direction="decrease" if (effect or 0) < 0 else "increase",
        design_type=Experiment.DesignType.AB if metric else "",
        minimum_detectable_effect=abs(effect) if effect else (0.5 if metric else None),
        standard_deviation=4 if kind == "mean" and metric else None,
        sample_size_per_group=400 if metric else None,
        planned_start=D(2025, 3, 1),
        planned_end=D(2025, 9, 30),
        budget=Decimal(budget) if budget else None,
        evidence_level_aimed=3,
        processes_personal_data=index % 3 == 0,
        public_facing=index % 2 == 0,
    )
    if stage == Stage.IDEA:
        return experiment
    if stage == Stage.STOPPED:
        experiment = _walk(experiment, Stage.STOPPED, reason, prepare)
        services.lesson_add(
            actor=None,
            experiment=experiment,
            tried=title,
            happened=reason,
            differently="Eerder de randvoorwaarden toetsen.",
        )
        return experiment
    level = ORDER.index(stage)
    experiment = _walk(experiment, ORDER[min(level, 2)], "", prepare)
    if level < 2 or effect is None:
        return experiment
    services.upload_save(
        actor=None,
        experiment=experiment,
        filename="metingen.csv",
        stream=io.BytesIO(_csv(rng, kind, effect)),
    )
    if level < 3:
        return experiment
    experiment = _move(experiment, Stage.EVALUATION)
    evaluations = services.experiment_evaluate(actor=None, experiment=experiment)
    if level < 4:
        return experiment
    experiment = _move(experiment, Stage.DECISION)
    main = next(e for e in evaluations if e.method in ("welch", "proportions"))
    outcome = Decision.Outcome.SCALE if level > 4 else Decision.Outcome.GO
    services.decision_record(
        actor=None,
        experiment=experiment,
        outcome=outcome,
        evidence_level=3,
        rationale="Het effect is groot genoeg en de risico's zijn beheerst.",
        evaluation=main,
    )
    if level < 5:
        return experiment
    services.implementation_open(
        actor=None,
        experiment=Experiment.objects.get(pk=experiment.pk),
        owner_name="M. Jansen",
        owner_unit="Publiekszaken",
        funding_source="freed_from_run",
        funding_note="Vrijgekomen beheergeld van het oude zaaksysteem",
        adoption_target=1000,
        go_live_date=D(2026, 3, 1),
    )
    if level < 6:
        return experiment
    experiment = _move(Experiment.objects.get(pk=experiment.pk), Stage.IN_OPERATION)
    services.lesson_add(
        actor=None,
        experiment=experiment,
        tried=title,
        happened="Het werkt; de lijnorganisatie beheert het nu.",
        differently="De lijnorganisatie eerder betrekken.",
        reusable_assets="https://example.org/omslag/voorbeeldcode",
    )
    return experiment


def _move(experiment, stage):
    return services.experiment_move(
        actor=None, experiment=experiment, to_stage=stage, expected_version=experiment.version
    )
