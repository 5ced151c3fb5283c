"""What the safeguards API views share."""

from omslag.common.api.helpers import VersionIn, require, validated  # noqa: F401  (used by the views of this package)
