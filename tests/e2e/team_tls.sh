#!/bin/sh
# Team sync over HTTPS (issue #18): lighttpd with mod_openssl on 127.0.0.1 in
# front of git http-backend, basic auth, a certificate for localhost signed by
# a test CA made now with openssl. Untrusted (the CA not configured), the
# certificate is refused with a message that says what to do, and nothing is
# sent; trusted through git's http.sslCAInfo (A) or SSL_CERT_FILE (B), with
# the password from git's credential helper, A's ack synced is seen by B after
# B's sync, A the author on the server. Reached by address (https://127.0.0.1,
# https://[::1]) the certificate's IP subjectAltNames match; a certificate that
# has the address only as a DNS name or CN, another address, or no trusted
# signature, is refused for it (openssl s_server serving each).
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/team_lib.sh
team_need team_tls.sh jq git openssl
TMP=$(mktemp -d) || exit 1
trap 'team_stop; rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM
team_env
home() { # name: a fresh HOME whose git credential helper has alice's password for the server
    mkdir -p "$TMP/$1"
    HOME="$TMP/$1" git config --global credential.helper store
    printf 'https://alice:%s@localhost:%s\n' "$HTTP_PASS" "$HTTPS_PORT" > "$TMP/$1/.git-credentials"
    echo "$TMP/$1"
}
X=$(team_alert 1)
Y=$(team_alert 2)
[ -n "$X" ] && [ -n "$Y" ] || { echo "team_tls.sh: no alerts in $F" >&2; exit 1; }

team_httpd tls || exit 1
team_bare tls
URL="https://localhost:$HTTPS_PORT/git/tls.git"
check "the server's certificate is the test CA's, for localhost, 127.0.0.1 and ::1" test \
    "$(openssl x509 -in "$TMP/tls/server.pem" -noout -issuer -subject -ext subjectAltName 2>/dev/null | sed 's/^ *//; s/ *$//' | tr '\n' '|')" = \
    "issuer=CN = credtriage test CA|subject=CN = localhost|X509v3 Subject Alternative Name:|DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1|"

# --- A: the CA not configured: refused, nothing sent -------------------------------------------------
HA=$(home a)
RA="$TMP/ra"
HOME=$HA "$BIN" ack "$Y" --note "seed" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1 || { echo "team_tls.sh: A cannot decide" >&2; exit 1; }
git -C "$RA" remote add origin "$URL"
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >"$TMP/a0.out" 2>"$TMP/a0.err"
check "untrusted certificate: exit 4 (repo error)" test $? -eq 4
check "untrusted certificate: said so, with what to do: $(cat "$TMP/a0.err")" test "$(head -n 1 "$TMP/a0.err")" = \
    "credtriage sync: cannot fetch from 'origin': the HTTPS certificate of localhost:$HTTPS_PORT is not trusted: it is not signed by this machine's CAs, or it is not issued for that name, or it has expired; the connection was refused and nothing was sent. Check it with the server's administrator (openssl s_client -connect localhost:$HTTPS_PORT -showcerts); if the server uses your organisation's CA, name that CA's file in git's config (git config --global http.sslCAInfo FILE) or in SSL_CERT_FILE: credtriage reads the same settings as git"
check "untrusted certificate: no request reached git http-backend" test ! -s "$TMP/httpdtls/access.log" -o \
    "$(grep -c '/git/tls.git' "$TMP/httpdtls/access.log")" -eq 0
check "untrusted certificate: the password was not rejected from the helper" test -s "$HA/.git-credentials"

# --- A trusts the CA through git's http.sslCAInfo: pushed ------------------------------------------------
HOME=$HA git config --global http.sslCAInfo "$TMP/tls/ca.pem"
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >"$TMP/a1.out" 2>"$TMP/a1.err"
check "A's sync over HTTPS exits 0: $(cat "$TMP/a1.err")" test $? -eq 0
check "A pushed the seed and the ack: $(cat "$TMP/a1.out")" test "$(cut -d' ' -f2- "$TMP/a1.out")" = "sync: fetched 0, rebased 0, pushed 2"
BR=$(git -C "$RA" symbolic-ref --short HEAD)
check "the server has A's branch" test "$(git -C "$TMP/srv/tls.git" rev-parse "$BR" 2>/dev/null)" = "$(git -C "$RA" rev-parse HEAD)"

