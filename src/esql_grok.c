/* esql GROK: %{PATTERN:name[:type]} from Elasticsearch's grok library (the
 * patterns detection rules use, and their building blocks) and (?<name>...)
 * groups, translated to one PCRE2 expression whose groups are numbered (ES|QL
 * column names hold dots, which PCRE2 names cannot). Unanchored, the first
 * match; no match sets every named column to null. */
#include "esql_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name, *re; } lib[] = {
    {"USERNAME", "[a-zA-Z0-9._-]+"},
    {"USER", "%{USERNAME}"},
    {"INT", "(?:[+-]?(?:[0-9]+))"},
    {"BASE10NUM", "(?<![0-9.+-])(?>[+-]?(?:(?:[0-9]+(?:\\.[0-9]+)?)|(?:\\.[0-9]+)))"},
    {"NUMBER", "(?:%{BASE10NUM})"},
    {"BASE16NUM", "(?<![0-9A-Fa-f])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+))"},
    {"POSINT", "\\b(?:[1-9][0-9]*)\\b"},
    {"NONNEGINT", "\\b(?:[0-9]+)\\b"},
    {"WORD", "\\b\\w+\\b"},
    {"NOTSPACE", "\\S+"},
    {"SPACE", "\\s*"},
    {"DATA", ".*?"},
    {"GREEDYDATA", ".*"},
    {"QUOTEDSTRING", "(?>(?<!\\\\)(?>\"(?>\\\\.|[^\\\\\"]+)+\"|\"\"|(?>'(?>\\\\.|[^\\\\']+)+')|''|(?>`(?>\\\\.|[^\\\\`]+)+`)|``))"},
    {"UUID", "[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}"},
    {"IPV4", "(?<![0-9])(?:(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.]"
             "(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]))(?![0-9])"},
    {"IPV6", "(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|"
             "(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}|::)"},
    {"IP", "(?:%{IPV6}|%{IPV4})"},
    {"HOSTNAME", "\\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\\.?|\\b)"},
    {"IPORHOST", "(?:%{IP}|%{HOSTNAME})"},
    {"HOSTPORT", "%{IPORHOST}:%{POSINT}"},
    {"EMAILLOCALPART", "[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~]{1,64}(?:\\.[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~]{1,62}){0,63}"},
    {"EMAILADDRESS", "%{EMAILLOCALPART}@%{HOSTNAME}"},
    {"URIPROTO", "[A-Za-z](?:[A-Za-z0-9+\\-.]+)+"},
    {"URIHOST", "%{IPORHOST}(?::%{POSINT})?"},
    {"URIPATH", "(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\\-]*)+"},
    {"URIPARAM", "\\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\\-\\[\\]<>]*"},
    {"URIPATHPARAM", "%{URIPATH}(?:%{URIPARAM})?"},
    {"URI", "%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?"},
    {"YEAR", "(?>\\d\\d){1,2}"},
    {"MONTHNUM", "(?:0?[1-9]|1[0-2])"},
    {"MONTHDAY", "(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])"},
    {"HOUR", "(?:2[0123]|[01]?[0-9])"},
    {"MINUTE", "(?:[0-5][0-9])"},
    {"SECOND", "(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)"},
    {"ISO8601_TIMEZONE", "(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))"},
    {"TIMESTAMP_ISO8601", "%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?"},
    {"LOGLEVEL", "(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|"
                 "[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|"
                 "[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)"},
};

typedef struct gx {
    ct_sbuf re;
    char **names;
    int *types;
    size_t n;
    int depth;
} gx;

static int add_group(gx *g, const char *name, size_t len, int type)
{
    g->names = ct_xrealloc(g->names, (g->n + 1) * sizeof *g->names);
    g->types = ct_xrealloc(g->types, (g->n + 1) * sizeof *g->types);
    g->names[g->n] = name ? ct_xstrndup(name, len) : NULL;
    g->types[g->n] = type;
    return (int)++g->n;
}

