# Sourced by the end-to-end tests that run credtriage's batch commands (and by
# team_lib.sh): what each of them set up the same way.
#   e2e_need SCRIPT CMD...  exits 1 naming the first CMD missing
#   e2e_isolate      $TMP (removed at exit) and a fresh account in it: HOME and
#                    git's global config in $TMP/home, the default rules repo
#                    under $TMP/data, no system git config, and no identity or
#                    $CREDTRIAGE_REPO from the caller
#   check DESC CMD...  runs CMD; if it fails, prints "FAIL: DESC" and sets
#                    fail=1 (the script ends with exit $fail)
fail=0

e2e_need() { # script, commands
    s=$1; shift
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { echo "$s: $c is required" >&2; exit 1; }
    done
}

e2e_isolate() {
    TMP=$(mktemp -d) || exit 1
    trap 'rm -rf "$TMP"' EXIT HUP INT TERM
    export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home" XDG_DATA_HOME="$TMP/data" GIT_CONFIG_NOSYSTEM=1
    unset CREDTRIAGE_REPO GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
    mkdir -p "$HOME"
}

check() { # description, then a command that must succeed
    d=$1; shift
    if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi
}
