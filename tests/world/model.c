/* world: the tables (entities, records, alerts) and the evidence check.
 *
 * Every record carries its truth: which entity acted, which was the target,
 * which credential it used or created. The expected sets (truth.c) are
 * computed from that truth, so the generator must prove that the truth is
 * what the linking rule gives: two ids are one identity only where a
 * record states them together. Story emitters call ev_link() for every pair
 * of ids a record states about one identity; evidence_check() then verifies,
 * over those links alone, that every id of a story entity falls in one
 * component and that no component holds two entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"

World W;

const char *const file_names[F_COUNT] = {
    "entra-auditlogs.ndjson",    "entra-signinlogs.ndjson",   "entra-spsigninlogs.ndjson",
    "cloudtrail.json",           "gcp-audit.ndjson",          "m365-audit.ndjson",
    "graph-directoryaudits.json", "sentinel-auditlogs.json",
};

int ent_add(const Ent *e)
{
    if (W.nents == W.capents) {
        W.capents = W.capents ? W.capents * 2 : 1024;
        W.ents = xrealloc(W.ents, (size_t)W.capents * sizeof *W.ents);
    }
    W.ents[W.nents] = *e;
    return W.nents++;
}

int spec_add(const Spec *s)
{
    if (W.nspecs == W.capspecs) {
        W.capspecs = W.capspecs ? W.capspecs * 2 : 65536;
        W.specs = xrealloc(W.specs, (size_t)W.capspecs * sizeof *W.specs);
    }
    W.specs[W.nspecs] = *s;
    return W.nspecs++;
}

void alert_add(int spec, const char *stem, const char *story)
{
    if (W.nalerts == W.capalerts) {
        W.capalerts = W.capalerts ? W.capalerts * 2 : 64;
        W.alerts = xrealloc(W.alerts, (size_t)W.capalerts * sizeof *W.alerts);
    }
    W.alerts[W.nalerts++] = (Alert){spec, stem, story};
}

/* ---- evidence: ids (lower-cased) to nodes, two union-finds ---------------- */
typedef struct {
    char **keys;
    int *node;
    size_t cap, n;
    int *all, *strong; /* parents */
    int nnodes, capnodes;
} Ev;
static Ev ev;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static char *lower(const char *s)
{
    char *p = xstrdup(s);
    for (char *q = p; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return p;
}

static int find(int *par, int x)
{
    while (par[x] != x)
        x = par[x] = par[par[x]];
    return x;
}

static int node_of(const char *id, int create)
{
    if (!ev.cap) {
        ev.cap = 1 << 14;
        ev.keys = calloc(ev.cap, sizeof *ev.keys);
        ev.node = calloc(ev.cap, sizeof *ev.node);
        if (!ev.keys || !ev.node)
            die("out of memory");
    }
    char *k = lower(id);
    size_t i = hash(k) & (ev.cap - 1);
    while (ev.keys[i]) {
        if (!strcmp(ev.keys[i], k)) {
            free(k);
            return ev.node[i];
        }
        i = (i + 1) & (ev.cap - 1);
    }
    if (!create) {
        free(k);
        return -1;
    }
    if (ev.nnodes == ev.capnodes) {
        ev.capnodes = ev.capnodes ? ev.capnodes * 2 : 4096;
        ev.all = xrealloc(ev.all, (size_t)ev.capnodes * sizeof(int));
        ev.strong = xrealloc(ev.strong, (size_t)ev.capnodes * sizeof(int));
    }
    int n = ev.nnodes++;
    ev.all[n] = ev.strong[n] = n;
    ev.keys[i] = k;
    ev.node[i] = n;
    if (++ev.n * 2 > ev.cap) { /* grow: rehash */
        size_t oc = ev.cap;
        char **ok = ev.keys;
        int *on = ev.node;
        ev.cap *= 2;
        ev.keys = calloc(ev.cap, sizeof *ev.keys);
        ev.node = calloc(ev.cap, sizeof *ev.node);
        if (!ev.keys || !ev.node)
            die("out of memory");
        for (size_t j = 0; j < oc; j++) {
            if (!ok[j])
                continue;
            size_t h = hash(ok[j]) & (ev.cap - 1);
            while (ev.keys[h])
                h = (h + 1) & (ev.cap - 1);
            ev.keys[h] = ok[j];
            ev.node[h] = on[j];
        }
        free(ok);
        free(on);
    }
    return n;
}

void ev_note(const char *id)
{
    if (id && *id)
        node_of(id, 1);
}

static void link2(const char *a, const char *b, int strong)
{
    if (!a || !b || !*a || !*b)
        return;
    int x = node_of(a, 1), y = node_of(b, 1);
    ev.all[find(ev.all, x)] = find(ev.all, y);
    if (strong)
        ev.strong[find(ev.strong, x)] = find(ev.strong, y);
}

void ev_link(const char *a, const char *b)
{
    link2(a, b, 1);
}

void ev_link_weak(const char *a, const char *b)
{
    link2(a, b, 0);
}

/* the ids that name an entity (not its names, not its issuer's ids) */
int ent_ids(int e, const char **out)
{
    const Ent *x = &W.ents[e];
    int n = 0;
    out[n++] = x->id;
    if (x->id2)
        out[n++] = x->id2;
    if (x->kind == K_APP && x->id3)
        out[n++] = x->id3;
    return n;
}

/* weak[e] = 1: e's ids are one component only with additionalDetails AppId */
int evidence_check(unsigned char *weak)
{
    int bad = 0;
    int *owner = xmalloc((size_t)(ev.nnodes ? ev.nnodes : 1) * sizeof(int));
    for (int i = 0; i < ev.nnodes; i++)
        owner[i] = -1;
    unsigned char *used = calloc((size_t)W.nents + 1, 1);
    if (!used)
        die("out of memory");
    for (int i = 0; i < W.nspecs; i++) {
        if (!W.specs[i].rid)
            continue;
        if (W.specs[i].actor >= 0)
            used[W.specs[i].actor] = 1;
        if (W.specs[i].target >= 0)
            used[W.specs[i].target] = 1;
    }
    for (int e = 0; e < W.nents; e++) {
        if (!used[e])
            continue;
        const char *ids[4];
        int n = ent_ids(e, ids), comp = -1, scomp = -1;
        weak[e] = 0;
        for (int i = 0; i < n; i++) {
            int x = node_of(ids[i], 0);
            if (x < 0)
                continue;
            int c = find(ev.all, x), s = find(ev.strong, x);
            if (comp >= 0 && c != comp) {
                fprintf(stderr, "world: evidence: %s's id %s is not linked to its other ids\n",
                        W.ents[e].name, ids[i]);
                bad = 1;
            }
            if (scomp >= 0 && s != scomp)
                weak[e] = 1;
            comp = c;
            scomp = s;
            if (owner[c] >= 0 && owner[c] != e) {
                fprintf(stderr, "world: evidence: %s and %s are one component\n",
                        W.ents[owner[c]].name, W.ents[e].name);
                bad = 1;
            }
            owner[c] = e;
        }
    }
    free(owner);
    free(used);
    return bad ? -1 : 0;
}
