/* sshconfig: the Host blocks of OpenSSH's client configuration that apply to
 * one host (see sshconfig.h; the rules are ssh_config(5)'s and readconf.c's:
 * first value wins, Include inline and conditional, an included file starts
 * a fresh Host context and the includer's comes back after it). */
#include "sshconfig.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILE (1u << 20)
#define MAX_DEPTH 16
#define MAX_IDENTITY 100

typedef struct parse {
    const char *host, *top_dir;
    ct_ssh_host *out;
    ct_sbuf *err;
} parse;

void ct_ssh_host_free(ct_ssh_host *h)
{
    free(h->hostname);
    free(h->user);
    free(h->known_hosts);
    ct_strv_free(h->identity, h->nidentity);
    memset(h, 0, sizeof *h);
    h->port = -1;
}

/* glob-like, case-insensitive: * any run, ? one character */
static int wild(const char *p, const char *s)
{
    const char *star = NULL, *back = NULL;
    while (*s) {
        if (*p == '*') {
            star = ++p;
            back = s;
        } else if (*p && (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*s))) {
            p++;
            s++;
        } else if (star) {
            p = star;
            s = ++back;
        } else {
            return 0;
        }
    }
    while (*p == '*') p++;
    return !*p;
}

int ct_ssh_host_match(const char *patterns, const char *host)
{
    int yes = 0;
    const char *p = patterns;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        size_t n = strcspn(p, " \t,");
        if (!n) break;
        int neg = *p == '!';
        char *pat = ct_xstrndup(p + neg, n - (size_t)neg);
        int m = wild(pat, host);
        free(pat);
        if (m && neg) return 0; /* a negated match excludes the host whatever else matches */
        if (m) yes = 1;
        p += n;
    }
    return yes;
}

/* the arguments of a line: words, "quoted words" */
static char **split_args(const char *s, size_t *n, int *bad)
{
    char **v = NULL;
    *n = 0;
    *bad = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) break;
        ct_sbuf w;
        ct_sbuf_init(&w);
        if (*s == '"') {
            const char *e = strchr(s + 1, '"');
            if (!e) {
                *bad = 1;
                ct_sbuf_free(&w);
                break;
            }
            ct_sbuf_addn(&w, s + 1, (size_t)(e - s - 1));
            s = e + 1;
        } else {
            size_t k = strcspn(s, " \t");
            ct_sbuf_addn(&w, s, k);
            s += k;
        }
        v = ct_xrealloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = ct_sbuf_detach(&w);
        ct_sbuf_free(&w);
    }
    return v;
}

static int read_capped(const char *path, char **data, ct_sbuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR) return 0;
        ct_sbuf_addf(err, "%s: cannot read it: %s", path, strerror(errno));
        return -1;
    }
    ct_sbuf b;
    ct_sbuf_init(&b);
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len <= MAX_FILE) ct_sbuf_addn(&b, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.len > MAX_FILE) {
        ct_sbuf_addf(err, "%s: %s", path, bad ? "cannot read it" : "larger than 1 MiB: not an ssh configuration");
        ct_sbuf_free(&b);
        return -1;
    }
    *data = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return 1;
}

static int read_file(parse *ps, const char *path, int depth, int active);

static int include(parse *ps, const char *file, size_t line, char **args, size_t nargs, int depth)
{
    for (size_t i = 0; i < nargs; i++) {
        ct_sbuf pat;
        ct_sbuf_init(&pat);
        if (args[i][0] == '~' && args[i][1] == '/') {
            ct_sbuf why;
            ct_sbuf_init(&why);
            int rc = ct_home_dir(&pat, &why);
            if (rc < 0) ct_sbuf_addf(ps->err, "%s:%zu: Include %s: %s", file, line, args[i], why.buf);
            ct_sbuf_free(&why);
            if (rc < 0) {
                ct_sbuf_free(&pat);
                return -1;
            }
            ct_sbuf_add(&pat, args[i] + 1);
        } else if (args[i][0] == '/') {
            ct_sbuf_add(&pat, args[i]);
        } else {
            ct_sbuf_addf(&pat, "%s/%s", ps->top_dir, args[i]);
        }
        glob_t g;
        int rc = glob(pat.buf, 0, NULL, &g);
        ct_sbuf_free(&pat);
        if (rc == GLOB_NOMATCH) continue;
        if (rc != 0) {
            ct_sbuf_addf(ps->err, "%s:%zu: Include %s: cannot expand it", file, line, args[i]);
            return -1;
        }
        for (size_t k = 0; k < g.gl_pathc; k++)
            if (read_file(ps, g.gl_pathv[k], depth + 1, 1) < 0) {
                globfree(&g);
                return -1;
            }
        globfree(&g);
    }
    return 0;
}

static int option(parse *ps, const char *kw, char **args, size_t nargs)
{
    ct_ssh_host *o = ps->out;
    if (!nargs) return 0;
    if (ct_strcaseeq(kw, "HostName")) {
        if (!o->hostname) o->hostname = ct_xstrdup(args[0]);
    } else if (ct_strcaseeq(kw, "Port")) {
        char *end;
        long p = strtol(args[0], &end, 10);
        if (*end || p < 1 || p > 65535) return -1;
        if (o->port < 0) o->port = (int)p;
    } else if (ct_strcaseeq(kw, "User")) {
        if (!o->user) o->user = ct_xstrdup(args[0]);
    } else if (ct_strcaseeq(kw, "IdentityFile")) {
        if (o->nidentity < MAX_IDENTITY && !ct_strcaseeq(args[0], "none")) {
            o->identity = ct_xrealloc(o->identity, (o->nidentity + 1) * sizeof *o->identity);
            o->identity[o->nidentity++] = ct_xstrdup(args[0]);
        }
    } else if (ct_strcaseeq(kw, "IdentitiesOnly")) {
        if (o->identities_only < 0) o->identities_only = ct_strcaseeq(args[0], "yes");
    } else if (ct_strcaseeq(kw, "UserKnownHostsFile")) {
        if (!o->known_hosts && !ct_strcaseeq(args[0], "none")) o->known_hosts = ct_xstrdup(args[0]);
    }
    return 0;
}

