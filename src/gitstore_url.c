/* gitstore: remote URLs as git reads them (ssh://, scp-like, file), and where
 * an SSH remote really is: OpenSSH's client configuration (Host aliases,
 * HostName, Port, User, IdentityFile; sshconfig.h) applied the way `git`
 * through ssh(1) applies it, since libssh2 reads none of it. */
#include "gitstore_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- URLs ------------------------------------------------------------------- */

void ct_repo_url_free(ct_repo_url *u)
{
    free(u->scheme), free(u->user), free(u->host), free(u->path);
    memset(u, 0, sizeof *u);
}

int ct_repo_url_parse(const char *url, ct_repo_url *u)
{
    memset(u, 0, sizeof *u);
    u->port = -1;
    const char *sep = strstr(url, "://");
    const char *auth;
    if (sep) {
        u->scheme = ct_xstrndup(url, (size_t)(sep - url));
        for (char *p = u->scheme; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        auth = sep + 3;
        if (!strcmp(u->scheme, "file")) {
            u->path = ct_xstrdup(auth);
            return 0;
        }
        const char *slash = strchr(auth, '/');
        const char *end = slash ? slash : auth + strlen(auth);
        const char *at = NULL;
        for (const char *p = auth; p < end; p++)
            if (*p == '@') at = p;
        const char *h = auth;
        if (at) {
            const char *colon = memchr(auth, ':', (size_t)(at - auth));
            u->user = ct_xstrndup(auth, (size_t)((colon ? colon : at) - auth));
            h = at + 1;
        }
        const char *hend = end, *pcolon = NULL;
        if (*h == '[') {
            const char *rb = memchr(h, ']', (size_t)(end - h));
            if (!rb) goto bad;
            u->host = ct_xstrndup(h + 1, (size_t)(rb - h - 1));
            if (rb + 1 < end && rb[1] == ':') pcolon = rb + 1;
            else if (rb + 1 != end) goto bad;
        } else {
            pcolon = memchr(h, ':', (size_t)(end - h));
            if (pcolon) hend = pcolon;
            u->host = ct_xstrndup(h, (size_t)(hend - h));
        }
        if (pcolon && pcolon + 1 < end) {
            long port = 0;
            for (const char *p = pcolon + 1; p < end; p++) {
                if (*p < '0' || *p > '9' || port > 65535) goto bad;
                port = port * 10 + (*p - '0');
            }
            if (port < 1 || port > 65535) goto bad;
            u->port = (int)port;
        }
        if (!*u->host) goto bad;
        u->path = ct_xstrdup(slash ? slash : "/");
        return 0;
    }
    /* scp-like [user@]host:path: a ':' before any '/' (git's rule); a
     * bracketed host ([::1]) may hold colons */
    const char *colon = strchr(url, ':');
    const char *lb = strchr(url, '[');
    if (lb && (!colon || lb < colon || (colon > url && colon[-1] == '@'))) {
        const char *rb = strchr(lb, ']');
        if (rb && rb[1] == ':') colon = rb + 1;
    }
    const char *slash = strchr(url, '/');
    if (!colon || (slash && slash < colon) || colon == url) {
        u->scheme = ct_xstrdup("file");
        u->path = ct_xstrdup(url);
        return 0;
    }
    u->scheme = ct_xstrdup("ssh");
    u->scp_like = 1;
    const char *at = memchr(url, '@', (size_t)(colon - url));
    const char *h = url;
    if (at) {
        u->user = ct_xstrndup(url, (size_t)(at - url));
        h = at + 1;
    }
    if (*h == '[' && colon[-1] == ']') u->host = ct_xstrndup(h + 1, (size_t)(colon - h - 2));
    else u->host = ct_xstrndup(h, (size_t)(colon - h));
    if (!*u->host) goto bad;
    u->path = ct_xstrdup(colon + 1);
    return 0;
bad:
    ct_repo_url_free(u);
    return -1;
}


/* ---- where an SSH remote really is ------------------------------------------ */

int ct_repo__url_resolve(const char *url, ct_repo_url *u, ct_ssh_host *ssh, char **conn_url, ct_sbuf *err)
{
    memset(ssh, 0, sizeof *ssh);
    ssh->port = -1;
    *conn_url = NULL;
    if (!u->scheme || strcmp(u->scheme, "ssh") || !u->host) {
        *conn_url = ct_xstrdup(url);
        return 0;
    }
    ct_sbuf user_cfg;
    ct_sbuf_init(&user_cfg);
    ct_sbuf why;
    ct_sbuf_init(&why);
    int home = ct_home_dir(&user_cfg, &why);
    if (home < 0) ct_sbuf_addf(err, "cannot read ~/.ssh/config for %s: %s", u->host, why.buf);
    ct_sbuf_free(&why);
    if (home < 0) {
        ct_sbuf_free(&user_cfg);
        return -1;
    }
    ct_sbuf_add(&user_cfg, "/.ssh/config");
    const char *files[] = {user_cfg.buf, "/etc/ssh/ssh_config"};
    int rc = ct_ssh_config_lookup(files, 2, u->host, u->user, ssh, err);
    ct_sbuf_free(&user_cfg);
    if (rc < 0) return -1;
    if (!ssh->hostname && ssh->port < 0 && (!ssh->user || u->user)) {
        *conn_url = ct_xstrdup(url); /* nothing changes where it connects */
        return 0;
    }
    if (ssh->hostname) {
        free(u->host);
        u->host = ct_xstrdup(ssh->hostname);
    }
    if (u->port < 0 && ssh->port > 0) u->port = ssh->port; /* a port in the URL wins, as with ssh -p */
    if (!u->user && ssh->user) u->user = ct_xstrdup(ssh->user);
    /* ssh://[user@]host[:port]/path; an scp-like relative path is relative to
     * the home directory: /~/path (libgit2 sends ~/path, git-upload-pack expands it) */
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_add(&b, "ssh://");
    if (u->user) ct_sbuf_addf(&b, "%s@", u->user);
    ct_sbuf_addf(&b, strchr(u->host, ':') ? "[%s]" : "%s", u->host);
    if (u->port > 0) ct_sbuf_addf(&b, ":%d", u->port);
    const char *p = u->path ? u->path : "";
    if (*p == '/') ct_sbuf_add(&b, p);
    else if (*p == '~') ct_sbuf_addf(&b, "/%s", p);
    else ct_sbuf_addf(&b, "/~/%s", p);
    *conn_url = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return 0;
}
