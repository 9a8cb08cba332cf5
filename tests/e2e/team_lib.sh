# Sourced by tests/e2e/team*.sh: what every team test shares, and real git
# servers on 127.0.0.1 only, started and stopped by the test. Needs $TMP and
# $BIN. Every process started here is killed by team_stop (call it from the
# caller's trap).
#   team_need SCRIPT CMD...  exits 1 naming the first CMD missing
#   team_env         git without the system config or a terminal prompt, and
#                    none of the caller's identity, agent, askpass or CAs
#   A, B, F          the two analysts and the log file decided on; fail: 0
#   check DESC CMD...  runs CMD; if it fails, prints "FAIL: DESC" and sets fail=1
#                    (the script ends with exit $fail)
#   team_home NAME   a fresh HOME $TMP/NAME with a private ~/.ssh; prints it
#   team_status REPO ID HOME   the status of alert ID in REPO, as HOME sees it
#   team_alert N     the Nth "Entra ID Application Credential Added" alert of $F
#                    (scanned once, with a scratch HOME, into $TMP/scan.json)
#   team_sshd        sshd (openssh-server) on a free high port with a test host
#                    key; sets SSH_PORT, SSH_HOSTKEY_PUB; authorized keys in
#                    $TMP/sshd/authorized_keys (team_authorize FILE.pub)
#   team_httpd       lighttpd in front of git http-backend with basic auth
#                    (user alice, password $HTTP_PASS); sets HTTP_PORT
#   team_httpd tls   the same over HTTPS (mod_openssl), on 127.0.0.1 and [::1],
#                    with a certificate for localhost, 127.0.0.1 and ::1 signed
#                    by a test CA made now (team_tls_certs): $TMP/tls/ca.pem;
#                    sets HTTPS_PORT
#   team_tls_cert, team_tls_serve   other certificates, served by openssl s_server
#   team_bare NAME   a bare repo served by both: $TMP/srv/NAME.git
TEAM_PIDS=""
HTTP_PASS=s3cret-Pw
A='Alice Analyst <alice@example.com>'
B='Bob Builder <bob@example.com>'
F=samples/entra-audit.ndjson
. tests/e2e/e2e_lib.sh # check, fail
team_need() { e2e_need "$@"; }

team_env() {
    export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
    unset CREDTRIAGE_REPO GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL \
        SSH_AUTH_SOCK GIT_ASKPASS SSH_ASKPASS SSL_CERT_FILE SSL_CERT_DIR GIT_SSL_CAINFO GIT_SSL_CAPATH
}

team_home() { # name
    mkdir -p "$TMP/$1/.ssh"
    chmod 700 "$TMP/$1/.ssh"
    echo "$TMP/$1"
}

team_status() { # repo, alert id, HOME
    HOME=$3 "$BIN" scan --json --all "$F" --repo "$1" 2>/dev/null | jq -r --arg i "$2" 'select(.id == $i) | .status'
}

team_alert() { # n
    if [ ! -s "$TMP/scan.json" ]; then
        HOME=$(team_home scratch) "$BIN" scan --json "$F" >"$TMP/scan.json" 2>/dev/null || return 1
    fi
    jq -r 'select(.rule_name == "Entra ID Application Credential Added") | .id' "$TMP/scan.json" | sed -n "$1p"
}

team_stop() {
    for p in $TEAM_PIDS; do kill "$p" 2>/dev/null; done
    for p in $TEAM_PIDS; do
        n=0
        while kill -0 "$p" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    TEAM_PIDS=""
}

# a port nobody listens on yet (tried by the server itself: it fails to bind otherwise)
team_port() { # base
    echo $(( $1 + ($$ + $(date +%N | sed 's/^0*//;s/^$/0/')) % 4000 ))
}