# --- B trusts it through SSL_CERT_FILE; A's ack seen after B's sync, A the author -------------------------
HB=$(home b)
RB="$TMP/rb"
git clone -q "$TMP/srv/tls.git" "$RB" 2>/dev/null
git -C "$RB" remote set-url origin "$URL"
HOME=$HA "$BIN" ack "$X" --note "expected rotation" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >"$TMP/a2.out" 2>"$TMP/a2.err"
check "A pushed 1: $(cat "$TMP/a2.out") $(cat "$TMP/a2.err")" test "$(cut -d' ' -f2- "$TMP/a2.out")" = "sync: fetched 0, rebased 0, pushed 1"
check "before B's sync, B sees X open" test "$(team_status "$RB" "$X" "$HB")" = open
SSL_CERT_FILE="$TMP/tls/ca.pem" HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/b1.out" 2>"$TMP/b1.err"
check "B's sync over HTTPS exits 0: $(cat "$TMP/b1.err")" test $? -eq 0
check "B fetched 1: $(cat "$TMP/b1.out")" test "$(cut -d' ' -f2- "$TMP/b1.out")" = "sync: fetched 1, rebased 0, pushed 0"
check "after B's sync, B sees X acknowledged" test "$(team_status "$RB" "$X" "$HB")" = acknowledged
check "on the server, A is the author of X's ack" test "$(git -C "$TMP/srv/tls.git" log -1 --format='%an <%ae>|%s' "$BR" | cut -c1-38)" = "$A|ack:"

# --- by address: an IP subjectAltName matches the address exactly (RFC 6125) ---------------------------
# libgit2's mbedTLS 2.28 matches DNS names only; credtriage checks an address itself
for addr in 127.0.0.1 '[::1]'; do
    printf 'https://alice:%s@%s:%s\n' "$HTTP_PASS" "$addr" "$HTTPS_PORT" >> "$HB/.git-credentials"
done
git -C "$RB" remote set-url origin "https://127.0.0.1:$HTTPS_PORT/git/tls.git"
HOME=$HA "$BIN" reopen "$X" --note "again" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >/dev/null 2>&1
SSL_CERT_FILE="$TMP/tls/ca.pem" HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/b2.out" 2>"$TMP/b2.err"
check "https://127.0.0.1, the certificate has IP:127.0.0.1: exit 0: $(cat "$TMP/b2.err")" test $? -eq 0
check "https://127.0.0.1: fetched 1: $(cat "$TMP/b2.out")" test "$(cut -d' ' -f2- "$TMP/b2.out")" = "sync: fetched 1, rebased 0, pushed 0"
check "after it, B sees X open again" test "$(team_status "$RB" "$X" "$HB")" = open
git -C "$RB" remote set-url origin "https://[::1]:$HTTPS_PORT/git/tls.git"
HOME=$HA "$BIN" ack "$X" --note "rotation, checked" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >/dev/null 2>&1
SSL_CERT_FILE="$TMP/tls/ca.pem" HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/b3.out" 2>"$TMP/b3.err"
check "https://[::1], the certificate has IP:::1: exit 0: $(cat "$TMP/b3.err")" test $? -eq 0
check "https://[::1]: fetched 1: $(cat "$TMP/b3.out")" test "$(cut -d' ' -f2- "$TMP/b3.out")" = "sync: fetched 1, rebased 0, pushed 0"
check "after it, B sees X acknowledged" test "$(team_status "$RB" "$X" "$HB")" = acknowledged

