"""Password hashing: Argon2id with the parameters OWASP recommends for it (19 MiB of memory,
2 passes, 1 lane) instead of Django's defaults (100 MiB, 2 passes, 8 lanes).

With Django's defaults one sign-in cost about 0.24 s of CPU time, so on a 2-core server 200
people signing in within a minute took most of the machine for a minute (issue 13 load test);
these parameters cost about 0.025 s. A hash made with other parameters still verifies and is
replaced by one with these on the person's next sign-in. Sign-in attempts are limited
separately (django-axes). See docs/decisions.md.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1
