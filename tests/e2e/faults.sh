#!/bin/sh
# Faults while deciding, judged with the real git (`git fsck --strict` clean,
# no decision that was confirmed to the analyst — exit 0 — ever lost):
# a read-only repo, an index.lock held by another process, the repo removed,
# a full disk (ulimit -f), a crash (_exit, as SIGKILL) after each step of a
# commit (write, stage, commit; gitstore's CT_GITSTORE_TEST_CRASH_AT hook),
# a real SIGKILL in the middle of a run, and two processes committing 200
# decisions each at the same time.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/e2e_lib.sh
e2e_need faults.sh jq git
e2e_isolate
chmod 755 "$TMP"
AN='Test Analyst <test@example.com>'
F=samples/entra-audit.ndjson
cp "$F" "$TMP/in.ndjson" && chmod 644 "$TMP/in.ndjson"
F=$TMP/in.ndjson
fsck() { git -C "$1" fsck --strict --no-progress >/dev/null 2>&1; }
ncommits() { git -C "$1" rev-list --count HEAD 2>/dev/null || echo 0; }
# status_of REPO ID: the alert's status as the tool reads it back
# (with --analyst: opening a repo with a leftover journal commits the recovery)
status_of() { "$BIN" scan --json --all --repo "$1" --analyst "$AN" "$F" 2>/dev/null | jq -r --arg i "$2" 'select(.id == $i) | .status'; }

