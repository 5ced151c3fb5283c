"""The load test's mix: the pages each role of the load test uses most, and the API calls of
the programs, with their weights. Kept apart from the Locust file (which patches the standard
library with gevent when imported) so that ``benchmarks/load/profile_pages.py`` and the tests can
read it without Locust."""

# The pages each role uses most, with their weights: (name, address with {org}).
PAGES: dict[str, list[tuple[str, str, int]]] = {
    "viewer": [
        ("home", "/", 2),
        ("organisation", "/organisations/{org}", 1),
        ("applications", "/organisations/{org}/applications", 3),
        ("projects", "/organisations/{org}/projects", 3),
        ("experiments", "/organisations/{org}/experiments", 2),
        ("algorithms", "/organisations/{org}/algorithms", 2),
    ],
    "editor": [
        ("home", "/", 1),
        ("applications", "/organisations/{org}/applications", 4),
        ("spend", "/organisations/{org}/spend", 2),
        ("projects", "/organisations/{org}/projects", 3),
        ("experiments", "/organisations/{org}/experiments", 2),
        ("ideas", "/organisations/{org}/ideas", 1),
    ],
    "admin": [
        ("home", "/", 1),
        ("organisations", "/organisations", 2),
        ("people", "/organisations/{org}/people", 2),
        ("applications", "/organisations/{org}/applications", 2),
        ("account", "/account", 1),
    ],
    "board": [
        ("home", "/", 1),
        ("dashboard", "/organisations/{org}/dashboard", 3),
        ("balance", "/organisations/{org}/balance", 2),
        ("project portfolio", "/organisations/{org}/project-portfolio", 2),
        ("experiments", "/organisations/{org}/experiments", 1),
    ],
    "auditor": [
        ("applications", "/organisations/{org}/applications", 2),
        ("projects", "/organisations/{org}/projects", 2),
        ("assessments", "/organisations/{org}/assessments", 2),
        ("algorithms", "/organisations/{org}/algorithms", 2),
    ],
    "safeguard_officer": [
        ("home", "/", 1),
        ("assessments", "/organisations/{org}/assessments", 3),
        ("safeguard coverage", "/organisations/{org}/safeguard-coverage", 2),
        ("algorithms", "/organisations/{org}/algorithms", 2),
    ],
}
API_CALLS = [
    ("api me", "/api/v1/me", 1),
    ("api organisations", "/api/v1/organisations", 2),
    ("api projects", "/api/v1/organisations/{org}/projects", 3),
    ("api applications", "/api/v1/organisations/{org}/applications", 3),
    ("api ideas", "/api/v1/organisations/{org}/ideas", 1),
    ("api funnel", "/api/v1/organisations/{org}/funnel", 1),
]

# Locust's weights: people against programs (user classes), and a person's click on a page
# against an export and import round trip (tasks; only the roles of EXPORT do that).
PERSON_WEIGHTS = {"person": 9, "api": 1, "browse": 20, "export": 1}
EXPORT = {
    "roles": {"editor", "admin"},
    "pages": [
        ("export csv", "/organisations/{org}/export?kind=applications&format=csv"),
        ("import page", "/organisations/{org}/import"),
    ],
}
