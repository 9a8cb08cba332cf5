/* gitstore: reaching a remote the way git does, with what the analyst already
 * has. SSH: the ssh-agent (SSH_AUTH_SOCK), then the default keys in ~/.ssh;
 * the server's host key checked against ~/.ssh/known_hosts (libssh2's
 * known-hosts reader: hashed names and [host]:port entries as OpenSSH writes
 * them), an unknown or changed key refused. HTTP(S): git's own credential
 * helpers through `git credential fill`, then approve or reject, so no token
 * lives in credtriage's config. Failures are explained (ct_repo__remote_error). */
#include "gitstore_int.h"

#include <libssh2.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc.h"
#include "sanitize.h"

/* ---- state -------------------------------------------------------------------- */

int ct_repo__cred_init(ct_repo__cred *c, ct_repo *r, const char *url, ct_sbuf *err)
{
    memset(c, 0, sizeof *c);
    c->r = r;
    c->url = ct_xstrdup(url);
    ct_sbuf_init(&c->tried);
    ct_sbuf_init(&c->why);
    ct_sbuf_init(&c->remote_says);
    ct_sbuf_init(&c->ca);
    if (ct_repo_url_parse(url, &c->u) < 0) memset(&c->u, 0, sizeof c->u);
    if (ct_repo__url_resolve(url, &c->u, &c->ssh, &c->conn_url, err) < 0) {
        ct_sbuf_add(err, " (the ssh configuration, read for the remote's host)");
        c->conn_url = ct_xstrdup(url);
        return -1;
    }
    return 0;
}

static void cred_clear_http(ct_repo__cred *c)
{
    if (c->h_pass) memset(c->h_pass, 0, strlen(c->h_pass));
    free(c->h_user), free(c->h_pass);
    c->h_user = c->h_pass = NULL;
}

void ct_repo__cred_free(ct_repo__cred *c)
{
    cred_clear_http(c);
    ct_repo_url_free(&c->u);
    ct_ssh_host_free(&c->ssh);
    free(c->url);
    free(c->conn_url);
    ct_sbuf_free(&c->tried);
    ct_sbuf_free(&c->why);
    ct_sbuf_free(&c->remote_says);
    ct_sbuf_free(&c->ca);
    free(c->ca_file);
    free(c->ca_dir);
}

void ct_repo__cred_begin(ct_repo__cred *c)
{
    c->attempt = 0;
    c->refused = 0;
    c->tried.len = 0;
    c->tried.buf[0] = 0;
    c->why.len = 0;
    c->why.buf[0] = 0;
    c->remote_says.len = 0;
    c->remote_says.buf[0] = 0;
}

/* ~/rel (ct_home_dir); NULL when there is no home directory, the reason in err */
static char *home_path(const char *rel, ct_sbuf *err)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    char *s = NULL;
    if (ct_home_dir(&b, err) == 0) {
        ct_sbuf_addf(&b, "/%s", rel);
        s = ct_sbuf_detach(&b);
    }
    ct_sbuf_free(&b); /* detach leaves a fresh buffer behind */
    return s;
}

static const char *local_user(void)
{
    const char *u = getenv("USER");
    if (u && *u) return u;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "git";
}

/* "host" or "[host]:port", as known_hosts and ssh-keygen -R name it */
static void host_label(const ct_repo__cred *c, const char *host, ct_sbuf *out)
{
    if (c->u.port > 0 && c->u.port != 22) ct_sbuf_addf(out, "[%s]:%d", host, c->u.port);
    else ct_sbuf_add(out, host);
}

/* ---- host keys ------------------------------------------------------------- */

static void b64(const unsigned char *p, size_t n, int pad, ct_sbuf *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        ct_sbuf_addc(out, t[v >> 18 & 63]);
        ct_sbuf_addc(out, t[v >> 12 & 63]);
        if (i + 1 < n) ct_sbuf_addc(out, t[v >> 6 & 63]);
        else if (pad) ct_sbuf_addc(out, '=');
        if (i + 2 < n) ct_sbuf_addc(out, t[v & 63]);
        else if (pad) ct_sbuf_addc(out, '=');
    }
}

