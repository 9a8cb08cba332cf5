#!/bin/sh
# The Debian packages credtriage needs, by purpose, and installing the missing
# ones. The one list of them: setup.sh, the Makefile and .ci/run all come here.
#
#   sh scripts/deps.sh demo    build and run the console: compiler, make, pkg-config,
#                              the libraries' -dev packages (their runtime libraries come
#                              with them)
#   sh scripts/deps.sh test    the demo's, plus cmocka, git, tmux, jq, valgrind, clang
#                              with its sanitizer/libFuzzer runtime (gcc's ASan/UBSan
#                              runtimes come with gcc), ssh and lighttpd (team tests),
#                              locales (an ISO-8859-1 locale for console_locale.sh)
#   sh scripts/deps.sh bench   the demo's, plus jq, GNU time and tmux
#   sh scripts/deps.sh list SET   print a set
#
# As root, what is missing is installed with apt-get (after apt-get update; the
# log goes to $TMPDIR/credtriage-apt.log). Not root, the missing packages are
# named with the command to run as root, and the exit status is 1.
set -u
DEMO="make gcc libc6-dev pkg-config libncurses-dev libcjson-dev libgit2-dev libssh2-1-dev libmd4c-dev zlib1g-dev libpcre2-dev libssl-dev"
TEST="$DEMO libcmocka-dev git tmux jq valgrind clang libclang-rt-dev openssh-client openssh-server lighttpd lighttpd-mod-openssl openssl locales"
BENCH="$DEMO jq time tmux"

set_of() {
    case $1 in
    demo) echo "$DEMO" ;;
    test) echo "$TEST" ;;
    bench) echo "$BENCH" ;;
    *) echo "usage: sh scripts/deps.sh demo|test|bench|list SET" >&2; exit 2 ;;
    esac
}

if [ "${1:-}" = list ]; then
    set_of "${2:-}"
    exit 0
fi
what=${1:-}
case $what in demo|test|bench) ;; *) set_of "$what"; exit 2 ;; esac
pkgs=$(set_of "$what")

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system (no dpkg-query); make sure these (Debian names) are installed:" >&2
    echo "deps:   $pkgs" >&2
    exit 0
fi
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

case $what in demo) who="the demo needs" ;; test) who="the tests need" ;; *) who="the benchmark needs" ;; esac
if [ "$(id -u)" != 0 ]; then
    cmd="apt-get update && apt-get install -y --no-install-recommends$missing"
    {
        echo "deps: $who Debian packages that are not installed:$missing"
        echo "deps: install them as root, then run this again; for example:"
        echo "deps:   su -c '$cmd'"
        if command -v sudo >/dev/null 2>&1; then
            echo "deps: or, where sudo is set up for you:"
            echo "deps:   sudo sh -c '$cmd'"
        fi
    } >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing Debian packages:$missing, and no apt-get to install them" >&2
    exit 1
fi

log=${TMPDIR:-/tmp}/credtriage-apt.log
echo "deps: $who:$missing; installing them (apt-get; log in $log)"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! { apt-get update && apt-get install -y --no-install-recommends $missing; } > "$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "deps: apt-get install$missing failed (the whole log: $log)" >&2
    exit 1
fi
echo "deps: installed$missing"
