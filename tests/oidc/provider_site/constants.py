"""What the test provider knows, shared by its set-up and the tests (no Django imports)."""

CLIENT_ID = "omslag-test"
CLIENT_SECRET = "omslag-test-secret"  # noqa: S105 (a test provider's client)
PERSON = ("anna", "anna.jansen@provider.example", "provider-password")