static const struct { git_cert_ssh_raw_type_t git; int kh; const char *name; } key_types[] = {
    {GIT_CERT_SSH_RAW_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "RSA"},
    {GIT_CERT_SSH_RAW_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "DSA"},
    {GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ECDSA"},
    {GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ECDSA"},
    {GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ECDSA"},
    {GIT_CERT_SSH_RAW_TYPE_KEY_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ED25519"},
};

/* LIBSSH2_KNOWNHOST_CHECK_* of the key against one known_hosts file (a
 * missing file knows nothing). */
static int check_file(const char *file, const char *host, int port, const git_cert_hostkey *hk,
                      int kh_type)
{
    if (access(file, F_OK) < 0) return LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
    LIBSSH2_SESSION *s = libssh2_session_init();
    if (!s) return LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(s);
    int rc = LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    if (kh && libssh2_knownhost_readfile(kh, file, LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0) {
        struct libssh2_knownhost *e = NULL;
        rc = libssh2_knownhost_checkp(kh, host, port > 0 ? port : 22, hk->hostkey, hk->hostkey_len,
                                      LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | kh_type,
                                      &e);
    }
    if (kh) libssh2_knownhost_free(kh);
    libssh2_session_free(s);
    return rc;
}

/* ---- TLS: the CAs trusted, and an untrusted certificate refused -------------- */

/* git's settings, in git's order: GIT_SSL_CAINFO, http.sslCAInfo, then
 * OpenSSL's SSL_CERT_FILE (the CA directory likewise); none: the system's */
int ct_repo__tls_setup(ct_repo__cred *c, ct_sbuf *err)
{
    if (!c->u.scheme || strcmp(c->u.scheme, "https")) return 0;
    char *file = NULL, *dir = NULL;
    const char *src_file = NULL, *src_dir = NULL;
    git_config *cfg = NULL;
    if (git_repository_config_snapshot(&cfg, c->r->repo) < 0) return ct_repo__giterr(err, "cannot read git config");
    static const struct { const char *env, *key, *env2; } where[2] = {
        {"GIT_SSL_CAINFO", "http.sslCAInfo", "SSL_CERT_FILE"}, {"GIT_SSL_CAPATH", "http.sslCAPath", "SSL_CERT_DIR"}};
    for (int k = 0; k < 2; k++) {
        char **out = k ? &dir : &file;
        const char **src = k ? &src_dir : &src_file;
        git_buf b = {0};
        const char *e = getenv(where[k].env);
        if (e && *e) *out = ct_xstrdup(e), *src = where[k].env;
        else if (git_config_get_path(&b, cfg, where[k].key) == 0 && b.ptr && *b.ptr) *out = ct_xstrdup(b.ptr), *src = where[k].key;
        else if ((e = getenv(where[k].env2)) && *e) *out = ct_xstrdup(e), *src = where[k].env2;
        git_buf_dispose(&b);
    }
    git_config_free(cfg);
    int rc = 0;
    if (file && access(file, R_OK) < 0) {
        ct_sbuf_addf(err, "cannot use the CA certificates of %s: %s cannot be read", src_file, file);
        rc = -1;
    } else if (dir && access(dir, R_OK | X_OK) < 0) {
        ct_sbuf_addf(err, "cannot use the CA directory of %s: %s cannot be read", src_dir, dir);
        rc = -1;
    } else if ((file || dir) && git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir) < 0) {
        rc = ct_repo__giterr(err, "cannot load the CA certificates of %s", file ? src_file : src_dir);
    }
    ct_sbuf_reset(&c->ca);
    if (file || dir) ct_sbuf_addf(&c->ca, "the CAs of %s (%s)", file ? src_file : src_dir, file ? file : dir);
    else ct_sbuf_add(&c->ca, "this machine's CAs");
    free(c->ca_file);
    free(c->ca_dir);
    c->ca_file = file;
    c->ca_dir = dir;
    return rc;
}

/* host[:port] as the analyst would write it: an IPv6 address in brackets */
static void tls_where(const ct_repo__cred *c, const char *host, ct_sbuf *where)
{
    unsigned char ip[16];
    char canon[64];
    int len = ct_repo__tls_host_ip(host, ip, canon);
    if (len == 16) ct_sbuf_addf(where, "[%s]", canon);
    else if (len == 4) ct_sbuf_add(where, canon);
    else ct_san_line(host, 0, where);
    if (c->u.port > 0) ct_sbuf_addf(where, ":%d", c->u.port);
}

static int tls_refused(ct_repo__cred *c, const char *host)
{
    ct_sbuf where;
    ct_sbuf_init(&where);
    tls_where(c, host, &where);
    c->refused = 1;
    ct_sbuf_addf(&c->why,
                 "the HTTPS certificate of %s is not trusted: it is not signed by %s, or it is not "
                 "issued for that name, or it has expired; the connection was refused and nothing "
                 "was sent. Check it with the server's administrator (openssl s_client -connect %s "
                 "-showcerts); if the server uses your organisation's CA, name that CA's file in "
                 "git's config (git config --global http.sslCAInfo FILE) or in SSL_CERT_FILE: "
                 "credtriage reads the same settings as git",
                 where.buf, c->ca.len ? c->ca.buf : "this machine's CAs", where.buf);
    ct_sbuf_free(&where);
    git_error_set_str(GIT_ERROR_SSL, c->why.buf);
    return GIT_ECERTIFICATE;
}

/* a trusted certificate, reached by an address it does not name */
static int tls_refused_ip(ct_repo__cred *c, const char *host, const char *names)
{
    char canon[64];
    unsigned char ip[16];
    ct_repo__tls_host_ip(host, ip, canon);
    ct_sbuf where;
    ct_sbuf_init(&where);
    tls_where(c, host, &where);
    c->refused = 1;
    ct_sbuf_addf(&c->why,
                 "the HTTPS certificate of %s is signed by %s but not issued for the address %s: it "
                 "names %s, and an address matches only an IP address in the certificate's "
                 "subjectAltName (RFC 6125), never a DNS name or the common name; the connection was "
                 "refused and nothing was sent. Connect with a name the certificate has, or ask the "
                 "server's administrator for a certificate with IP:%s",
                 where.buf, c->ca.len ? c->ca.buf : "this machine's CAs", canon, names, canon);
    ct_sbuf_free(&where);
    git_error_set_str(GIT_ERROR_SSL, c->why.buf);
    return GIT_ECERTIFICATE;
}

static int cert_cb(git_cert *cert, int valid, const char *host, void *payload)
{
    ct_repo__cred *c = payload;
    if (cert->cert_type == GIT_CERT_X509) {
        unsigned char ip[16];
        if (!ct_repo__tls_host_ip(host, ip, NULL)) return valid ? 0 : tls_refused(c, host);
        const git_cert_x509 *x = (const git_cert_x509 *)cert;
        ct_sbuf names;
        ct_sbuf_init(&names);
        int v = ct_repo__tls_check_ip(x->data, x->len, host, valid, c->ca_file, c->ca_dir, &names);
        int rc = v == 1 ? 0 : v == 0 ? tls_refused_ip(c, host, names.buf) : tls_refused(c, host);
        ct_sbuf_free(&names);
        return rc;
    }
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return valid ? 0 : GIT_PASSTHROUGH;
    const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
    ct_sbuf label, fp;
    ct_sbuf_init(&label);
    ct_sbuf_init(&fp);
    ct_sbuf safe_host;
    ct_sbuf_init(&safe_host);
    ct_san_line(host, 0, &safe_host);
    host_label(c, safe_host.buf, &label);
    const char *kname = "unknown";
    int kh_type = 0;
    if (hk->type & GIT_CERT_SSH_RAW)
        for (size_t i = 0; i < CT_ARRAY_LEN(key_types); i++)
            if (key_types[i].git == hk->raw_type) kname = key_types[i].name, kh_type = key_types[i].kh;
    if (hk->type & GIT_CERT_SSH_SHA256) {
        ct_sbuf_add(&fp, "SHA256:");
        b64(hk->hash_sha256, 32, 0, &fp);
    }
    int verdict = LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    ct_sbuf no_home;
    ct_sbuf_init(&no_home);
    char *user_kh = c->ssh.known_hosts ? ct_xstrdup(c->ssh.known_hosts) : home_path(".ssh/known_hosts", &no_home);
    if (kh_type && user_kh) {
        verdict = check_file(user_kh, host, c->u.port, hk, kh_type);
        if (verdict == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND)
            verdict = check_file("/etc/ssh/ssh_known_hosts", host, c->u.port, hk, kh_type);
    }
    int rc = 0;
    c->refused = 1;
    if (!user_kh) {
        ct_sbuf_addf(&c->why,
                     "cannot check the SSH host key of %s against ~/.ssh/known_hosts: %s; the "
                     "connection was refused",
                     label.buf, no_home.buf);
    } else if (verdict == LIBSSH2_KNOWNHOST_CHECK_MATCH) {
        c->refused = 0;
    } else if (verdict == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
        ct_sbuf_addf(&c->why,
                     "the SSH host key of %s has CHANGED: the server offered %s key %s, which is not "
                     "the key %s has for it. Someone may be intercepting the connection, or the "
                     "server's key was replaced; nothing was sent or fetched. Ask the server's "
                     "administrator for its key fingerprint; if the change is expected, remove the "
                     "old key (ssh-keygen -R '%s') and add the new one (ssh -p %d %s once, or "
                     "ssh-keyscan)",
                     label.buf, kname, fp.len ? fp.buf : "(no fingerprint)", user_kh, label.buf,
                     c->u.port > 0 ? c->u.port : 22, safe_host.buf);
    } else if (verdict == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND) {
        ct_sbuf_addf(&c->why,
                     "the SSH host key of %s is unknown: %s has no key for it (the server offered "
                     "%s key %s), so the connection was refused and nothing was fetched. Check that "
                     "fingerprint with the server's administrator, then add the key to "
                     "known_hosts: connect once with ssh -p %d %s and accept it, or "
                     "ssh-keyscan -p %d %s >> ~/.ssh/known_hosts",
                     label.buf, user_kh, kname, fp.len ? fp.buf : "(no fingerprint)",
                     c->u.port > 0 ? c->u.port : 22, safe_host.buf, c->u.port > 0 ? c->u.port : 22,
                     safe_host.buf);
    } else {
        ct_sbuf_addf(&c->why,
                     "cannot check the SSH host key of %s (%s key %s) against %s: the file cannot "
                     "be read or the key type is not supported; the connection was refused",
                     label.buf, kname, fp.len ? fp.buf : "(no fingerprint)", user_kh);
    }
    if (c->refused) {
        git_error_set_str(GIT_ERROR_SSH, c->why.buf);
        rc = GIT_ECERTIFICATE;
    }
    free(user_kh);
    ct_sbuf_free(&no_home);
    ct_sbuf_free(&label);
    ct_sbuf_free(&fp);
    ct_sbuf_free(&safe_host);
    return rc;
}

/* ---- SSH credentials ---------------------------------------------------------- */

static int b64_val(int ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* A private key libssh2 could only open with a passphrase we do not have:
 * PEM "ENCRYPTED", or an openssh-key-v1 whose cipher is not "none". Trying it
 * would abort the connection instead of moving on to the next key. */
static int key_encrypted(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    if (ct_read_file(path, &data, &len) < 0) return 1;
    int enc = strstr(data, "ENCRYPTED") != NULL;
    const char *p = strstr(data, "-----BEGIN OPENSSH PRIVATE KEY-----");
    if (!enc && p) {
        p = strchr(p, '\n');
        unsigned char raw[64];
        size_t n = 0;
        unsigned v = 0;
        int bits = 0;
        for (; p && *p && n < sizeof raw; p++) {
            int d = b64_val((unsigned char)*p);
            if (d < 0) continue;
            v = v << 6 | (unsigned)d;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                raw[n++] = (unsigned char)(v >> bits & 0xff);
            }
        }
        /* "openssh-key-v1\0", then uint32 length + cipher name */
        if (n >= 19 && !memcmp(raw, "openssh-key-v1", 15)) {
            size_t cl = (size_t)raw[15] << 24 | (size_t)raw[16] << 16 | (size_t)raw[17] << 8 | raw[18];
            enc = !(cl == 4 && n >= 23 && !memcmp(raw + 19, "none", 4));
        }
    }
    free(data);
    return enc;
}

static void tried(ct_repo__cred *c, const char *what)
{
    ct_sbuf_addf(&c->tried, "%s%s", c->tried.len ? ", " : "", what);
}

/* a path as the analyst wrote it: $HOME shown as ~ */
static void tilde(const char *path, ct_sbuf *out)
{
    ct_sbuf home;
    ct_sbuf_init(&home);
    size_t hl = ct_home_dir(&home, NULL) == 0 ? home.len : 0;
    if (hl > 1 && !strncmp(path, home.buf, hl) && path[hl] == '/') ct_sbuf_addf(out, "~%s", path + hl);
    else ct_sbuf_add(out, path);
    ct_sbuf_free(&home);
}

/* The keys to offer, as ssh(1) offers them: the agent's (unless
 * IdentitiesOnly), then the IdentityFiles of the ssh configuration, or the
 * default keys when it names none. */
static int ssh_cred(ct_repo__cred *c, git_credential **out, const char *user)
{
    static const char *const keys[] = {".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/id_rsa"};
    size_t nkeys = c->ssh.nidentity ? c->ssh.nidentity : CT_ARRAY_LEN(keys);
    for (;;) {
        int step = c->attempt++;
        if (step == 0) {
            const char *sock = getenv("SSH_AUTH_SOCK");
            if (c->ssh.identities_only || !sock || !*sock || access(sock, F_OK) < 0) continue;
            tried(c, "the ssh-agent's keys");
            return git_credential_ssh_key_from_agent(out, user);
        }
        if ((size_t)step - 1 >= nkeys) break;
        /* no home directory: no default key to offer (the remote's ssh
         * configuration could not be read either, which is said first) */
        char *priv = c->ssh.nidentity ? ct_xstrdup(c->ssh.identity[step - 1]) : home_path(keys[step - 1], NULL);
        if (!priv || access(priv, R_OK) < 0) {
            free(priv);
            continue;
        }
        ct_sbuf pub, label;
        ct_sbuf_init(&pub);
        ct_sbuf_init(&label);
        ct_sbuf_addf(&pub, "%s.pub", priv);
        tilde(priv, &label);
        int rc = 1;
        if (key_encrypted(priv)) {
            ct_sbuf_add(&label, " (skipped: protected by a passphrase; add it to the agent with ssh-add)");
        } else {
            rc = git_credential_ssh_key_new(out, user, access(pub.buf, R_OK) == 0 ? pub.buf : NULL,
                                            priv, NULL);
        }
        tried(c, label.buf);
        ct_sbuf_free(&pub);
        ct_sbuf_free(&label);
        free(priv);
        if (rc <= 0) return rc;
    }
    c->auth_failed = 1;
    ct_sbuf_addf(&c->why, "SSH authentication as '%s' failed at %s", user, c->u.host ? c->u.host : c->url);
    if (c->tried.len) ct_sbuf_addf(&c->why, ": the server accepted none of %s", c->tried.buf);
    else if (c->ssh.nidentity) ct_sbuf_add(&c->why, ": none of the IdentityFiles that ~/.ssh/config names for it can be read");
    else ct_sbuf_add(&c->why, ": no ssh-agent (SSH_AUTH_SOCK) and no key in ~/.ssh (id_ed25519, id_ecdsa, id_rsa)");
    ct_sbuf_add(&c->why, ". Load your key into the agent (ssh-add), or ask the server's administrator to "
                         "add your public key");
    git_error_set_str(GIT_ERROR_SSH, c->why.buf);
    return GIT_EAUTH;
}

/* ---- HTTP credentials: git credential fill / approve / reject --------------- */

static void cred_request(const ct_repo__cred *c, ct_sbuf *in)
{
    /* git writes the host as in the URL: an IPv6 address in brackets */
    const char *h = c->u.host ? c->u.host : "";
    ct_sbuf_addf(in, "protocol=%s\n", c->u.scheme);
    ct_sbuf_addf(in, strchr(h, ':') ? "host=[%s]" : "host=%s", h);
    if (c->u.port > 0) ct_sbuf_addf(in, ":%d", c->u.port);
    ct_sbuf_addc(in, '\n');
    if (c->u.path && c->u.path[0] == '/' && c->u.path[1]) ct_sbuf_addf(in, "path=%s\n", c->u.path + 1);
}

static int run_git_credential(ct_repo__cred *c, const char *action, const char *in, ct_sbuf *out)
{
    const char *argv[] = {"git", "credential", action, NULL};
    const char *env[] = {"GIT_TERMINAL_PROMPT=0", NULL};
    ct_proc p = {argv, c->r->workdir, env, in, strlen(in)};
    ct_sbuf errout, err;
    ct_sbuf_init(&errout);
    ct_sbuf_init(&err);
    int status = -1;
    int rc = ct_proc_run(&p, out, &errout, &status, &err);
    ct_sbuf_free(&errout);
    ct_sbuf_free(&err);
    return rc == 0 && status == 0 ? 0 : -1;
}

static void cred_feedback(ct_repo__cred *c, const char *action)
{
    if (!c->h_user) return;
    ct_sbuf in;
    ct_sbuf_init(&in);
    cred_request(c, &in);
    ct_sbuf_addf(&in, "username=%s\npassword=%s\n\n", c->h_user, c->h_pass);
    run_git_credential(c, action, in.buf, NULL);
    memset(in.buf, 0, in.len);
    ct_sbuf_free(&in);
}

static int http_cred(ct_repo__cred *c, git_credential **out, const char *user_from_url)
{
    ct_sbuf where;
    ct_sbuf_init(&where);
    ct_sbuf_addf(&where, c->u.host && strchr(c->u.host, ':') ? "%s://[%s]" : "%s://%s", c->u.scheme,
                 c->u.host ? c->u.host : "?");
    if (c->u.port > 0) ct_sbuf_addf(&where, ":%d", c->u.port);
    if (c->attempt++ > 0 && c->h_user) { /* asked again: the server refused them */
        cred_feedback(c, "reject");
        c->auth_failed = 1;
        ct_sbuf_addf(&c->why, "the server %s refused the credentials of '%s' that git's credential "
                              "helper gave (HTTP 401); they were rejected from the helper (git "
                              "credential reject). Store the right ones in it, e.g. with a git fetch "
                              "that asks for them once, or git credential approve",
                     where.buf, c->h_user);
        cred_clear_http(c);
        ct_sbuf_free(&where);
        git_error_set_str(GIT_ERROR_HTTP, c->why.buf);
        return GIT_EAUTH;
    }
    if (!c->h_user) {
        ct_sbuf in, out_;
        ct_sbuf_init(&in);
        ct_sbuf_init(&out_);
        cred_request(c, &in);
        if (user_from_url && *user_from_url) ct_sbuf_addf(&in, "username=%s\n", user_from_url);
        ct_sbuf_addc(&in, '\n');
        if (run_git_credential(c, "fill", in.buf, &out_) == 0) {
            for (char *line = out_.buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
                nl = strchr(line, '\n');
                if (nl) *nl = 0;
                if (!strncmp(line, "username=", 9)) free(c->h_user), c->h_user = ct_xstrdup(line + 9);
                else if (!strncmp(line, "password=", 9)) free(c->h_pass), c->h_pass = ct_xstrdup(line + 9);
            }
        }
        memset(out_.buf, 0, out_.len);
        ct_sbuf_free(&in);
        ct_sbuf_free(&out_);
        if (!c->h_user || !c->h_pass) {
            cred_clear_http(c);
            c->auth_failed = 1;
            ct_sbuf_addf(&c->why, "the server %s asks for a user name and password, and git's "
                                  "credential helpers have none for it (git credential fill). Set "
                                  "one up (git config --global credential.helper store, or cache, "
                                  "or your platform's helper) and store them once, e.g. with a "
                                  "git fetch from that URL",
                         where.buf);
            ct_sbuf_free(&where);
            git_error_set_str(GIT_ERROR_HTTP, c->why.buf);
            return GIT_EAUTH;
        }
    }
    ct_sbuf_free(&where);
    return git_credential_userpass_plaintext_new(out, c->h_user, c->h_pass);
}

static int cred_cb(git_credential **out, const char *url, const char *user_from_url,
                   unsigned int allowed, void *payload)
{
    (void)url;
    ct_repo__cred *c = payload;
    if (allowed & GIT_CREDENTIAL_SSH_KEY)
        return ssh_cred(c, out, user_from_url && *user_from_url ? user_from_url : local_user());
    if (allowed & GIT_CREDENTIAL_USERNAME)
        return git_credential_username_new(out, user_from_url && *user_from_url ? user_from_url : local_user());
    if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) return http_cred(c, out, user_from_url);
    return GIT_PASSTHROUGH;
}

static int sideband_cb(const char *str, int len, void *payload)
{
    ct_repo__cred *c = payload;
    if (len > 0 && c->remote_says.len < 4096) ct_sbuf_addn(&c->remote_says, str, (size_t)len);
    return 0;
}

void ct_repo__cred_callbacks(ct_repo__cred *c, git_remote_callbacks *cb)
{
    cb->credentials = cred_cb;
    cb->certificate_check = cert_cb;
    cb->sideband_progress = sideband_cb;
    cb->payload = c;
}

void ct_repo__cred_done(ct_repo__cred *c, int ok)
{
    if (ok && c->h_user && !c->approved) {
        cred_feedback(c, "approve");
        c->approved = 1;
    }
}

/* What the server said on its side band ("remote: ..." lines), one line. */
void ct_repo__remote_says(const ct_repo__cred *c, ct_sbuf *out)
{
    ct_sbuf t;
    ct_sbuf_init(&t);
    for (const char *p = c->remote_says.buf; *p; p++) ct_sbuf_addc(&t, *p == '\n' || *p == '\r' ? ' ' : *p);
    ct_san_line(t.buf, 300, out);
    ct_sbuf_free(&t);
}

int ct_repo__remote_error(ct_repo__cred *c, const char *what, ct_sbuf *err)
{
    const git_error *e = git_error_last();
    ct_sbuf safe_url;
    ct_sbuf_init(&safe_url);
    ct_san_line(c->url, 200, &safe_url);
    if (c->conn_url && strcmp(c->conn_url, c->url)) { /* a Host alias: where it really went */
        ct_sbuf_add(&safe_url, ", which ~/.ssh/config makes ");
        ct_san_line(c->conn_url, 200, &safe_url);
    }
    if (c->refused || c->auth_failed) {
        ct_sbuf_addf(err, "cannot %s: %s", what, c->why.buf);
    } else if (e && (e->klass == GIT_ERROR_NET || e->klass == GIT_ERROR_OS ||
                     (e->klass == GIT_ERROR_SSH && (strstr(e->message, "connect") ||
                                                    strstr(e->message, "start SSH session") ||
                                                    strstr(e->message, "handshake"))))) {
        ct_sbuf_addf(err, "cannot %s: the network failed reaching %s (%s). Check that the "
                          "server is up and reachable from here, and the URL (git remote -v); "
                          "nothing changed locally",
                     what, safe_url.buf, e->message);
    } else {
        ct_sbuf_addf(err, "cannot %s (%s): %s", what, safe_url.buf,
                     e && e->message ? e->message : "unknown git error");
        if (c->remote_says.len) {
            ct_sbuf_add(err, "; the server said: ");
            ct_repo__remote_says(c, err);
        }
    }
    ct_sbuf_free(&safe_url);
    return -1;
}
