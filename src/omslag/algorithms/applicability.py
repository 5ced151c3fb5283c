"""Which Algoritmekader requirements apply to an algorithm, from its AI Act profile.

A requirement marked ``always_applicable`` applies to every algorithm. Any other requirement
belongs to the AI Act: it applies to an AI system or model that matches at least one of its
profiles, where a profile matches when, for every attribute with values listed, the
algorithm's value is among them (an empty list puts no condition).
"""

from .models import AI_TYPES, AiRole, AiType, AlgorithmRecord, RiskGroup

TYPE_VALUE = {
    AiType.AI_SYSTEM: "AI-systeem",
    AiType.GENERAL_PURPOSE_AI_SYSTEM: "AI-systeem voor algemene doeleinden",
    AiType.GENERAL_PURPOSE_AI_MODEL: "AI-model voor algemene doeleinden",
    AiType.IMPACTFUL_ALGORITHM: "impactvol algoritme",
    AiType.OTHER_ALGORITHM: "niet-impactvol algoritme",
    AiType.NO_ALGORITHM: "geen algoritme",
}
RISK_GROUP_VALUE = {
    RiskGroup.PROHIBITED: "verboden AI",
    RiskGroup.HIGH: "hoog-risico AI",
    RiskGroup.LIMITED: "geen hoog-risico AI",
    RiskGroup.MINIMAL: "geen hoog-risico AI",
}
ROLE_VALUE = {
    AiRole.PROVIDER: "aanbieder",
    AiRole.DEPLOYER: "gebruiksverantwoordelijke",
    AiRole.IMPORTER: "importeur",
    AiRole.DISTRIBUTOR: "distributeur",
}


def profile_values(algorithm: AlgorithmRecord) -> dict[str, str | None]:
    """The algorithm's AI Act profile in the Algoritmekader's words, per attribute."""
    return {
        "type": TYPE_VALUE.get(algorithm.ai_type),
        "risk_group": RISK_GROUP_VALUE.get(algorithm.risk_group),
        "role": ROLE_VALUE.get(algorithm.ai_role),
        "open_source": "open-source" if algorithm.open_source else "geen open-source",
        "systemic_risk": "systeemrisico" if algorithm.systemic_risk else "geen systeemrisico",
        "transparency_obligations": (
            "transparantieverplichting"
            if algorithm.transparency_obligation
            else "geen transparantieverplichting"
        ),
        "conformity_assessment_body": (
            "beoordeling door derde partij" if algorithm.third_party_assessment else None
        ),
    }


def profile_matches(profile: dict, values: dict[str, str | None]) -> bool:
    for attribute, allowed in profile.items():
        if allowed and values.get(attribute) not in allowed:
            return False
    return True


def requirement_applies(requirement, algorithm: AlgorithmRecord, values=None) -> bool:
    if requirement.always_applicable:
        return True
    if algorithm.ai_type not in AI_TYPES:
        return False
    values = values if values is not None else profile_values(algorithm)
    profiles = requirement.ai_act_profiles or [{}]
    return any(profile_matches(profile, values) for profile in profiles)