"$BIN" scan --json --all "$F" >"$TMP/scan.json" 2>/dev/null
set -- $(jq -r '.id' "$TMP/scan.json")
[ $# -ge 6 ] || { echo "faults.sh: need 6 alerts in $F, got $#" >&2; exit 1; }
A1=$1 A2=$2 A3=$3 A4=$4 A5=$5 A6=$6
ALL="$*"

# --- read-only repo ---------------------------------------------------------------------
R=$TMP/ro
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
check "ro: first ack" test "$(status_of "$R" "$A1")" = acknowledged
before=$(ncommits "$R")
chmod -R a+rX "$R"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    # root ignores permissions: run as nobody on a root-owned repo instead,
    # from a copy of the binary when nobody cannot reach it (a clone in /root)
    NBIN=$BIN
    if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$BIN"; then
        mkdir -p "$TMP/bin" && cp "$BIN" "$TMP/bin/credtriage" && NBIN=$TMP/bin/credtriage
    fi
    setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$TMP" \
        "$NBIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >"$TMP/ro.out" 2>"$TMP/ro.err"
    rc=$?
elif [ "$(id -u)" != 0 ]; then
    chmod -R a-w "$R"
    "$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >"$TMP/ro.out" 2>"$TMP/ro.err"
    rc=$?
    chmod -R u+w "$R"
else
    echo "faults.sh: SKIP read-only repo: running as root without setpriv" >&2
    rc=4
fi
check "ro: ack is refused with a repo error (exit 4, got $rc)" test "$rc" -eq 4
check "ro: says why" test -s "$TMP/ro.err"
check "ro: no commit" test "$(ncommits "$R")" -eq "$before"
check "ro: earlier decision kept" test "$(status_of "$R" "$A1")" = acknowledged
check "ro: fsck" fsck "$R"
"$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
check "ro: writable again, the ack goes through" test "$(status_of "$R" "$A2")" = acknowledged

# --- index.lock held by another process -----------------------------------------------
R=$TMP/lock
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
before=$(ncommits "$R")
: >"$R/.git/index.lock"
"$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >"$TMP/lock.out" 2>"$TMP/lock.err"
rc=$?
check "lock held: refused with exit 4 (got $rc)" test "$rc" -eq 4
check "lock held: names the lock" grep -q "index.lock\|lock" "$TMP/lock.err"
check "lock held: no commit" test "$(ncommits "$R")" -eq "$before"
check "lock held: the other process's lock is left alone" test -e "$R/.git/index.lock"
# released while we wait (~2 s): goes through
(sleep 1; rm -f "$R/.git/index.lock") &
"$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>"$TMP/lock2.err"
rc=$?
wait
check "lock released within the wait: ack exits 0 (got $rc)" test "$rc" -eq 0
check "lock released: decision kept" test "$(status_of "$R" "$A2")" = acknowledged
check "lock: fsck" fsck "$R"

# --- the repo removed (between and during commands) ------------------------------------
R=$TMP/gone
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
rm -rf "$R"
"$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>"$TMP/gone.err"
rc=$?
check "repo removed: no crash (exit $rc)" test "$rc" -lt 128
check "repo removed: a fresh repo is seeded and fsck-clean" fsck "$R"
# removed while a command runs: its commit fails or lands in a fresh repo, never a crash
i=0
while [ $i -lt 5 ]; do
    "$BIN" ack "$A3" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1 &
    pid=$!
    rm -rf "$R" 2>/dev/null
    wait $pid
    rc=$?
    check "repo removed mid-run: no crash (exit $rc)" test "$rc" -lt 128
    i=$((i + 1))
done
rm -rf "$R"
"$BIN" ack "$A3" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
check "repo removed mid-run: a fresh repo afterwards works and is fsck-clean" fsck "$R"

# --- full disk: file size limit --------------------------------------------------------
R=$TMP/full
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
before=$(ncommits "$R")
(
    trap '' XFSZ # writes fail with EFBIG instead of killing the process
    ulimit -f 0
    exec "$BIN" fp "$A2" --entry target --reason "disk full test" --force --repo "$R" --analyst "$AN" "$F"
) >"$TMP/full.out" 2>"$TMP/full.err"
rc=$?
check "disk full: refused (exit 4, got $rc)" test "$rc" -eq 4
check "disk full: no commit" test "$(ncommits "$R")" -eq "$before"
check "disk full: fsck" fsck "$R"
check "disk full: earlier decision kept" test "$(status_of "$R" "$A1")" = acknowledged
# all or nothing: neither the exception nor the decision is left in the work tree
check "disk full: work tree clean (no exception left to suppress the alert)" \
    test -z "$(git -C "$R" status --porcelain --untracked-files=all)"
check "disk full: the alert is still open" test "$(status_of "$R" "$A2")" = open
check "disk full: no temporary file left" test -z "$(ls -A "$R/.git/credtriage/tmp" 2>/dev/null)"
"$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
check "disk full: space back, next decision goes through" test "$(status_of "$R" "$A2")" = acknowledged
check "disk full: the next commit is the ack itself, nothing recovered" \
    test "$(git -C "$R" log --format=%s | grep -c '^recover')" -eq 0
check "disk full: one commit more" test "$(ncommits "$R")" -eq $((before + 1))
check "disk full: fsck after" fsck "$R"

# --- a crash before the commit: nothing of it anywhere, nothing committed by recovery ----
R=$TMP/crash-prepare
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
before=$(ncommits "$R")
CT_GITSTORE_TEST_CRASH_AT=prepare "$BIN" fp "$A2" --entry target --reason "crash test" --force \
    --repo "$R" --analyst "$AN" "$F" >"$TMP/c.out" 2>&1
rc=$?
check "crash at prepare: the process died (99, got $rc)" test "$rc" -eq 99
check "crash at prepare: work tree clean" test -z "$(git -C "$R" status --porcelain --untracked-files=all)"
check "crash at prepare: the alert is still open" test "$(status_of "$R" "$A2")" = open
"$BIN" ack "$A3" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
check "crash at prepare: next decision kept" test "$(status_of "$R" "$A3")" = acknowledged
check "crash at prepare: exactly the next decision committed, no recover commit" \
    test "$(ncommits "$R")" -eq $((before + 1))
check "crash at prepare: no journal left" test ! -e "$R/.git/credtriage-journal"
check "crash at prepare: fsck" fsck "$R"

# --- a crash after each step once committed: recovery brings the work tree to HEAD ---------
for step in commit write stage; do
    R=$TMP/crash-$step
    "$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
    CT_GITSTORE_TEST_CRASH_AT=$step "$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >"$TMP/c.out" 2>&1
    rc=$?
    check "crash at $step: the process died (99, got $rc)" test "$rc" -eq 99
    check "crash at $step: earlier decision kept" test "$(status_of "$R" "$A1")" = acknowledged
    # the next run recovers the journal: the decision, committed with its own
    # message, appears in the work tree; nothing is committed again
    "$BIN" ack "$A3" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>"$TMP/c.err"
    check "crash at $step: next run exits 0" test $? -eq 0
    check "crash at $step: interrupted decision recovered" test "$(status_of "$R" "$A2")" = acknowledged
    check "crash at $step: next decision kept" test "$(status_of "$R" "$A3")" = acknowledged
    check "crash at $step: fsck" fsck "$R"
    check "crash at $step: no journal left" test ! -e "$R/.git/credtriage-journal"
    check "crash at $step: clean tree" test -z "$(git -C "$R" status --porcelain)"
    check "crash at $step: no recover commit" test "$(git -C "$R" log --format=%s | grep -c '^recover')" -eq 0
done

# --- real SIGKILLs at random points of a run ---------------------------------------------
R=$TMP/kill
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
confirmed=""
for id in $ALL; do
    "$BIN" ack "$id" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1 &
    pid=$!
    sleep 0.0$(( $(od -An -N1 -tu1 /dev/urandom) % 10 ))
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null && confirmed="$confirmed $id"
done
"$BIN" scan --all --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1 # recovery of a leftover journal
check "SIGKILL: fsck" fsck "$R"
for id in $confirmed; do
    check "SIGKILL: confirmed decision $id kept" test "$(status_of "$R" "$id")" = acknowledged
done
check "SIGKILL: no journal left after recovery" test ! -e "$R/.git/credtriage-journal"

# --- two processes, 200 decisions each, at the same time ---------------------------------
R=$TMP/conc
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
"$BIN" reopen "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
before=$(ncommits "$R")
N=${CT_FAULTS_N:-200}
loop() { # alert-a alert-b log: N decisions, alternating ack and reopen over two alerts
    i=0; ok=0
    while [ $i -lt "$N" ]; do
        if [ $((i / 2 % 2)) = 0 ]; then cmd=ack; else cmd=reopen; fi
        if [ $((i % 2)) = 0 ]; then id=$1; else id=$2; fi
        "$BIN" $cmd "$id" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>>"$3" && ok=$((ok + 1))
        i=$((i + 1))
    done
    echo "$ok" >"$3.ok"
}
loop "$A3" "$A4" "$TMP/p1" &
p1=$!
loop "$A5" "$A6" "$TMP/p2" &
p2=$!
wait $p1
wait $p2
ok1=$(cat "$TMP/p1.ok") ok2=$(cat "$TMP/p2.ok")
check "concurrent: every decision of process 1 confirmed ($ok1/$N)" test "$ok1" -eq "$N"
check "concurrent: every decision of process 2 confirmed ($ok2/$N)" test "$ok2" -eq "$N"
check "concurrent: $((2 * N)) commits, none lost (got $(( $(ncommits "$R") - before )))" \
    test "$(( $(ncommits "$R") - before ))" -eq $((2 * N))
check "concurrent: fsck" fsck "$R"
check "concurrent: clean tree" test -z "$(git -C "$R" status --porcelain)"
# N decisions per process, alternating: N/2 per alert, ending on reopen (N even) or ack
last=$(( (N - 1) / 2 % 2 ))
for id in "$A3" "$A4" "$A5" "$A6"; do
    st=$(status_of "$R" "$id")
    if [ "$last" = 0 ]; then want=acknowledged; else want=open; fi
    check "concurrent: final status of $id is the last decision ($st)" test "$st" = "$want"
done

exit $fail