static int expand(esql_ctx *c, gx *g, const char *p, size_t n)
{
    if (++g->depth > 32) {
        esql_fail(c, "grok pattern nested too deep");
        return -1;
    }
    for (size_t i = 0; i < n;) {
        if (p[i] == '\\' && i + 1 < n) {
            ct_sbuf_addn(&g->re, p + i, 2);
            i += 2;
            continue;
        }
        if (p[i] == '(' && i + 2 < n && p[i + 1] == '?' && p[i + 2] == '<' && i + 3 < n && p[i + 3] != '=' &&
            p[i + 3] != '!') {
            const char *e = memchr(p + i + 3, '>', n - i - 3);
            if (!e) {
                esql_fail(c, "grok: unterminated group name");
                return -1;
            }
            int k = add_group(g, p + i + 3, (size_t)(e - (p + i + 3)), 0);
            ct_sbuf_addf(&g->re, "(?<g%d>", k);
            i = (size_t)(e - p) + 1;
            continue;
        }
        if (p[i] == '(' && !(i + 1 < n && p[i + 1] == '?')) { /* a plain group: numbered, unnamed */
            add_group(g, NULL, 0, 0);
            ct_sbuf_addf(&g->re, "(?<g%zu>", g->n);
            i++;
            continue;
        }
        if (p[i] == '%' && i + 1 < n && p[i + 1] == '{') {
            const char *e = memchr(p + i, '}', n - i);
            if (!e) {
                esql_fail(c, "grok: unterminated %%{");
                return -1;
            }
            const char *body = p + i + 2;
            size_t bl = (size_t)(e - body);
            const char *c1 = memchr(body, ':', bl);
            size_t pl = c1 ? (size_t)(c1 - body) : bl;
            const char *def = NULL;
            for (size_t k = 0; k < CT_ARRAY_LEN(lib); k++)
                if (strlen(lib[k].name) == pl && !memcmp(lib[k].name, body, pl)) def = lib[k].re;
            if (!def) {
                esql_fail(c, "Unable to find pattern [%.*s] in Grok's pattern dictionary", (int)(pl > 60 ? 60 : pl), body);
                return -1;
            }
            if (c1) {
                const char *nm = c1 + 1, *c2 = memchr(nm, ':', (size_t)(e - nm));
                size_t nl = c2 ? (size_t)(c2 - nm) : (size_t)(e - nm);
                int type = 0;
                if (c2) {
                    size_t tl = (size_t)(e - c2 - 1);
                    if (tl == 3 && !memcmp(c2 + 1, "int", 3)) type = 1;
                    else if ((tl == 5 && !memcmp(c2 + 1, "float", 5)) || (tl == 6 && !memcmp(c2 + 1, "double", 6))) type = 2;
                }
                int k = add_group(g, nm, nl, type);
                ct_sbuf_addf(&g->re, "(?<g%d>", k);
                if (expand(c, g, def, strlen(def)) < 0) return -1;
                ct_sbuf_addc(&g->re, ')');
            } else {
                ct_sbuf_add(&g->re, "(?:");
                if (expand(c, g, def, strlen(def)) < 0) return -1;
                ct_sbuf_addc(&g->re, ')');
            }
            i = (size_t)(e - p) + 1;
            continue;
        }
        ct_sbuf_addc(&g->re, p[i++]);
    }
    g->depth--;
    return 0;
}

int esql_grok_compile(esql_ctx *c, esql_cmd *cmd)
{
    gx g;
    memset(&g, 0, sizeof g);
    ct_sbuf_init(&g.re);
    if (expand(c, &g, cmd->pattern, cmd->patlen) == 0) {
        cmd->re = esql_re_compile(c, g.re.buf, g.re.len, 0);
    }
    ct_sbuf_free(&g.re);
    if (!cmd->re) {
        ct_strv_free(g.names, g.n);
        free(g.types);
        return -1;
    }
    cmd->groups = g.names;
    cmd->gtypes = g.types;
    cmd->ngroups = g.n;
    return 0;
}

void esql_grok(esql_ctx *c, esql_cmd *cmd, esql_row *r)
{
    if (!cmd->re && esql_grok_compile(c, cmd) < 0) return;
    esql_val in = esql_eval(c, cmd->cond, r);
    if (!cmd->md) cmd->md = pcre2_match_data_create_from_pattern(cmd->re, NULL);
    pcre2_match_data *md = cmd->md;
    int ok = in.n == 1 && in.v[0].t == EV_STR &&
             pcre2_match(cmd->re, (PCRE2_SPTR)in.v[0].s, in.v[0].n, 0, 0, md, NULL) >= 0;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    for (size_t k = 0; k < cmd->ngroups; k++) {
        const char *name = cmd->groups[k];
        if (!name) continue;
        size_t a = ok ? ov[2 * (k + 1)] : PCRE2_UNSET, b = ok ? ov[2 * (k + 1) + 1] : PCRE2_UNSET;
        if (a == PCRE2_UNSET) {
            esql_row_set(c, r, name, esql_null());
            continue;
        }
        esql_val v = esql_str(c, in.v[0].s + a, b - a);
        if (cmd->gtypes[k]) {
            esql_expr fake = {.kind = EX_CALL, .name = cmd->gtypes[k] == 1 ? "to_integer" : "to_double"};
            v = esql_fn_call(c, &fake, &v, 1);
        }
        esql_row_set(c, r, name, v);
    }
}
