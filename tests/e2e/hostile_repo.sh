#!/bin/sh
# The rules repo as an attacker pushes it (issue #15), with the real binary and
# git: every attack is a commit in the repo (as a `git pull` brings it), then the
# victim's ordinary command.
#   1. decisions/Y/M/<alert id>.json.tmp.{2..32768} symlinked to ~/.bashrc: `ack`
#      writes nothing through them;
#   2. decisions/2026 and exceptions/<rule> symlinked outside: `ack` / `fp`
#      create nothing outside, fail with a message naming the link, leave no
#      journal and the repo usable once the link is gone; `check` names them;
#   3. a guide symlinked to ~/.aws/credentials: neither shown nor exported;
#   4. a guide symlinked to /dev/zero: commands end cleanly under ulimit -v 1.5 GB;
#   5. a 3 GiB gzip bomb ends with a message under ulimit -v 1.5 GB and a 512 MB
#      file size limit (the temporary file's room), while the other file loads;
#   6. exceptions import with item ids fp/1 and fp_1 (one file name once
#      sanitized): refused before anything is written, the repo stays usable;
# and `git fsck --strict` is clean at the end.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/e2e_lib.sh
e2e_need hostile_repo.sh jq git
e2e_isolate
chmod 755 "$TMP"
unset CREDTRIAGE_MAX_REPO_FILE CREDTRIAGE_MAX_RECORD CREDTRIAGE_MAX_INFLATE CREDTRIAGE_MAX_INFLATE_RATIO
mkdir -p "$HOME/.aws"
AN='Test Analyst <test@example.com>'
F=samples/entra-audit.ndjson
RULE="Entra ID Application Credential Added"
STEM=entra_app_credential_added
R=$TMP/repo
fsck() { git -C "$1" fsck --strict --no-progress >/dev/null 2>&1; }
ncommits() { git -C "$R" rev-list --count HEAD; }
status_of() { "$BIN" scan --json --all --repo "$R" "$F" 2>/dev/null | jq -r --arg i "$1" 'select(.id == $i) | .status'; }
# the attacker's commit (what a pull brings in)
attacker() { git -C "$R" add -A . && git -C "$R" -c user.name=Mallory -c user.email=m@example.com commit -qm "$1"; }
clean_tree() { test -z "$(git -C "$R" status --porcelain --untracked-files=all)"; }
# Memory bound of the issue: 1.5 GB of address space. An ASan build reserves
# terabytes of shadow: there the commands run without the bound.
if command -v ldd >/dev/null 2>&1 && ldd "$BIN" 2>/dev/null | grep -q 'libasan'; then
    VLIMIT=unlimited
else
    VLIMIT=1572864
fi

"$BIN" scan --json "$F" >"$TMP/scan.json" 2>/dev/null || exit 1
set -- $(jq -r --arg r "$RULE" 'select(.rule_name == $r) | .id' "$TMP/scan.json")
[ $# -ge 5 ] || { echo "hostile_repo.sh: need 5 alerts of $RULE in $F, got $#" >&2; exit 1; }
A1=$1 A2=$2 A3=$3 A4=$4 A5=$5
ym() { jq -r --arg i "$1" 'select(.id == $i) | .timestamp[0:4] + "/" + .timestamp[5:7]' "$TMP/scan.json"; }
"$BIN" ack "$A1" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
check "setup: first ack" test "$(status_of "$A1")" = acknowledged
printf '# victim\n' >"$HOME/.bashrc"
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$HOME/.aws/credentials"

# --- 1. temporary names planted as symlinks to ~/.bashrc -----------------------------------
D="decisions/$(ym "$A2")"
mkdir -p "$R/$D"
# the old writer's name was <path>.tmp.<pid>: every pid, as in the issue
# ({2..32768}; past 65536, the 30000 the next processes get)
PIDMAX=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768)
perl -e 'my ($b, $max, $t, $p) = @ARGV; my ($lo, $hi) = $max <= 65536 ? (2, $max) : ($b, $b + 30000);
    for my $n ($lo .. $hi) { symlink($t, "$p.tmp.$n") or die "$p.tmp.$n: $!" }' \
    "$(sh -c 'echo $$')" "$PIDMAX" "$HOME/.bashrc" "$R/$D/$A2.json"