static int read_file(parse *ps, const char *path, int depth, int active)
{
    if (depth > MAX_DEPTH) {
        ct_sbuf_addf(ps->err, "%s: Include nested deeper than %d", path, MAX_DEPTH);
        return -1;
    }
    char *data = NULL;
    int rc = read_capped(path, &data, ps->err);
    if (rc <= 0) return rc;
    size_t line = 0;
    int ok = 0;
    for (char *p = data, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl) *nl = 0;
        line++;
        size_t len = strlen(p);
        while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t')) p[--len] = 0;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '#') continue;
        size_t kl = strcspn(p, " \t=");
        char *kw = ct_xstrndup(p, kl);
        const char *rest = p + kl;
        while (*rest == ' ' || *rest == '\t') rest++;
        if (*rest == '=') rest++;
        size_t nargs = 0;
        int bad = 0;
        char **args = split_args(rest, &nargs, &bad);
        if (bad) {
            ct_sbuf_addf(ps->err, "%s:%zu: unbalanced quotes", path, line);
            ok = -1;
        } else if (ct_strcaseeq(kw, "Host")) {
            active = ct_ssh_host_match(rest, ps->host);
        } else if (ct_strcaseeq(kw, "Match")) {
            active = nargs == 1 && ct_strcaseeq(args[0], "all");
            if (!active) ps->out->skipped_match = 1;
        } else if (ct_strcaseeq(kw, "Include")) {
            if (active) ok = include(ps, path, line, args, nargs, depth);
        } else if (active && option(ps, kw, args, nargs) < 0) {
            ct_sbuf_addf(ps->err, "%s:%zu: bad %s value", path, line, kw);
            ok = -1;
        }
        ct_strv_free(args, nargs);
        free(kw);
        if (ok < 0) break;
    }
    free(data);
    return ok;
}

static const char *local_user(void)
{
    const char *u = getenv("USER");
    if (u && *u) return u;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "";
}

/* ~ and %-tokens of a path (ssh_config(5) TOKENS); NULL when it needs the
 * home directory and there is none (the reason in err, after what) */
static char *expand(const char *s, const char *host, const char *ruser, int port, const char *what,
                    ct_sbuf *err)
{
    ct_sbuf b, why;
    ct_sbuf_init(&b);
    ct_sbuf_init(&why);
    const char *orig = s;
    int ok = 1;
    if (s[0] == '~' && (s[1] == '/' || !s[1])) {
        ok = ct_home_dir(&b, &why) == 0;
        s++;
    }
    for (; ok && *s; s++) {
        if (*s != '%' || !s[1]) {
            ct_sbuf_addc(&b, *s);
            continue;
        }
        switch (*++s) {
        case '%': ct_sbuf_addc(&b, '%'); break;
        case 'h': ct_sbuf_add(&b, host); break;
        case 'r': ct_sbuf_add(&b, ruser); break;
        case 'u': ct_sbuf_add(&b, local_user()); break;
        case 'd': ok = ct_home_dir(&b, &why) == 0; break;
        case 'p': ct_sbuf_addf(&b, "%d", port > 0 ? port : 22); break;
        default: ct_sbuf_addc(&b, '%'), ct_sbuf_addc(&b, *s); break;
        }
    }
    char *r = NULL;
    if (ok) r = ct_sbuf_detach(&b);
    else ct_sbuf_addf(err, "%s %s: %s", what, orig, why.buf);
    ct_sbuf_free(&b);
    ct_sbuf_free(&why);
    return r;
}

/* expand, freeing s */
static char *expand_free(char *s, const char *host, const char *ruser, int port, const char *what, ct_sbuf *err)
{
    char *x = expand(s, host, ruser, port, what, err);
    free(s);
    return x;
}

int ct_ssh_config_lookup(const char *const *files, size_t nfiles, const char *host, const char *user,
                         ct_ssh_host *out, ct_sbuf *err)
{
    memset(out, 0, sizeof *out);
    out->port = -1;
    out->identities_only = -1;
    parse ps = {host, NULL, out, err};
    for (size_t i = 0; i < nfiles; i++) {
        const char *slash = strrchr(files[i], '/');
        char *dir = slash ? ct_xstrndup(files[i], (size_t)(slash - files[i])) : ct_xstrdup(".");
        ps.top_dir = dir;
        int rc = read_file(&ps, files[i], 0, 1);
        free(dir);
        if (rc < 0) {
            ct_ssh_host_free(out);
            return -1;
        }
    }
    if (out->identities_only < 0) out->identities_only = 0;
    /* HostName's %h is the name as given; the paths' %h the host connected to */
    if (out->hostname && !(out->hostname = expand_free(out->hostname, host, "", out->port, "HostName", err)))
        goto bad;
    const char *real = out->hostname ? out->hostname : host;
    const char *ruser = user && *user ? user : out->user ? out->user : local_user();
    for (size_t i = 0; i < out->nidentity; i++)
        if (!(out->identity[i] = expand_free(out->identity[i], real, ruser, out->port, "IdentityFile", err)))
            goto bad;
    if (out->known_hosts &&
        !(out->known_hosts = expand_free(out->known_hosts, real, ruser, out->port, "UserKnownHostsFile", err)))
        goto bad;
    return 0;
bad:
    ct_ssh_host_free(out);
    return -1;
}
