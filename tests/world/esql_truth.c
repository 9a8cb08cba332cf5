/* world: the alerts of the pack's three ES|QL rules (issue #19), worked out
 * from what the stories did, not by running any query engine.
 *
 * Each story record registers the facts an ES|QL rule reads, as the record
 * states them and as Elastic's integration pipelines map them to ECS
 * (elastic/integrations packages/aws/data_stream/cloudtrail/elasticsearch/
 * ingest_pipeline/default.yml: user.name is userIdentity.userName, else
 * sessionContext.sessionIssuer.userName; user.target.name is
 * requestParameters.userName; event.outcome is failure when errorCode is
 * set; empty strings are dropped). Background records register nothing: they
 * create no credential and use none a story created (background.c).
 *
 * Then each rule's meaning, stated over those facts:
 *  - aws_iam_user_created_access_keys_for_another_user: a successful
 *    CreateAccessKey whose user.name and user.target.name are both set and
 *    differ (a null on either side is no match). One alert per record.
 *  - aws_iam_user_self_created_access_key_subsequently_used: an IAM user's
 *    successful CreateAccessKey for itself (no userName, or its own) whose
 *    response holds an AKIA key, and calls by an IAM user signed with an AKIA
 *    key, grouped by account, caller ARN and key (the created key for the
 *    creation, the signing key for every other row; a CreateAccessKey for
 *    another user joins its caller's signing-key group and counts as neither);
 *    a group with a creation and a use whose first use is after the first
 *    creation and at most 3600 whole seconds later is one alert, evidence
 *    every row of the group.
 *  - entra_id_credential_added_then_used_from_a_new_address: a credential
 *    added by a successful "Add service principal credentials" or "Update
 *    application - Certificates and secrets management" (Entra writes an en
 *    dash and a trailing space; the rule names the activity), and the
 *    successful service-principal sign-ins with it that come at or after the
 *    addition, at most 3600 whole seconds later, from an address the
 *    principal had not signed in from (with any credential) before the
 *    addition. A credential with such a sign-in is one alert, evidence its
 *    additions and those sign-ins.
 * An aggregating rule's alert sits on its latest evidence record; the
 * expectations (truth.c) treat it as an alert on that record. The generator
 * refuses a world where a time comparison above is within 5 ms of its bound
 * (7-digit Entra times are read to the millisecond) or where two alerts of
 * one rule fall in one second (check.sh finds alerts by rule and second). */
#include <stdlib.h>
#include <string.h>

#include "world.h"

#define R_OTHER "aws_iam_user_created_access_keys_for_another_user"
#define R_SELF "aws_iam_user_self_created_access_key_subsequently_used"
#define R_ENTRA "entra_id_credential_added_then_used_from_a_new_address"

enum { FK_CT, FK_AUDIT, FK_SPSIGNIN };
typedef struct {
    int spec, kind, failed, actor;
    const char *src, *name; /* CloudTrail eventSource, eventName; an audit's activity */
    const char *key;        /* the signing key, a sign-in's credential key id */
    const char *made;       /* the AKIA key the response names; the credential an audit adds */
    const char *tname;      /* requestParameters.userName */
    const char *ip;
} Fact;
static Fact *F;
static int nf, capf;

static Fact *fact_new(int spec, int kind, int actor)
{
    if (nf == capf) {
        capf = capf ? capf * 2 : 256;
        F = xrealloc(F, sizeof *F * (size_t)capf);
    }
    Fact *f = &F[nf++];
    memset(f, 0, sizeof *f);
    f->spec = spec, f->kind = kind, f->actor = actor;
    return f;
}

/* "name":"value" in a JSON text the stories wrote (flat strings only) */
static const char *json_str(const char *text, const char *name)
{
    if (!text)
        return NULL;
    char *pat = xfmt("\"%s\":\"", name);
    const char *p = strstr(text, pat);
    const char *v = NULL;
    if (p) {
        p += strlen(pat);
        const char *q = strchr(p, '"');
        if (q && q > p)
            v = xfmt("%.*s", (int)(q - p), p);
    }
    free(pat);
    return v;
}