NLINKS=$(find "$R/$D" -type l | wc -l)
attacker "tmp names"
before=$(ncommits)
"$BIN" ack "$A2" --repo "$R" --analyst "$AN" "$F" >"$TMP/1.out" 2>"$TMP/1.err"
check "tmp links: ack exits 0 (got $?)" test "$?" -eq 0
check "tmp links: ~/.bashrc untouched" test "$(cat "$HOME/.bashrc")" = "# victim"
check "tmp links: the decision is a regular file" test -f "$R/$D/$A2.json" -a ! -L "$R/$D/$A2.json"
check "tmp links: the decision committed alone" test "$(git -C "$R" show --format= --name-only HEAD)" = "$D/$A2.json"
check "tmp links: one commit" test "$(ncommits)" -eq $((before + 1))
check "tmp links: the attacker's links left as they were" \
    test "$(find "$R/$D" -type l -lname "$HOME/.bashrc" | wc -l)" -eq "$NLINKS"
check "tmp links: no temporary file in the work tree or left behind" \
    test -z "$(find "$R" -path "$R/.git" -prune -o -type f -name '*.tmp*' -print)$(ls -A "$R/.git/credtriage/tmp")"
check "tmp links: acknowledged" test "$(status_of "$A2")" = acknowledged
find "$R/$D" -type l -delete && attacker "drop tmp links"

# --- 2. decision and exception folders symlinked outside the repo ----------------------------
ELSE=$TMP/elsewhere
mkdir -p "$ELSE"
Y=decisions/$(ym "$A3" | cut -d/ -f1)
mv "$R/$Y" "$TMP/saved-year"
ln -s "$ELSE" "$R/$Y"
attacker "year folder elsewhere"
before=$(ncommits)
"$BIN" ack "$A3" --repo "$R" --analyst "$AN" "$F" >"$TMP/2.out" 2>"$TMP/2.err"
rc=$?
check "year link: ack refused with a repo error (4, got $rc)" test "$rc" -eq 4
check "year link: the message names the link" grep -q "$Y: a symbolic link is on the path: refused" "$TMP/2.err"
check "year link: nothing created outside" test -z "$(ls -A "$ELSE")"
check "year link: no commit" test "$(ncommits)" -eq "$before"
check "year link: no journal left (the repo is not locked)" test ! -e "$R/.git/credtriage-journal"
check "year link: work tree as the attacker left it" clean_tree
"$BIN" check --repo "$R" >"$TMP/check.out" 2>&1
check "year link: check exits 1" test $? -eq 1
check "year link: check names it" grep -qx "$Y: a symbolic link: credtriage refuses to read or write through it" "$TMP/check.out"
mkdir -p "$R/exceptions"
ln -s "$ELSE" "$R/exceptions/$STEM"
attacker "exception folder elsewhere"
before=$(ncommits)
"$BIN" fp "$A4" --entry target --reason "hostile repo test" --force --repo "$R" --analyst "$AN" "$F" \
    >"$TMP/2b.out" 2>"$TMP/2b.err"
rc=$?
check "rule folder link: fp refused (4, got $rc)" test "$rc" -eq 4
check "rule folder link: the message names the link" grep -q "exceptions/$STEM" "$TMP/2b.err"
check "rule folder link: nothing created outside" test -z "$(ls -A "$ELSE")"
check "rule folder link: no commit" test "$(ncommits)" -eq "$before"
check "rule folder link: no journal left" test ! -e "$R/.git/credtriage-journal"
check "rule folder link: work tree as the attacker left it" clean_tree
# the team removes the links: the repo works again, nothing to recover
rm "$R/$Y" "$R/exceptions/$STEM" && mv "$TMP/saved-year" "$R/$Y" && attacker "links removed"
before=$(ncommits)
"$BIN" ack "$A3" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>"$TMP/2c.err"
check "links removed: ack goes through (got $?)" test "$?" -eq 0
check "links removed: exactly one commit, the ack" test "$(ncommits)" -eq $((before + 1))
check "links removed: no recover commit" test "$(git -C "$R" log --format=%s | grep -c '^recover')" -eq 0
check "links removed: earlier decisions read again" test "$(status_of "$A1")" = acknowledged

