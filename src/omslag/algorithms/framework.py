"""Reading and checking the Algoritmekader files (MinBZK task-registry layout):
requirements/*.yaml, measures/*.yaml, lifecycles/lifecycles.yaml and roles/roles.yaml.

The checks follow the facts of the published JSON Schemas (schemas/schema_requirements.json
and schemas/schema_measures.json, version 1.1.0): required keys, types, URN and language
patterns, the schema version, and the choice lists of phases, roles and AI Act profile
attributes. Each problem names the file, the path inside it and the reason.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.text import slugify

SCHEMA_VERSION = "1.1.0"
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
SEMVER = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
REQUIREMENT_URN = re.compile(r"^urn:nl:ak:ver:[a-z]+-[0-9]+")
MEASURE_URN = re.compile(r"^urn:nl:ak:mtr:[a-z0-9_]+(?:-[0-9]+)?(.*)$")

PHASES = (
    "probleemanalyse",
    "ontwerp",
    "dataverkenning-en-datapreparatie",
    "ontwikkelen",
    "organisatieverantwoordelijkheden",
    "verificatie-en-validatie",
    "implementatie",
    "monitoring-en-beheer",
    "uitfaseren",
)
_ROLES_BOTH = (
    "aanbestedingsjurist",
    "aanbieder",
    "archiefdeskundige",
    "behoeftesteller",
    "communicatieadviseur",
    "contractbeheerder",
    "data engineer",
    "data scientist",
    "domeinspecialist",
    "ethicus",
    "gebruiker",
    "gebruiksverantwoordelijke",
    "gemandateerd verantwoordelijke(n)",
    "informatie analist",
    "informatiebeheerder",
    "inkoopadviseur",
    "jurist",
    "opdrachtgever",
    "opdrachtnemer",
    "privacy-officer",
    "proceseigenaar",
    "projectleider",
    "security officer",
)
REQUIREMENT_ROLES = frozenset(_ROLES_BOTH)
MEASURE_ROLES = frozenset(
    {*_ROLES_BOTH, "architect", "beleid-en-advies", "beleidsmedewerker", "ontwikkelaar"}
)

# AI Act profile attributes and their allowed values.
PROFILE_VALUES = {
    "type": (
        "AI-systeem",
        "AI-systeem voor algemene doeleinden",
        "AI-model voor algemene doeleinden",
        "geen algoritme",
        "impactvol algoritme",
        "niet-impactvol algoritme",
    ),
    "open_source": ("open-source", "geen open-source"),
    "risk_group": (
        "hoog-risico AI",
        "geen hoog-risico AI",
        "verboden AI",
        "uitzondering van toepassing",
    ),
    "systemic_risk": ("systeemrisico", "geen systeemrisico"),
    "transparency_obligations": ("transparantieverplichting", "geen transparantieverplichting"),
    "role": ("aanbieder", "gebruiksverantwoordelijke", "importeur", "distributeur"),
    "conformity_assessment_body": ("beoordeling door derde partij",),
}
PROFILE_REQUIRED = ("type", "risk_group", "role")

_COMMON_REQUIRED = (
    "systemcard_path",
    "schema_version",
    "name",
    "description",
    "urn",
    "language",
    "owners",
    "date",
    "url",
    "subject",
    "lifecycle",
    "links",
    "template",
)
REQUIREMENT_REQUIRED = (*_COMMON_REQUIRED, "ai_act_profile", "always_applicable")
MEASURE_REQUIRED = (*_COMMON_REQUIRED, "explanation", "suggested_roles")
_STRING_KEYS = (
    "systemcard_path",
    "schema_version",
    "name",
    "description",
    "explanation",
    "urn",
    "language",
    "date",
    "url",
)


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    reason: str
    blocking: bool = True

    def __str__(self):
        where = f", {self.path}" if self.path else ""
        return f"{self.file}{where}: {self.reason}"


@dataclass
class FrameworkFiles:
    """What the files hold, checked; ``problems`` lists what is wrong with them."""

    phases: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    roles: list[tuple[str, str]] = field(default_factory=list)
    requirements: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Checker:
    def __init__(self, filename: str, problems: list[Problem]):
        self.filename = filename
        self.problems = problems
        self.ok = True

    def fail(self, path: str, reason: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.filename, path, reason))

    def string(self, data, key) -> None:
        if key in data and not isinstance(data[key], str):
            self.fail(key, f"must be text, not {type(data[key]).__name__}")

    def string_list(self, data, key, allowed=None) -> None:
        if key not in data:
            return
        value = data[key]
        if not isinstance(value, list):
            self.fail(key, f"must be a list, not {type(value).__name__}")
            return
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{key}[{index}]", f"must be text, not {type(item).__name__}")
            elif allowed is not None and item not in allowed:
                self.fail(f"{key}[{index}]", f"{item!r} is not one of the allowed values")

    def pattern(self, data, key, regex, what) -> None:
        value = data.get(key)
        if isinstance(value, str) and not regex.match(value):
            self.fail(key, f"{value!r} is not {what}")


def _check_common(check: _Checker, data: dict, required, urn_regex, urn_what) -> None:
    for key in required:
        if key not in data:
            check.fail(key, "is required but missing")
    for key in _STRING_KEYS:
        check.string(data, key)
    version = data.get("schema_version")
    if isinstance(version, str):
        if not SEMVER.match(version):
            check.fail("schema_version", f"{version!r} is not a version like 1.1.0")
        elif version != SCHEMA_VERSION:
            check.fail("schema_version", f"{version!r} is not the supported {SCHEMA_VERSION}")
    check.pattern(data, "urn", urn_regex, urn_what)
    check.pattern(data, "language", LANGUAGE, "a language code like nl")
    owners = data.get("owners")
    if "owners" in data and not isinstance(owners, list):
        check.fail("owners", "must be a list")
    for index, owner in enumerate(owners if isinstance(owners, list) else []):
        if not isinstance(owner, dict):
            check.fail(f"owners[{index}]", "must be a mapping")
            continue
        for key in ("organization", "name", "email", "role"):
            if key not in owner:
                check.fail(f"owners[{index}].{key}", "is required but missing")
            elif not isinstance(owner[key], str):
                check.fail(f"owners[{index}].{key}", "must be text")
    check.string_list(data, "subject")
    check.string_list(data, "lifecycle", PHASES)
    check.string_list(data, "links")
    if "template" in data and not isinstance(data["template"], dict):
        check.fail("template", "must be a mapping")


def check_requirement(filename: str, data, problems: list[Problem]) -> bool:
    check = _Checker(filename, problems)
    if not isinstance(data, dict):
        check.fail("", "the file does not hold a mapping of fields")
        return False
    _check_common(
        check, data, REQUIREMENT_REQUIRED, REQUIREMENT_URN, "a requirement URN (urn:nl:ak:ver:…)"
    )
    check.string_list(data, "suggested_roles", REQUIREMENT_ROLES)
    if "always_applicable" in data and (
        not isinstance(data["always_applicable"], int)
        or isinstance(data["always_applicable"], bool)
    ):
        check.fail("always_applicable", "must be a whole number (1 or 0)")
    profiles = data.get("ai_act_profile")
    if "ai_act_profile" in data and not isinstance(profiles, list):
        check.fail("ai_act_profile", "must be a list")
    for index, profile in enumerate(profiles if isinstance(profiles, list) else []):
        where = f"ai_act_profile[{index}]"
        if not isinstance(profile, dict):
            check.fail(where, "must be a mapping")
            continue
        for key in PROFILE_REQUIRED:
            if key not in profile:
                check.fail(f"{where}.{key}", "is required but missing")
        for key, allowed in PROFILE_VALUES.items():
            if key in profile:
                sub = _Checker(filename, problems)
                sub.string_list({f"{where}.{key}": profile[key]}, f"{where}.{key}", allowed)
                check.ok = check.ok and sub.ok
    return check.ok


def check_measure(filename: str, data, problems: list[Problem]) -> bool:
    check = _Checker(filename, problems)
    if not isinstance(data, dict):
        check.fail("", "the file does not hold a mapping of fields")
        return False
    _check_common(check, data, MEASURE_REQUIRED, MEASURE_URN, "a measure URN (urn:nl:ak:mtr:…)")
    check.string_list(data, "suggested_roles", MEASURE_ROLES)
    return check.ok


def _load_yaml(path: Path, root: Path, problems: list[Problem]):
    name = str(path.relative_to(root))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        problems.append(Problem(name, "", f"not readable as YAML: {reason}"))
        return None


def _named_list(path: Path, root: Path, key: str, problems: list[Problem]):
    if not path.is_file():
        problems.append(Problem(str(path.relative_to(root)), "", "file is missing"))
        return []
    data = _load_yaml(path, root, problems)
    names = data.get(key) if isinstance(data, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.append(Problem(str(path.relative_to(root)), key, "must be a list of names"))
        return []
    return [(slugify(n), n) for n in names]


def framework_read(directory: Path) -> FrameworkFiles:
    """Read and check every file of an Algoritmekader directory. Nothing is saved."""
    directory = Path(directory)
    found = FrameworkFiles()
    problems = found.problems
    found.phases = _named_list(
        directory / "lifecycles" / "lifecycles.yaml", directory, "lifecycles", problems
    )
    found.roles = _named_list(directory / "roles" / "roles.yaml", directory, "roles", problems)
    for folder, checker, target in (
        ("requirements", check_requirement, found.requirements),
        ("measures", check_measure, found.measures),
    ):
        files = sorted((directory / folder).glob("*.yaml"))
        if not files:
            problems.append(Problem(f"{folder}/", "", "no .yaml files found"))
        for path in files:
            data = _load_yaml(path, directory, problems)
            name = str(path.relative_to(directory))
            if data is None and not any(p.file == name for p in problems):
                problems.append(Problem(name, "", "the file is empty"))
                continue
            if checker(name, data, problems):
                target.append({**data, "_file": name, "_key": path.stem})
    _check_links(found)
    return found


def _check_links(found: FrameworkFiles) -> None:
    """Every link must name a requirement or measure that exists; a URN used by two measure
    files is reported (not blocking: both measures are kept, keyed by their file)."""
    requirement_urns = {}
    for requirement in found.requirements:
        if requirement["urn"] in requirement_urns:
            found.problems.append(
                Problem(
                    requirement["_file"],
                    "urn",
                    f"{requirement['urn']} is also used by {requirement_urns[requirement['urn']]}",
                )
            )
        requirement_urns[requirement["urn"]] = requirement["_file"]
    measure_urns: dict[str, list[str]] = {}
    for measure in found.measures:
        measure_urns.setdefault(measure["urn"], []).append(measure["_file"])
    for urn, files in measure_urns.items():
        for other in files[1:]:
            found.problems.append(
                Problem(
                    other,
                    "urn",
                    f"{urn} is also used by {files[0]}; both measures are kept, told apart by "
                    "their file name",
                    blocking=False,
                )
            )
    for measure in found.measures:
        for index, urn in enumerate(measure["links"]):
            if urn not in requirement_urns:
                found.problems.append(
                    Problem(measure["_file"], f"links[{index}]", f"unknown requirement {urn}")
                )
    for requirement in found.requirements:
        for index, urn in enumerate(requirement["links"]):
            if urn not in measure_urns:
                found.problems.append(
                    Problem(requirement["_file"], f"links[{index}]", f"unknown measure {urn}")
                )


def framework_links(found: FrameworkFiles) -> set[tuple[str, str]]:
    """Every (measure key, requirement URN) link the files state. A measure file states its
    links; a requirement that names a measure URN none of whose measures names it back adds
    the link to each measure with that URN (see ``uncovered_requirement_links``)."""
    requirement_urns = {r["urn"] for r in found.requirements}
    links = {
        (measure["_key"], urn)
        for measure in found.measures
        for urn in measure["links"]
        if urn in requirement_urns
    }
    for requirement_urn, keys in uncovered_requirement_links(found):
        links |= {(key, requirement_urn) for key in keys}
    return links


def uncovered_requirement_links(found: FrameworkFiles) -> list[tuple[str, list[str]]]:
    """(requirement URN, measure keys) for each link a requirement file states that no
    measure file with that URN states back."""
    measures_by_urn: dict[str, list[dict]] = {}
    for measure in found.measures:
        measures_by_urn.setdefault(measure["urn"], []).append(measure)
    uncovered = []
    for requirement in found.requirements:
        for urn in requirement["links"]:
            measures = measures_by_urn.get(urn, [])
            if measures and not any(requirement["urn"] in m["links"] for m in measures):
                uncovered.append((requirement["urn"], [m["_key"] for m in measures]))
    return uncovered
