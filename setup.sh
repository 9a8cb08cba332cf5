#!/bin/sh
# Set up a fresh Debian 12 machine for credtriage, then run it:
#   sh setup.sh demo   installs what the build needs, then `make run`: the console on
#                      the bundled samples with a new scratch rules repo
#   sh setup.sh test   installs what the tests need as well, then `make test`
# Only missing packages are installed (apt-get, as root; scripts/deps.sh has the
# lists). Not root: it names what is missing and how to install it, and stops.
set -u
cd "$(dirname "$0")" || exit 1
case ${1:-} in
demo) set=demo target=run ;;
test) set=test target=test ;;
*) echo "usage: sh setup.sh demo|test" >&2; exit 2 ;;
esac
sh scripts/deps.sh "$set" || exit $?
exec make --no-print-directory "$target"
