#!/bin/sh
# gitmon-hook-id: 8f3c6e1a2b9d4f70
# Installed by `gitmon hook install --type __TYPE__`; `gitmon hook uninstall` removes it
# and puts back the hook that was here before (kept next to it as __TYPE__.legacy).
# Skip it once: `git commit --no-verify` (or `git push --no-verify`).
GITMON_PYTHON='__PYTHON__'
HOOK_TYPE='__TYPE__'

legacy="$0.legacy"
if [ "$HOOK_TYPE" = pre-push ]; then
    # git passes the pushed refs on stdin: both the old hook and gitmon need them.
    refs="$(cat)"
    if [ -x "$legacy" ]; then
        printf '%s\n' "$refs" | "$legacy" "$@" || exit $?
    fi
elif [ -x "$legacy" ]; then
    "$legacy" "$@" || exit $?
fi

if [ -x "$GITMON_PYTHON" ]; then
    # -c rather than -m: runpy costs a hook ~7 ms on every commit.
    run() { "$GITMON_PYTHON" -c 'import sys; from gitmon.main import entry; sys.argv[0] = "gitmon"; raise SystemExit(entry())' "$@"; }
elif command -v gitmon >/dev/null 2>&1; then
    run() { gitmon "$@"; }
else
    echo "gitmon: the $HOOK_TYPE hook cannot find gitmon: $GITMON_PYTHON is gone and gitmon is not on PATH" >&2
    echo "  hint: reinstall gitmon, then run \`gitmon hook install --type $HOOK_TYPE\` again;" >&2
    echo "        or remove the hook with \`gitmon hook uninstall --type $HOOK_TYPE\`" >&2
    echo "        (skip it once: --no-verify)" >&2
    exit 1
fi

if [ "$HOOK_TYPE" = pre-push ]; then
    printf '%s\n' "$refs" | run hook pre-push "$@"
elif [ "$HOOK_TYPE" = post-commit ]; then
    # Give the new commit the verdict of the index it was made from (a note); never fails.
    run status --quiet || true
else
    run check --staged --source pre-commit
fi