void fact_ct(int spec, const Call *c)
{
    Fact *f = fact_new(spec, FK_CT, c->actor);
    f->src = c->source, f->name = c->name, f->failed = c->err != NULL, f->ip = c->ip;
    f->key = c->key && *c->key ? c->key : NULL;
    f->tname = json_str(c->req, "userName");
    const char *k = json_str(c->resp, "accessKeyId");
    f->made = k && !strncmp(k, "AKIA", 4) ? k : NULL;
}

void fact_audit(int spec, const Audit *a)
{
    Fact *f = fact_new(spec, FK_AUDIT, a->actor);
    f->name = a->op, f->failed = a->failed, f->made = a->made;
}

void fact_spsignin(int spec, int sp, const char *keyid, int err, const char *ip)
{
    Fact *f = fact_new(spec, FK_SPSIGNIN, sp);
    f->key = keyid && *keyid ? keyid : NULL, f->failed = err != 0, f->ip = ip ? ip : W.ents[sp].ip;
}

static int64_t ms(const Fact *f)
{
    return W.specs[f->spec].t / TICK_MS;
}

/* user.name as Elastic's pipeline sets it; NULL when the record has none */
static const char *user_name(int actor)
{
    if (actor < 0)
        return NULL;
    const Ent *e = &W.ents[actor];
    if (e->kind == K_IAMUSER)
        return e->name;
    if (e->kind == K_SESSION || e->kind == K_FEDUSER) { /* sessionIssuer.userName: the role's or user's name */
        const char *s = strrchr(e->id3, '/');
        return s ? s + 1 : e->id3;
    }
    return NULL; /* Root and AWS services state no userName */
}

