"""Hypothesis settings profiles: the same cases on every run by default, random ones on request.

`make test` (and the contract-test container) generate the same cases each run: a failure is
reproduced by running the test again, and a pass means the same inputs passed as last time.
The profile `explore` (`make explore`) draws new random cases each run, with `EXPLORE_FACTOR`
times the examples, to look for bugs the fixed set misses; a failure it finds prints a
`@reproduce_failure` blob, and Hypothesis's database under `.hypothesis/` replays it next time.

The profile is chosen by the environment variable `HYPOTHESIS_PROFILE` (default
`deterministic`) and loaded by tests/conftest.py before any test module is imported, because a
test's `@settings(...)` takes the values it does not name from the profile loaded at that moment.
schemathesis 4 reads the same decorator, so its tests follow the profile too.

"The same cases" holds for the same command on the same code: Hypothesis also draws constants
found in the project's imported modules, so another selection of tests (one file instead of the
whole suite) or a changed module can give a somewhat different set. To replay a failure
anywhere, use the `@reproduce_failure(...)` line it prints.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

VARIABLE = "HYPOTHESIS_PROFILE"
DETERMINISTIC = "deterministic"
EXPLORE = "explore"
EXPLORE_FACTOR = 10

# Cases derived from each test's own code (derandomize): no seed, no database, nothing timed.
settings.register_profile(
    DETERMINISTIC,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],  # timing on a shared machine must not decide a run
)
# A new random seed per run; the default example database keeps what failed for the next run.
settings.register_profile(EXPLORE, derandomize=False, deadline=None, print_blob=True)


def load() -> str:
    """Load the profile `HYPOTHESIS_PROFILE` names (default: deterministic) and return its name."""
    name = os.environ.get(VARIABLE, "") or DETERMINISTIC
    if name not in (DETERMINISTIC, EXPLORE):
        raise ValueError(f"{VARIABLE}={name!r}: use {DETERMINISTIC!r} (the default) or {EXPLORE!r}")
    settings.load_profile(name)
    return name


def examples(count: int) -> int:
    """`count` examples under the deterministic profile, `EXPLORE_FACTOR` times as many when exploring."""
    # `--hypothesis-verbosity` loads a copy named after the profile: "explore-with-verbose-verbosity".
    exploring = settings.get_current_profile_name().startswith(EXPLORE)
    return count * EXPLORE_FACTOR if exploring else count