team_sshd() {
    SSHD=$(command -v sshd || echo /usr/sbin/sshd)
    [ -x "$SSHD" ] || { echo "team_lib: sshd (openssh-server) is required" >&2; return 1; }
    mkdir -p "$TMP/sshd"
    [ "$(id -u)" = 0 ] && mkdir -p /run/sshd
    ssh-keygen -q -t ed25519 -N '' -C test-host -f "$TMP/sshd/host_ed25519" || return 1
    SSH_HOSTKEY_PUB=$(cut -d' ' -f1,2 "$TMP/sshd/host_ed25519.pub")
    : > "$TMP/sshd/authorized_keys"
    chmod 600 "$TMP/sshd/authorized_keys"
    tries=0
    while [ $tries -lt 5 ]; do
        SSH_PORT=$(team_port 42000)
        cat > "$TMP/sshd/config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $TMP/sshd/host_ed25519
PidFile $TMP/sshd/pid
AuthorizedKeysFile $TMP/sshd/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PrintMotd no
LogLevel VERBOSE
CFG
        "$SSHD" -D -e -f "$TMP/sshd/config" 2>>"$TMP/sshd/log" &
        pid=$!
        TEAM_PIDS="$TEAM_PIDS $pid"
        n=0
        while [ $n -lt 50 ]; do
            kill -0 "$pid" 2>/dev/null || break
            if ssh-keyscan -T 1 -p "$SSH_PORT" 127.0.0.1 2>/dev/null | grep -q ssh-ed25519; then return 0; fi
            sleep 0.1
            n=$((n + 1))
        done
        kill "$pid" 2>/dev/null
        tries=$((tries + 1))
    done
    echo "team_lib: sshd did not start; its log:" >&2
    tail -n 20 "$TMP/sshd/log" >&2
    return 1
}

team_authorize() { cat "$1" >> "$TMP/sshd/authorized_keys"; }

# known_hosts line for the test server
team_known_host() { echo "[127.0.0.1]:$SSH_PORT $SSH_HOSTKEY_PUB"; }

# a test CA and the server's certificate it signs, made now: for the name
# localhost and the addresses 127.0.0.1 and ::1 (IP subjectAltNames, matched by
# credtriage itself: libgit2's mbedTLS 2.28 matches DNS names only)
team_tls_certs() {
    command -v openssl >/dev/null || { echo "team_lib: openssl is required" >&2; return 1; }
    mkdir -p "$TMP/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=credtriage test CA" \
        -keyout "$TMP/tls/ca.key" -out "$TMP/tls/ca.pem" 2>/dev/null || return 1
    team_tls_cert server /CN=localhost 'DNS:localhost, IP:127.0.0.1, IP:::1'
}