static int is_iamuser(int actor)
{
    return actor >= 0 && W.ents[actor].kind == K_IAMUSER;
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* the activity as the rule names it: Entra's en dash is the rule's hyphen, trailing space dropped */
static int cred_activity(const char *op)
{
    if (!op)
        return 0;
    Buf b = {0};
    for (const char *p = op; *p; p++) {
        if (!strncmp(p, "\xe2\x80\x93", 3)) {
            bput(&b, "-");
            p += 2;
        } else {
            bputn(&b, p, 1);
        }
    }
    char *s = bdone(&b);
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = 0;
    int hit = !strcmp(s, "Add service principal credentials") ||
              !strcmp(s, "Update application - Certificates and secrets management");
    free(s);
    return hit;
}

static void near(int64_t d, int64_t bound, const char *what)
{
    if (d > bound - 5 && d < bound + 5 && d != bound)
        die("esql truth: %s is %lld ms, within 5 ms of its bound %lld", what, (long long)d, (long long)bound);
}

static int64_t *planted_ms;
static const char **planted_rule;
static int nplanted;

static void plant(int *ev, int nev, const char *rule, const char *label)
{
    int best = ev[0];
    for (int i = 1; i < nev; i++)
        if (ms(&F[ev[i]]) > ms(&F[best]))
            best = ev[i];
    for (int i = 0; i < nev; i++)
        if (ev[i] != best && ms(&F[ev[i]]) == ms(&F[best]))
            die("esql truth: %s: two latest evidence records at one time", label);
    int64_t sec = W.specs[F[best].spec].t / TICK_S;
    for (int i = 0; i < nplanted; i++)
        if (planted_rule[i] == rule && planted_ms[i] == sec)
            die("esql truth: two %s alerts in one second (%s)", rule, label);
    planted_ms = xrealloc(planted_ms, sizeof *planted_ms * (size_t)(nplanted + 1));
    planted_rule = xrealloc(planted_rule, sizeof *planted_rule * (size_t)(nplanted + 1));
    planted_ms[nplanted] = sec;
    planted_rule[nplanted++] = rule;
    alert_add(F[best].spec, rule, label);
}

static void for_another_user(void)
{
    for (int i = 0; i < nf; i++) {
        const Fact *f = &F[i];
        if (f->kind != FK_CT || f->failed || !same(f->src, "iam.amazonaws.com") || !same(f->name, "CreateAccessKey"))
            continue;
        const char *u = user_name(f->actor);
        if (!u || !f->tname || !strcmp(u, f->tname))
            continue;
        int ev[1] = {i};
        plant(ev, 1, R_OTHER, xfmt("e-other-%s-for-%s", u, f->tname));
    }
}

static void self_created_used(void)
{
    int *row = xmalloc(sizeof(int) * (size_t)(nf + 1)), nrow = 0;
    const char **corr = xmalloc(sizeof(char *) * (size_t)(nf + 1));
    char *create = xmalloc((size_t)nf + 1), *use = xmalloc((size_t)nf + 1);
    for (int i = 0; i < nf; i++) {
        const Fact *f = &F[i];
        if (f->kind != FK_CT || !is_iamuser(f->actor))
            continue;
        int cak = same(f->src, "iam.amazonaws.com") && same(f->name, "CreateAccessKey");
        int a = cak && !f->failed, b = f->key && !strncmp(f->key, "AKIA", 4) && !cak;
        if (!a && !b)
            continue;
        const char *u = user_name(f->actor);
        int self = a && (!f->tname || same(u, f->tname)) && f->made;
        const char *c = self ? f->made : f->key;
        if (!c)
            continue;
        row[nrow] = i, corr[nrow] = c, create[nrow] = (char)self, use[nrow] = (char)b;
        nrow++;
    }
    char *done = calloc((size_t)nrow + 1, 1);
    int *ev = xmalloc(sizeof(int) * (size_t)(nrow + 1));
    for (int g = 0; g < nrow; g++) {
        if (done[g])
            continue;
        const Ent *who = &W.ents[F[row[g]].actor];
        int nev = 0, nc = 0, nu = 0;
        int64_t cmin = 0, umin = 0;
        for (int k = g; k < nrow; k++) {
            const Ent *e = &W.ents[F[row[k]].actor];
            if (done[k] || strcmp(corr[k], corr[g]) || strcmp(e->id, who->id) || strcmp(e->acct, who->acct))
                continue;
            done[k] = 1;
            ev[nev++] = row[k];
            int64_t t = ms(&F[row[k]]);
            if (create[k] && (!nc++ || t < cmin))
                cmin = t;
            if (use[k] && (!nu++ || t < umin))
                umin = t;
        }
        if (!nc || !nu || umin <= cmin)
            continue;
        near(umin - cmin, 3601000, "a key's first use after its creation");
        if (umin - cmin >= 3601000) /* DATE_DIFF("seconds") <= 3600: whole seconds */
            continue;
        plant(ev, nev, R_SELF, xfmt("e-self-%s-%s", who->name, corr[g]));
    }
    free(row), free(corr), free(create), free(use), free(done), free(ev);
}

static void entra_added_then_used(void)
{
    int *ev = xmalloc(sizeof(int) * (size_t)(nf + 1));
    char *seen = calloc((size_t)nf + 1, 1);
    for (int i = 0; i < nf; i++) {
        const Fact *f = &F[i];
        if (seen[i] || f->kind != FK_AUDIT || f->failed || !f->made || !cred_activity(f->name))
            continue;
        int nev = 0;
        int64_t added = ms(f);
        for (int k = i; k < nf; k++) /* every addition of this credential */
            if (F[k].kind == FK_AUDIT && !F[k].failed && same(F[k].made, f->made) && cred_activity(F[k].name)) {
                seen[k] = 1;
                ev[nev++] = k;
                if (ms(&F[k]) < added)
                    added = ms(&F[k]);
            }
        int nadd = nev;
        for (int k = 0; k < nf; k++) {
            const Fact *s = &F[k];
            if (s->kind != FK_SPSIGNIN || s->failed || !same(s->key, f->made))
                continue;
            int64_t t = ms(s);
            near(t - added, 0, "a sign-in after the addition");
            near(t - added, 3601000, "a sign-in's delay after the addition");
            if (t < added || t - added >= 3601000)
                continue;
            int64_t first = t; /* the principal's first sign-in from this address, with any credential */
            for (int j = 0; j < nf; j++)
                if (F[j].kind == FK_SPSIGNIN && !F[j].failed && F[j].key && F[j].actor == s->actor &&
                    same(F[j].ip, s->ip) && ms(&F[j]) < first)
                    first = ms(&F[j]);
            near(first - added, 0, "an address's first sign-in after the addition");
            if (first < added)
                continue;
            ev[nev++] = k;
        }
        if (nev > nadd)
            plant(ev, nev, R_ENTRA, xfmt("e-entra-%s-%s", W.ents[F[ev[nadd]].actor].name, f->made));
    }
    free(ev);
    free(seen);
}

void esql_truth(void)
{
    for_another_user();
    self_created_used();
    entra_added_then_used();
}
