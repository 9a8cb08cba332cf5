/* world: the expected sets, by the definitions, with window W = 1 day
 * each side of the alert's record time (inclusive):
 *   credential_usage  records in W that authenticated with the credential the
 *                     alert's record created;
 *   same_actor        records in W whose actor is the alert's actor;
 *   same_target       records in W whose target is the alert's target or
 *                     whose actor is (it acts), plus the credential usage;
 *                     an alert without a target: its own record;
 *   related_alerts    alerts in W, other than this one, whose actor or target
 *                     is the alert's actor or target, or whose record used the
 *                     created credential.
 * Timelines list one id per change: a change exported again (Graph, Sentinel,
 * Microsoft 365) is listed once, under the diagnostic record's id, and
 * expected.json's "aliases" maps the other exports' ids to it. Alerts are
 * listed as "<rule stem>:<record id>". Identities are compared as entities:
 * model.c has checked that every pair of ids the truth joins is joined by
 * what the records state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void jlist(FILE *f, const char **v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_str);
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        Buf b = {0};
        bjs(&b, v[i]);
        fprintf(f, "%s%s", i ? "," : "", b.p);
        free(b.p);
    }
    fputc(']', f);
}

static void jent(FILE *f, int e)
{
    if (e < 0) {
        fputs("null", f);
        return;
    }
    const char *ids[5];
    int n = ent_ids(e, ids);
    Buf b = {0};
    bput(&b, "{\"name\":");
    bjs(&b, W.ents[e].name);
    fprintf(f, "%s,\"ids\":", b.p);
    free(b.p);
    jlist(f, ids, n);
    fputc('}', f);
}

static int near_edge(int64_t t, int64_t lo, int64_t hi)
{
    return (t > lo - TICK_S && t < lo + TICK_S) || (t > hi - TICK_S && t < hi + TICK_S);
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

int truth_write(const char *dir, long nrecords)
{
    unsigned char *weak = calloc((size_t)W.nents + 1, 1);
    if (!weak)
        die("out of memory");
    if (evidence_check(weak) < 0)
        return -1;
    char *path = xfmt("%s/expected.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s", path);
    fprintf(f, "{\"generator\":\"tests/world/world.c\",\"n\":%ld,\"records\":%ld,\"window\":\"1d\",\"files\":[", W.n,
            nrecords);
    for (int i = 0; i < F_COUNT; i++)
        fprintf(f, "%s\"%s\"", i ? "," : "", file_names[i]);
    fputs("],\n\"aliases\":{", f);
    int first = 1;
    for (int i = 0; i < W.nspecs; i++) {
        const Spec *s = &W.specs[i];
        if (s->canon >= 0 && strcmp(s->rid, W.specs[s->canon].rid)) {
            fprintf(f, "%s\"%s\":\"%s\"", first ? "" : ",", s->rid, W.specs[s->canon].rid);
            first = 0;
        }
    }
    fputs("},\n\"alerts\":[\n", f);

    const char **st = xmalloc(sizeof(char *) * (size_t)W.nspecs), **sa = xmalloc(sizeof(char *) * (size_t)W.nspecs),
               **cu = xmalloc(sizeof(char *) * (size_t)W.nspecs), **ra = xmalloc(sizeof(char *) * (size_t)(W.nalerts + 1));
    int bad = 0;
    for (int ai = 0; ai < W.nalerts; ai++) {
        const Alert *al = &W.alerts[ai];
        const Spec *A = &W.specs[al->spec];
        int64_t lo = A->t - DAY, hi = A->t + DAY;
        int act = A->actor, tgt = A->target;
        const char *made = A->made;
        int nst = 0, nsa = 0, ncu = 0, nra = 0;
        for (int i = 0; i < W.nspecs; i++) {
            const Spec *s = &W.specs[i];
            int is_act = act >= 0 && s->actor == act;
            int is_tgt = tgt >= 0 && (s->target == tgt || s->actor == tgt);
            int is_use = same(s->used, made);
            /* an alert without a target (an aggregating ES|QL rule's alert on a
             * sign-in or a call) still anchors its target timeline: its own record */
            if (tgt < 0 && i == al->spec)
                is_tgt = 1;
            if (!(is_act || is_tgt || is_use))
                continue;
            if (near_edge(s->t, lo, hi)) {
                fprintf(stderr, "world: record %s is within 1 s of a window edge of %s\n", spec_rid(i), al->story);
                bad = 1;
            }
            if (s->canon >= 0 || s->t < lo || s->t > hi)
                continue;
            const char *rid = spec_rid(i);
            if (is_act)
                sa[nsa++] = rid;
            if (is_use)
                cu[ncu++] = rid;
            if (is_tgt || is_use)
                st[nst++] = rid;
        }
        for (int bi = 0; bi < W.nalerts; bi++) {
            if (bi == ai)
                continue;
            const Spec *B = &W.specs[W.alerts[bi].spec];
            int hit = (B->actor >= 0 && (B->actor == act || B->actor == tgt)) ||
                      (B->target >= 0 && (B->target == act || B->target == tgt)) || same(B->used, made);
            if (!hit)
                continue;
            if (near_edge(B->t, lo, hi)) {
                fprintf(stderr, "world: alert %s is within 1 s of a window edge of %s\n", W.alerts[bi].story, al->story);
                bad = 1;
            }
            if (B->t >= lo && B->t <= hi)
                ra[nra++] = xfmt("%s:%s", W.alerts[bi].stem, spec_rid(W.alerts[bi].spec));
        }
        char *ts = tfmt(A->t, 'I');
        fprintf(f, "%s{\"story\":\"%s\",\"rule\":\"%s\",\"event_id\":\"%s\",\"key\":\"%s:%s\",\"timestamp\":\"%s\",",
                ai ? ",\n" : "", al->story, al->stem, spec_rid(al->spec), al->stem, spec_rid(al->spec), ts);
        if (A->canon >= 0)
            fprintf(f, "\"copy_of\":\"%s\",", W.specs[A->canon].rid);
        fputs("\"actor\":", f);
        jent(f, act);
        fputs(",\"target\":", f);
        jent(f, tgt);
        fprintf(f, ",\"credential\":%s%s%s,\"weak_evidence\":%s,", made ? "\"" : "", made ? made : "null",
                made ? "\"" : "", (act >= 0 && weak[act]) || (tgt >= 0 && weak[tgt]) ? "true" : "false");
        fputs("\n \"same_target\":", f);
        jlist(f, st, nst);
        fputs(",\n \"same_actor\":", f);
        jlist(f, sa, nsa);
        fputs(",\n \"credential_usage\":", f);
        jlist(f, cu, ncu);
        fputs(",\n \"related_alerts\":", f);
        jlist(f, ra, nra);
        fputs("}", f);
        free(ts);
    }
    fputs("\n]}\n", f);
    if (fclose(f))
        die("cannot write %s", path);
    free(path);
    free(weak);
    return bad ? -1 : 0;
}