# team_tls_cert NAME SUBJECT SAN [self]: $TMP/tls/NAME.pem/.key signed by the
# test CA (self: self-signed); SAN empty: no subjectAltName at all
team_tls_cert() {
    printf 'extendedKeyUsage=serverAuth\n' > "$TMP/tls/$1.ext"
    [ -n "$3" ] && printf 'subjectAltName=%s\n' "$3" >> "$TMP/tls/$1.ext"
    if [ "${4:-}" = self ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "$2" -keyout "$TMP/tls/$1.key" \
            -out "$TMP/tls/$1.pem" -extensions v3 -config /dev/stdin 2>/dev/null <<CNF || return 1
[req]
distinguished_name = dn
[dn]
[v3]
$(cat "$TMP/tls/$1.ext")
CNF
        return 0
    fi
    openssl req -newkey rsa:2048 -nodes -subj "$2" \
        -keyout "$TMP/tls/$1.key" -out "$TMP/tls/$1.csr" 2>/dev/null || return 1
    openssl x509 -req -in "$TMP/tls/$1.csr" -CA "$TMP/tls/ca.pem" -CAkey "$TMP/tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$TMP/tls/$1.ext" -out "$TMP/tls/$1.pem" 2>/dev/null
}

# team_tls_serve NAME ADDR: openssl s_server with $TMP/tls/NAME.pem on ADDR
# (127.0.0.1 or [::1]) and a free port: TLS_PORT. Enough for a certificate
# check (it speaks no git).
team_tls_serve() {
    tries=0
    while [ $tries -lt 5 ]; do
        port=$(team_port 50000)
        : > "$TMP/tls/$1.$port.out"
        openssl s_server -www -accept "$2:$port" -cert "$TMP/tls/$1.pem" -key "$TMP/tls/$1.key" \
            >"$TMP/tls/$1.$port.out" 2>&1 </dev/null &
        pid=$!
        TEAM_PIDS="$TEAM_PIDS $pid"
        n=0
        while [ $n -lt 50 ] && kill -0 "$pid" 2>/dev/null; do
            if grep -q '^ACCEPT' "$TMP/tls/$1.$port.out"; then TLS_PORT=$port; return 0; fi
            sleep 0.1
            n=$((n + 1))
        done
        kill "$pid" 2>/dev/null
        tries=$((tries + 1))
    done
    echo "team_lib: openssl s_server did not start on $2" >&2
    return 1
}

team_httpd() { # [tls]
    LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
    [ -x "$LIGHTTPD" ] || { echo "team_lib: lighttpd is required" >&2; return 1; }
    BACKEND=$(git --exec-path)/git-http-backend
    tls=${1:-}
    d="$TMP/httpd$tls"
    mkdir -p "$d/www" "$TMP/srv"
    echo "alice:$HTTP_PASS" > "$d/users"
    mods='"mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi", "mod_accesslog"'
    scheme=http host=127.0.0.1
    if [ -n "$tls" ]; then
        [ -e /usr/lib/lighttpd/mod_openssl.so ] || { echo "team_lib: lighttpd-mod-openssl is required" >&2; return 1; }
        team_tls_certs || { echo "team_lib: cannot make the test certificates" >&2; return 1; }
        mods="$mods, \"mod_openssl\""
        scheme=https host=localhost
    fi
    tries=0
    while [ $tries -lt 5 ]; do
        port=$(team_port 46000)
        cat > "$d/lighttpd.conf" <<CFG
server.modules = ($mods)
server.document-root = "$d/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$d/error.log"
accesslog.filename = "$d/access.log"
alias.url = ("/git" => "$BACKEND")
auth.backend = "plain"
auth.backend.plain.userfile = "$d/users"
auth.require = ("/git" => ("method" => "basic", "realm" => "credtriage test", "require" => "valid-user"))
\$HTTP["url"] =~ "^/git" {
    cgi.assign = ("" => "")
    setenv.add-environment = ("GIT_PROJECT_ROOT" => "$TMP/srv", "GIT_HTTP_EXPORT_ALL" => "")
}
CFG
        [ -n "$tls" ] && cat >> "$d/lighttpd.conf" <<CFG
ssl.engine = "enable"
ssl.pemfile = "$TMP/tls/server.pem"
ssl.privkey = "$TMP/tls/server.key"
\$SERVER["socket"] == "[::1]:$port" {
    ssl.engine = "enable"
    ssl.pemfile = "$TMP/tls/server.pem"
    ssl.privkey = "$TMP/tls/server.key"
}
CFG
        "$LIGHTTPD" -D -f "$d/lighttpd.conf" 2>>"$d/stderr" &
        pid=$!
        TEAM_PIDS="$TEAM_PIDS $pid"
        n=0
        while [ $n -lt 50 ]; do
            kill -0 "$pid" 2>/dev/null || break
            if git -c credential.helper= -c http.sslCAInfo="$TMP/tls/ca.pem" ls-remote "$scheme://alice:$HTTP_PASS@$host:$port/git/probe.git" >/dev/null 2>&1 ||
               grep -q "probe.git" "$d/access.log" 2>/dev/null; then
                if [ -n "$tls" ]; then HTTPS_PORT=$port; else HTTP_PORT=$port; fi
                return 0
            fi
            sleep 0.1
            n=$((n + 1))
        done
        kill "$pid" 2>/dev/null
        tries=$((tries + 1))
    done
    echo "team_lib: lighttpd did not start; its log:" >&2
    tail -n 20 "$d/error.log" "$d/stderr" >&2
    return 1
}

team_bare() {
    mkdir -p "$TMP/srv"
    git init -q --bare "$TMP/srv/$1.git"
    git -C "$TMP/srv/$1.git" config http.receivepack true
}