# --- 3. a guide symlinked to a secret ----------------------------------------------------------
G=$(git -C "$R" rev-parse HEAD)
ln -sf "$HOME/.aws/credentials" "$R/guides/$STEM.md"
attacker "guide -> credentials"
"$BIN" show "$A1" --repo "$R" "$F" >"$TMP/3.out" 2>"$TMP/3.err"
check "secret guide: show exits 0 (got $?)" test "$?" -eq 0
check "secret guide: show prints no secret" sh -c "! grep -q 'EXAMPLEKEY\|AKIAIOSFODNN7' '$TMP/3.out' '$TMP/3.err'"
check "secret guide: says the guide was refused" grep -q "guides/$STEM.md: a symbolic link is on the path: refused" "$TMP/3.err"
"$BIN" rules export --repo "$R" >"$TMP/3.ndjson" 2>"$TMP/3x.err"
check "secret guide: rules export exits 0 (got $?)" test "$?" -eq 0
check "secret guide: export carries no secret" sh -c "! grep -q 'EXAMPLEKEY\|AKIAIOSFODNN7' '$TMP/3.ndjson'"
check "secret guide: the rule is still exported" \
    test "$(jq -r --arg r "$RULE" 'select(.name == $r) | .rule_id' "$TMP/3.ndjson")" = cdb614db-c4f5-486f-bc52-21f409265851
"$BIN" check --repo "$R" >"$TMP/check3.out" 2>&1
check "secret guide: check names it" grep -qx "guides/$STEM.md: a symbolic link: credtriage refuses to read or write through it" "$TMP/check3.out"

# --- 4. a guide symlinked to /dev/zero, under 1.5 GB -------------------------------------------
ln -sf /dev/zero "$R/guides/$STEM.md"
attacker "guide -> /dev/zero"
(ulimit -v "$VLIMIT"; exec "$BIN" show "$A1" --repo "$R" "$F") >"$TMP/4.out" 2>"$TMP/4.err"
rc=$?
check "zero guide: show ends cleanly (exit 0, got $rc)" test "$rc" -eq 0
check "zero guide: no out-of-memory" sh -c "! grep -qi 'out of memory' '$TMP/4.err'"
(ulimit -v "$VLIMIT"; exec "$BIN" scan --all --repo "$R" "$F") >"$TMP/4s.out" 2>"$TMP/4s.err"
check "zero guide: scan ends cleanly (exit 0, got $?)" test "$?" -eq 0
# a special file where a rule is read: refused too
mkfifo "$R/rules/azure/fifo.json"
(ulimit -v "$VLIMIT"; exec "$BIN" scan --all --repo "$R" "$F") >/dev/null 2>"$TMP/4f.err"
check "fifo rule: scan ends (exit 0, got $?)" test "$?" -eq 0
check "fifo rule: named" grep -q "rules/azure/fifo.json: cannot read: rules/azure/fifo.json: a FIFO, not a regular file: refused" "$TMP/4f.err"
rm "$R/rules/azure/fifo.json"
git -C "$R" rm -q "guides/$STEM.md" && git -C "$R" checkout -q "$G" -- "guides/$STEM.md" && attacker "guide back"