# certificates that must not be accepted for an address, served by openssl s_server
refused() { # name, address as in a URL, expected first line (with PORT for the port)
    git -C "$RB" remote set-url origin "https://$2:$TLS_PORT/git/tls.git"
    before=$(git -C "$RB" rev-parse "refs/remotes/origin/$BR")
    SSL_CERT_FILE="$TMP/tls/ca.pem" HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/$1.out" 2>"$TMP/$1.err"
    rc=$?
    check "$1: exit 4, not $rc" test $rc -eq 4
    check "$1: refused: $(cat "$TMP/$1.err")" test "$(head -n 1 "$TMP/$1.err")" = "$(echo "$3" | sed "s/PORT/$TLS_PORT/g")"
    check "$1: nothing fetched" test "$(git -C "$RB" rev-parse "refs/remotes/origin/$BR")" = "$before"
}
SIGNED="signed by the CAs of SSL_CERT_FILE ($TMP/tls/ca.pem) but not issued for the address"
WHY="and an address matches only an IP address in the certificate's subjectAltName (RFC 6125), never a DNS name or the common name; the connection was refused and nothing was sent. Connect with a name the certificate has, or ask the server's administrator for a certificate with"
# the address written as a DNS name: mbedTLS alone accepts it
team_tls_cert dnsname /CN=127.0.0.1 'DNS:127.0.0.1' && team_tls_serve dnsname 127.0.0.1 || exit 1
refused dnsname 127.0.0.1 "credtriage sync: cannot fetch from 'origin': the HTTPS certificate of 127.0.0.1:PORT is $SIGNED 127.0.0.1: it names DNS:127.0.0.1, $WHY IP:127.0.0.1"
# the address as the common name, no subjectAltName: mbedTLS alone accepts it
team_tls_cert cn /CN=127.0.0.1 '' && team_tls_serve cn 127.0.0.1 || exit 1
refused cn 127.0.0.1 "credtriage sync: cannot fetch from 'origin': the HTTPS certificate of 127.0.0.1:PORT is $SIGNED 127.0.0.1: it names no subjectAltName, CN 127.0.0.1, $WHY IP:127.0.0.1"
# another address, and the name localhost (which resolves here): not this address
team_tls_cert other /CN=localhost 'DNS:localhost, IP:127.0.0.2' && team_tls_serve other 127.0.0.1 || exit 1
refused other 127.0.0.1 "credtriage sync: cannot fetch from 'origin': the HTTPS certificate of 127.0.0.1:PORT is $SIGNED 127.0.0.1: it names DNS:localhost, IP:127.0.0.2, $WHY IP:127.0.0.1"
# IPv6: ::1 is not ::2, nor 127.0.0.1
team_tls_cert v6 /CN=localhost 'IP:127.0.0.1, IP:::2' && team_tls_serve v6 '[::1]' || exit 1
refused v6 '[::1]' "credtriage sync: cannot fetch from 'origin': the HTTPS certificate of [::1]:PORT is $SIGNED ::1: it names IP:127.0.0.1, IP:::2, $WHY IP:::1"
# the right address, but signed by nobody trusted: the chain is still checked
team_tls_cert self /CN=127.0.0.1 'IP:127.0.0.1' self && team_tls_serve self 127.0.0.1 || exit 1
refused self 127.0.0.1 "credtriage sync: cannot fetch from 'origin': the HTTPS certificate of 127.0.0.1:PORT is not trusted: it is not signed by the CAs of SSL_CERT_FILE ($TMP/tls/ca.pem), or it is not issued for that name, or it has expired; the connection was refused and nothing was sent. Check it with the server's administrator (openssl s_client -connect 127.0.0.1:PORT -showcerts); if the server uses your organisation's CA, name that CA's file in git's config (git config --global http.sslCAInfo FILE) or in SSL_CERT_FILE: credtriage reads the same settings as git"
# a CA file that is not there is named
git -C "$RB" remote set-url origin "$URL"
GIT_SSL_CAINFO="$TMP/tls/missing.pem" HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/b4.out" 2>"$TMP/b4.err"
check "a missing CA file: exit 4" test $? -eq 4
check "a missing CA file: named: $(cat "$TMP/b4.err")" test "$(head -n 1 "$TMP/b4.err")" = \
    "credtriage sync: cannot use the CA certificates of GIT_SSL_CAINFO: $TMP/tls/missing.pem cannot be read"
# lighttpd writes its access log when it stops: the pushes were alice's, authenticated
team_stop
check "every push that the server took was authenticated as alice" test \
    "$(grep '"POST /git/tls.git/git-receive-pack HTTP/1.1" 200' "$TMP/httpdtls/access.log" | cut -d' ' -f3 | sort | uniq -c | tr -s ' ')" = " 4 alice"
exit $fail
