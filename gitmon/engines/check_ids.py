"""The built-in checks by id, with the module of each (in `engines.builtin`).

Apart from the checks themselves: the policy validates `checks:` against these ids, and
the checks import the policy.
"""

MODULES = {
    "missing-test-change": "missing_tests",
    "unsafe-config": "unsafe_config",
    "policy-weakened": "policy_weakened",
}