# --- 5. a 3 GiB gzip bomb under 1.5 GB and a 512 MB temporary file -------------------------------
# members of 1 MiB of zeros (1 KB each) concatenated: one valid gzip stream set
head -c 1048576 /dev/zero | gzip -9 >"$TMP/m1"
cat "$TMP/m1" "$TMP/m1" >"$TMP/m2"; cat "$TMP/m2" "$TMP/m2" >"$TMP/m4"; cat "$TMP/m4" "$TMP/m4" >"$TMP/m8"
cat "$TMP/m8" "$TMP/m8" "$TMP/m8" "$TMP/m8" >"$TMP/m32"; cat "$TMP/m32" "$TMP/m32" "$TMP/m32" "$TMP/m32" >"$TMP/m128"
cat "$TMP/m128" "$TMP/m128" "$TMP/m128" "$TMP/m128" "$TMP/m128" "$TMP/m128" "$TMP/m128" "$TMP/m128" >"$TMP/m1024"
cat "$TMP/m1024" "$TMP/m1024" "$TMP/m1024" >"$TMP/bomb.json.gz"
rm -f "$TMP"/m[0-9]*
check "bomb: 3072 members of 1 MiB of zeros" test "$(wc -c <"$TMP/bomb.json.gz")" -eq $((3072 * $(head -c 1048576 /dev/zero | gzip -9 | wc -c)))
"$BIN" scan --all "$F" >/dev/null 2>"$TMP/5ref.err"
ref=$(grep '^loaded' "$TMP/5ref.err")
mkdir -p "$TMP/tmpdir"
bomb() { # extra env, then the expected message
    (trap '' XFSZ; ulimit -v "$VLIMIT"; ulimit -f 1048576; export TMPDIR="$TMP/tmpdir"
     exec env $1 "$BIN" scan --all "$TMP/bomb.json.gz" "$F") >"$TMP/5.out" 2>"$TMP/5.err"
    rc=$?
    check "bomb ($1): ends with exit 3 (a file not loaded; got $rc)" test "$rc" -eq 3
    check "bomb ($1): says why" grep -qF "$TMP/bomb.json.gz: $2" "$TMP/5.err"
    check "bomb ($1): the other file loads" test "$(grep '^loaded' "$TMP/5.err")" = "$ref"
    check "bomb ($1): nothing left in TMPDIR" test -z "$(ls -A "$TMP/tmpdir")"
}
bomb X=1 "inflates more than 200 times its compressed size (a gzip bomb? CREDTRIAGE_MAX_INFLATE_RATIO): not loaded after"
bomb "CREDTRIAGE_MAX_INFLATE_RATIO=100000 CREDTRIAGE_MAX_INFLATE=100M" "inflates to more than 104857600 bytes (CREDTRIAGE_MAX_INFLATE): not loaded"
bomb CREDTRIAGE_MAX_INFLATE_RATIO=100000 "cannot write the inflated bytes to a temporary file in TMPDIR after"
rm -f "$TMP/bomb.json.gz"

# --- 6. colliding item ids in an import -----------------------------------------------------------
before=$(ncommits)
printf '%s\n' '{"list_id":"hx","name":"Exceptions for rule - Entra ID Application Credential Added"}' \
    '{"item_id":"fp/1","list_id":"hx","type":"simple","name":"one","entries":[{"field":"user.name","operator":"included","type":"match","value":"a"}]}' \
    '{"item_id":"fp_1","list_id":"hx","type":"simple","name":"two","entries":[{"field":"user.name","operator":"included","type":"match","value":"b"}]}' \
    >"$TMP/collide.ndjson"
"$BIN" exceptions import "$TMP/collide.ndjson" --repo "$R" --analyst "$AN" >"$TMP/6.out" 2>"$TMP/6.err"
rc=$?
check "collision: refused (1, got $rc)" test "$rc" -eq 1
check "collision: names both ids and the file" grep -qF "items \"fp/1\" and \"fp_1\" would both be written to exceptions/$STEM/fp_1.json: rename one of them (nothing was imported)" "$TMP/6.err"
check "collision: no commit" test "$(ncommits)" -eq "$before"
check "collision: nothing written" clean_tree
check "collision: no journal" test ! -e "$R/.git/credtriage-journal"
"$BIN" ack "$A5" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>&1
check "collision: the repo is usable, the next ack goes through" test "$(status_of "$A5")" = acknowledged
check "collision: one commit, the ack" test "$(ncommits)" -eq $((before + 1))

check "git fsck --strict is clean" fsck "$R"
check "no journal, no temporary file left" test ! -e "$R/.git/credtriage-journal" -a -z "$(ls -A "$R/.git/credtriage/tmp")"
exit $fail
