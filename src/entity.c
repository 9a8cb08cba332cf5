/* entity: keys, the joins between them (union-find with evidence, bounded),
 * and every event's entities by role. entity.h and docs/CORRELATION.md say
 * what joins and why.
 *
 * Keys. A value an event states is folded (ASCII case) and filed under a
 * namespace: its cloud (Microsoft, AWS, GCP, other: no id is shared across
 * clouds) and its class (an id, a name, a credential). Microsoft values with
 * an '@' are UPNs: names, which join only while unique. AWS and GCP names are
 * not keys at all: an IAM user name means nothing without its account (the
 * extractor writes it into an ARN), a GCP principal is its email.
 *
 * Joins, in two passes so a name's uniqueness is judged against the final id
 * joins: first every id a record states for one party with the others, then
 * every name with the one identity it is stated with, if one. */
#include "entity.h"

#include <stdlib.h>
#include <string.h>

enum { FAM_GEN, FAM_MS, FAM_AWS, FAM_GCP, FAM__N };
enum { CLS_ID, CLS_NAME, CLS_CRED, CLS__N };
#define NS_OF(fam, cls) ((uint8_t)((fam) * CLS__N + (cls)))
#define JUNK UINT32_MAX
#define MULTI UINT32_MAX

typedef struct edge {
    uint32_t a, b, ev;
    uint8_t why;
} edge;

struct ct_entities {
    const ct_store *st;
    size_t nev;
    ct_pool folded;          /* folded values */
    uint32_t *fold;          /* store string -> folded value (0 not yet, JUNK: no id) */
    uint32_t *kc;            /* store string -> the key last made of it (a cache) */
    uint8_t *at;             /* store string -> 1 plain, 2 holds an '@' (0 not looked at) */
    size_t nfold;
    /* (namespace, folded value) -> key, open addressing */
    uint64_t *hk;
    uint32_t *hv;
    size_t hcap, hn;
    /* keys 1..nkeys */
    uint32_t *key_sid;       /* the store string first seen */
    uint8_t *key_ns;
    uint32_t *parent, *size;
    size_t nkeys, capkeys;
    edge *edges;
    size_t nedges, capedges, refused;
    /* per event, per numbered role: a key while building, then an identity */
    uint32_t *role[4];
    /* identities */
    uint32_t nident;
    uint32_t *ident_of_key;
    uint8_t *kind;           /* per identity */
    uint32_t *ik_start, *ik_items; /* identity -> keys */
    uint32_t *ie_start, *ie_items; /* identity -> edges */
    /* small caches: dataset string -> family, type string -> kind */
    uint32_t ds_sid[16];
    uint8_t ds_fam[16];
    size_t nds;
};

/* ---- values and keys ---- */

static const char *const junk_ids[] = {"not available", "null", "none", "n/a", "-", "unknown",
                                       "00000000-0000-0000-0000-000000000000"};

/* Folded value of store string sid: 0 none, JUNK a placeholder that is no id. */
static uint32_t fold(ct_entities *E, uint32_t sid)
{
    if (!sid || sid >= E->nfold) return 0;
    if (E->fold[sid]) return E->fold[sid];
    const ct_pool *p = &E->st->pool;
    const char *s = p->strs[sid];
    size_t len = p->lens[sid];
    char stackbuf[256];
    char *tmp = len < sizeof stackbuf ? stackbuf : ct_xmalloc(len + 1);
    for (size_t i = 0; i < len; i++) tmp[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    tmp[len] = 0;
    uint32_t k = JUNK;
    int junk = !len;
    for (size_t i = 0; !junk && i < CT_ARRAY_LEN(junk_ids); i++) junk = !strcmp(tmp, junk_ids[i]);
    if (!junk) k = ct_pool_intern(&E->folded, tmp, len);
    if (tmp != stackbuf) free(tmp);
    return E->fold[sid] = k;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static void map_grow(ct_entities *E)
{
    size_t cap = E->hcap ? E->hcap * 2 : 1024;
    uint64_t *hk = ct_xcalloc(cap, sizeof *hk);
    uint32_t *hv = ct_xmalloc(cap * sizeof *hv);
    for (size_t i = 0; i < E->hcap; i++) {
        if (!E->hk[i]) continue;
        size_t j = mix(E->hk[i]) & (cap - 1);
        while (hk[j]) j = (j + 1) & (cap - 1);
        hk[j] = E->hk[i];
        hv[j] = E->hv[i];
    }
    free(E->hk);
    free(E->hv);
    E->hk = hk;
    E->hv = hv;
    E->hcap = cap;
}

static void union_keys(ct_entities *E, uint32_t a, uint32_t b, size_t ev, ct_link_why why);

static uint32_t new_key(ct_entities *E, uint8_t ns, uint32_t sid)
{
    if (E->nkeys + 1 >= E->capkeys) {
        E->capkeys = E->capkeys ? E->capkeys * 2 : 1024;
        E->key_sid = ct_xrealloc(E->key_sid, E->capkeys * sizeof *E->key_sid);
        E->key_ns = ct_xrealloc(E->key_ns, E->capkeys * sizeof *E->key_ns);
        E->parent = ct_xrealloc(E->parent, E->capkeys * sizeof *E->parent);
        E->size = ct_xrealloc(E->size, E->capkeys * sizeof *E->size);
    }
    uint32_t k = (uint32_t)++E->nkeys;
    E->key_sid[k] = sid;
    E->key_ns[k] = ns;
    E->parent[k] = k;
    E->size[k] = 1;
    return k;
}

/* The key of (namespace, folded value f), made on first sight from store string sid. */
static uint32_t key_get(ct_entities *E, uint8_t ns, uint32_t f, uint32_t sid, int *fresh)
{
    uint64_t hk = ((uint64_t)ns + 1) << 32 | f;
    if ((E->hn + 1) * 2 > E->hcap) map_grow(E);
    size_t j = mix(hk) & (E->hcap - 1);
    while (E->hk[j]) {
        if (E->hk[j] == hk) return E->hv[j];
        j = (j + 1) & (E->hcap - 1);
    }
    uint32_t k = new_key(E, ns, sid);
    E->hk[j] = hk;
    E->hv[j] = k;
    E->hn++;
    if (fresh) *fresh = 1;
    return k;
}

/* An IAM user's ARN with a path ("arn:aws:iam::A:user/p/q/name") is also
 * written without it where a call names the user: the key of that form. */
static void arn_alias(ct_entities *E, uint32_t k, uint32_t f, uint32_t sid, size_t ev)
{
    const char *s = E->folded.strs[f];
    size_t len = E->folded.lens[f];
    if (len < 14 || memcmp(s, "arn:aws:iam::", 13)) return;
    const char *u = strstr(s, ":user/");
    if (!u) return;
    const char *name = strrchr(u + 6, '/');
    if (!name) return; /* no path */
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "%.*s/%s", (int)(u + 5 - s), s, name + 1);
    uint32_t af = ct_pool_intern(&E->folded, b.buf, b.len);
    ct_sbuf_free(&b);
    uint32_t a = key_get(E, NS_OF(FAM_AWS, CLS_ID), af, sid, NULL);
    union_keys(E, k, a, ev, CT_LINK_ARN_PATH);
}

/* The key of store string sid in cloud fam, class cls (0 for none). */
static uint32_t key_of(ct_entities *E, int fam, int cls, uint32_t sid, size_t ev)
{
    if (!sid || sid >= E->nfold) return 0;
    uint8_t ns = NS_OF(fam, cls);
    uint32_t k = E->kc[sid];
    if (k && E->key_ns[k] == ns) return k;
    uint32_t f = fold(E, sid);
    if (!f || f == JUNK) return 0;
    int fresh = 0;
    k = key_get(E, ns, f, sid, &fresh);
    E->kc[sid] = k;
    if (fresh && fam == FAM_AWS && cls == CLS_ID) arn_alias(E, k, f, sid, ev);
    return k;
}

/* sid holds an '@' (a UPN, where names are keys) */
static int has_at(ct_entities *E, uint32_t sid)
{
    if (!E->at[sid]) E->at[sid] = memchr(E->st->pool.strs[sid], '@', E->st->pool.lens[sid]) ? 2 : 1;
    return E->at[sid] == 2;
}

/* ---- union-find ---- */

static uint32_t find(uint32_t *parent, uint32_t k)
{
    uint32_t r = k;
    while (parent[r] != r) r = parent[r];
    while (parent[k] != r) {
        uint32_t next = parent[k];
        parent[k] = r;
        k = next;
    }
    return r;
}

static void union_keys(ct_entities *E, uint32_t a, uint32_t b, size_t ev, ct_link_why why)
{
    if (!a || !b) return;
    uint32_t ra = find(E->parent, a), rb = find(E->parent, b);
    if (ra == rb) return;
    if (E->size[ra] + E->size[rb] > CT_ENTITY_MAX_IDS) {
        E->refused++;
        return;
    }
    /* the bigger set stays the root; on a tie, the older key: deterministic */
    if (E->size[ra] < E->size[rb] || (E->size[ra] == E->size[rb] && rb < ra)) {
        uint32_t t = ra;
        ra = rb;
        rb = t;
    }
    E->parent[rb] = ra;
    E->size[ra] += E->size[rb];
    if (E->nedges == E->capedges) {
        E->capedges = E->capedges ? E->capedges * 2 : 256;
        E->edges = ct_xrealloc(E->edges, E->capedges * sizeof *E->edges);
    }
    E->edges[E->nedges++] = (edge){a, b, (uint32_t)ev, (uint8_t)why};
}

/* ---- an event's values ---- */

static int family(ct_entities *E, const ct_event *e)
{
    uint32_t ds = e->si[CT_EF_DATASET];
    for (size_t i = 0; i < E->nds; i++)
        if (E->ds_sid[i] == ds) return E->ds_fam[i];
    const char *s = ct_pool_str(&E->st->pool, ds);
    int fam = FAM_GEN;
    if (s && (!strncmp(s, "azure.", 6) || !strncmp(s, "o365.", 5))) fam = FAM_MS;
    else if (s && !strncmp(s, "aws.", 4)) fam = FAM_AWS;
    else if (s && !strncmp(s, "gcp.", 4)) fam = FAM_GCP;
    if (E->nds < CT_ARRAY_LEN(E->ds_sid)) { /* a few datasets: cached */
        E->ds_sid[E->nds] = ds;
        E->ds_fam[E->nds++] = (uint8_t)fam;
    }
    return fam;
}

typedef struct party {
    uint32_t id[3], name;
    enum ct_ef from[3]; /* the field each id came from */
    size_t nid;
} party;

/* One party's ids and name. A Microsoft (or unknown) value with an '@' is a
 * UPN: a name. AWS and GCP names are not keys. */
static void party_keys(ct_entities *E, int fam, const ct_event *e, const enum ct_ef *ids, size_t nids,
                       enum ct_ef name, size_t ev, party *p)
{
    memset(p, 0, sizeof *p);
    const ct_store *st = E->st;
    int names = fam == FAM_MS || fam == FAM_GEN;
    for (size_t i = 0; i < nids; i++) {
        uint32_t sid = ct_event_sid(st, e, ids[i]);
        if (!sid || sid >= E->nfold) continue;
        int upn = names && has_at(E, sid);
        uint32_t k = key_of(E, fam, upn ? CLS_NAME : CLS_ID, sid, ev);
        if (!k) continue;
        if (upn) {
            if (!p->name) p->name = k;
        } else {
            p->from[p->nid] = ids[i];
            p->id[p->nid++] = k;
        }
    }
    uint32_t nm = names && !p->name ? ct_event_sid(st, e, name) : 0;
    if (nm) p->name = key_of(E, fam, CLS_NAME, nm, ev);
}

static const enum ct_ef actor_ids[] = {CT_EF_ACTOR_ID, CT_EF_ACTOR_ID2};
static const enum ct_ef target_ids[] = {CT_EF_TARGET_ID, CT_EF_TARGET_ID2, CT_EF_TARGET_APP_ID};

static void parties(ct_entities *E, size_t i, int *fam, party *a, party *t)
{
    const ct_event *e = &E->st->ev[i];
    *fam = family(E, e);
    party_keys(E, *fam, e, actor_ids, 2, CT_EF_ACTOR_NAME, i, a);
    party_keys(E, *fam, e, target_ids, 3, CT_EF_TARGET_NAME, i, t);
}

/* ---- kinds ---- */

static ct_ent_kind kind_of_type(int fam, const char *t)
{
    static const struct { const char *t; ct_ent_kind k; } m[] = {
        {"application", CT_ENT_APPLICATION}, {"service_principal", CT_ENT_SERVICE_PRINCIPAL},
        {"managed_identity", CT_ENT_MANAGED_IDENTITY}, {"iam_user", CT_ENT_AWS_IAM_USER},
        {"assumed_role", CT_ENT_AWS_ROLE_SESSION}, {"root", CT_ENT_AWS_ROOT},
        {"federated_user", CT_ENT_AWS_FEDERATED_USER}, {"aws_service", CT_ENT_AWS_SERVICE},
        {"role", CT_ENT_AWS_ROLE}, {"service_account", CT_ENT_GCP_SERVICE_ACCOUNT},
        {"key_pair", CT_ENT_KEY_PAIR},
    };
    if (!t) return CT_ENT_UNKNOWN;
    if (!strcmp(t, "user")) return fam == FAM_GCP ? CT_ENT_GCP_PRINCIPAL : CT_ENT_ENTRA_USER;
    for (size_t i = 0; i < CT_ARRAY_LEN(m); i++)
        if (!strcmp(t, m[i].t)) return m[i].k;
    return CT_ENT_UNKNOWN;
}

static ct_ent_kind kind_of_cred(int fam, const char *t)
{
    if (t && (!strcmp(t, "password") || !strcmp(t, "certificate") || !strcmp(t, "federated")))
        return CT_ENT_APP_CREDENTIAL;
    if (t && (!strcmp(t, "access_key") || !strcmp(t, "federation_token"))) return CT_ENT_ACCESS_KEY;
    if (t && !strcmp(t, "service_account_key")) return CT_ENT_SA_KEY;
    if (t) return CT_ENT_CREDENTIAL;
    return fam == FAM_AWS ? CT_ENT_ACCESS_KEY : fam == FAM_GCP ? CT_ENT_SA_KEY
           : fam == FAM_MS ? CT_ENT_APP_CREDENTIAL : CT_ENT_CREDENTIAL;
}

/* An application and its service principal are one identity, an application. */
static void set_kind(ct_entities *E, uint32_t id, ct_ent_kind k)
{
    if (!id || k == CT_ENT_UNKNOWN) return;
    ct_ent_kind o = (ct_ent_kind)E->kind[id];
    if (o == CT_ENT_UNKNOWN || (o == CT_ENT_SERVICE_PRINCIPAL && k == CT_ENT_APPLICATION))
        E->kind[id] = (uint8_t)k;
}

/* the kind may still change (set_kind) */
static int open_kind(const ct_entities *E, uint32_t id)
{
    return id && (E->kind[id] == CT_ENT_UNKNOWN || E->kind[id] == CT_ENT_SERVICE_PRINCIPAL);
}

/* ---- build ---- */

static void csr(uint32_t n, const uint32_t *owner, size_t m, uint32_t **start, uint32_t **items)
{
    *start = ct_xcalloc((size_t)n + 2, sizeof **start);
    for (size_t i = 0; i < m; i++) (*start)[owner[i] + 1]++;
    for (uint32_t i = 1; i < n + 2; i++) (*start)[i] += (*start)[i - 1];
    *items = ct_xmalloc((m ? m : 1) * sizeof **items);
    uint32_t *fill = ct_xmalloc(((size_t)n + 1) * sizeof *fill);
    memcpy(fill, *start, ((size_t)n + 1) * sizeof *fill);
    for (size_t i = 0; i < m; i++) (*items)[fill[owner[i]]++] = (uint32_t)i;
    free(fill);
}

ct_entities *ct_entities_build(const ct_store *st)
{
    ct_entities *E = ct_xcalloc(1, sizeof *E);
    E->st = st;
    E->nev = st->nev;
    ct_pool_init(&E->folded);
    E->nfold = st->pool.nstrs + 1;
    E->fold = ct_xcalloc(E->nfold, sizeof *E->fold);
    E->kc = ct_xcalloc(E->nfold, sizeof *E->kc);
    E->at = ct_xcalloc(E->nfold, 1);
    size_t n = st->nev;
    for (int r = 0; r < 4; r++) E->role[r] = ct_xcalloc(n ? n : 1, sizeof *E->role[r]);

    /* 1. every id a record states for one party, joined; credentials keyed.
     * A name stated with an id: the first id it came with, and every other
     * (name, id) pair, for step 2 (most names repeat with their first id). */
    uint32_t *firstid = NULL, *firstev = NULL;
    uint32_t (*pairs)[3] = NULL; /* name, id, event */
    size_t npairs = 0, cappairs = 0, capfirst = 0;
    for (size_t i = 0; i < n; i++) {
        const ct_event *e = &st->ev[i];
        int fam;
        party p[2];
        parties(E, i, &fam, &p[0], &p[1]);
        for (size_t j = 1; j < p[0].nid; j++) union_keys(E, p[0].id[0], p[0].id[j], i, CT_LINK_SAME_RECORD);
        for (size_t j = 1; j < p[1].nid; j++)
            union_keys(E, p[1].id[0], p[1].id[j], i,
                       p[1].from[j] == CT_EF_TARGET_APP_ID ? CT_LINK_APP_MAPPING : CT_LINK_SAME_RECORD);
        for (int r = 0; r < 2; r++) {
            E->role[r][i] = p[r].nid ? p[r].id[0] : p[r].name;
            uint32_t nm = p[r].name, id = p[r].nid ? p[r].id[0] : 0;
            if (!nm || !id) continue;
            if (E->nkeys + 1 > capfirst) {
                size_t cap = capfirst ? capfirst : 1024;
                while (cap < E->nkeys + 1) cap *= 2;
                firstid = ct_xrealloc(firstid, cap * sizeof *firstid);
                firstev = ct_xrealloc(firstev, cap * sizeof *firstev);
                memset(firstid + capfirst, 0, (cap - capfirst) * sizeof *firstid);
                capfirst = cap;
            }
            if (!firstid[nm]) {
                firstid[nm] = id;
                firstev[nm] = (uint32_t)i;
            } else if (firstid[nm] != id) {
                if (npairs == cappairs) pairs = ct_xrealloc(pairs, (cappairs = cappairs ? 2 * cappairs : 256) * sizeof *pairs);
                pairs[npairs][0] = nm;
                pairs[npairs][1] = id;
                pairs[npairs++][2] = (uint32_t)i;
            }
        }
        E->role[CT_ROLE_CRED_USED][i] = key_of(E, fam, CLS_CRED, ct_event_sid(st, e, CT_EF_CRED_USED), i);
        if (e->flags & CT_EVF_CRED_ADD)
            E->role[CT_ROLE_CRED_MADE][i] = key_of(E, fam, CLS_CRED, ct_event_sid(st, e, CT_EF_CRED_ID), i);
    }

    /* 2. a name joins the one identity it is stated with, if one (judged on
     * the final joins of ids: no name joins two identities) */
    size_t nk = E->nkeys; /* (no key is made from here on) */
    uint32_t *with = ct_xcalloc(nk + 1, sizeof *with);
    for (uint32_t k = 1; k <= nk && k < capfirst; k++)
        if (firstid[k]) with[k] = find(E->parent, firstid[k]);
    for (size_t j = 0; j < npairs; j++) {
        uint32_t nm = pairs[j][0];
        if (with[nm] != MULTI && find(E->parent, pairs[j][1]) != with[nm]) with[nm] = MULTI;
    }
    for (uint32_t k = 1; k <= nk; k++)
        if (with[k] && with[k] != MULTI) union_keys(E, k, with[k], firstev[k], CT_LINK_UNIQUE_NAME);
    free(with);
    free(firstid);
    free(firstev);
    free(pairs);

    /* 3. identities numbered 1..n; every event's roles as identities */
    E->ident_of_key = ct_xcalloc(nk + 1, sizeof *E->ident_of_key);
    for (uint32_t k = 1; k <= nk; k++) {
        uint32_t r = find(E->parent, k);
        if (!E->ident_of_key[r]) E->ident_of_key[r] = ++E->nident;
        E->ident_of_key[k] = E->ident_of_key[r];
    }
    E->kind = ct_xcalloc((size_t)E->nident + 1, 1);
    for (size_t i = 0; i < n; i++) {
        const ct_event *e = &st->ev[i];
        int fam = family(E, e);
        for (int r = 0; r < 4; r++) E->role[r][i] = E->ident_of_key[E->role[r][i]];
        uint32_t a = E->role[CT_ROLE_ACTOR][i], t = E->role[CT_ROLE_TARGET][i];
        uint32_t u = E->role[CT_ROLE_CRED_USED][i], m = E->role[CT_ROLE_CRED_MADE][i];
        if (open_kind(E, a)) set_kind(E, a, kind_of_type(fam, ct_event_str(st, e, CT_EF_ACTOR_TYPE)));
        if (open_kind(E, t)) set_kind(E, t, kind_of_type(fam, ct_event_str(st, e, CT_EF_TARGET_TYPE)));
        if (open_kind(E, m)) set_kind(E, m, kind_of_cred(fam, ct_event_str(st, e, CT_EF_CRED_TYPE)));
        if (open_kind(E, u)) set_kind(E, u, kind_of_cred(fam, NULL));
    }
    /* identity -> keys, identity -> joins */
    uint32_t *owner = ct_xmalloc((nk + 1) * sizeof *owner);
    for (uint32_t k = 1; k <= nk; k++) owner[k - 1] = E->ident_of_key[k];
    csr(E->nident, owner, nk, &E->ik_start, &E->ik_items);
    owner = ct_xrealloc(owner, (E->nedges + 1) * sizeof *owner);
    for (size_t j = 0; j < E->nedges; j++) owner[j] = E->ident_of_key[E->edges[j].a];
    csr(E->nident, owner, E->nedges, &E->ie_start, &E->ie_items);
    free(owner);
    /* the folding tables are not needed for queries */
    free(E->fold);
    free(E->kc);
    free(E->at);
    E->fold = E->kc = NULL;
    E->at = NULL;
    free(E->hk);
    free(E->hv);
    E->hk = NULL;
    E->hv = NULL;
    return E;
}

void ct_entities_free(ct_entities *E)
{
    if (!E) return;
    ct_pool_free(&E->folded);
    free(E->fold);
    free(E->kc);
    free(E->at);
    free(E->hk);
    free(E->hv);
    free(E->key_sid);
    free(E->key_ns);
    free(E->parent);
    free(E->size);
    free(E->edges);
    for (int r = 0; r < 4; r++) free(E->role[r]);
    free(E->ident_of_key);
    free(E->kind);
    free(E->ik_start);
    free(E->ik_items);
    free(E->ie_start);
    free(E->ie_items);
    free(E);
}

/* ---- queries ---- */

uint32_t ct_entities_of(const ct_entities *E, size_t ev, ct_role role)
{
    if (!E || ev >= E->nev || role > CT_ROLE_CRED_MADE) return 0;
    return E->role[role][ev];
}

uint32_t ct_entities_count(const ct_entities *E)
{
    return E ? E->nident : 0;
}

ct_ent_kind ct_entities_kind(const ct_entities *E, uint32_t ident)
{
    return E && ident && ident <= E->nident ? (ct_ent_kind)E->kind[ident] : CT_ENT_UNKNOWN;
}

size_t ct_entities_refused(const ct_entities *E)
{
    return E ? E->refused : 0;
}

int ct_entities_ref(const ct_entities *E, size_t ev, ct_role role, ct_entity_ref *out)
{
    memset(out, 0, sizeof *out);
    if (!E || ev >= E->nev || role >= CT_ROLE__COUNT) return 0;
    const ct_store *st = E->st;
    const ct_event *e = &st->ev[ev];
    static const enum ct_ef id_of[CT_ROLE__COUNT] = {CT_EF_ACTOR_ID, CT_EF_TARGET_ID, CT_EF_CRED_USED,
                                                     CT_EF_CRED_ID, CT_EF_CLIENT_APP, CT_EF_RESOURCE,
                                                     CT_EF_NAMED, CT_EF_ACTOR_IP};
    out->id = ct_event_str(st, e, id_of[role]);
    if (role == CT_ROLE_ACTOR) out->name = ct_event_str(st, e, CT_EF_ACTOR_NAME);
    if (role == CT_ROLE_TARGET) out->name = ct_event_str(st, e, CT_EF_TARGET_NAME);
    if (role == CT_ROLE_CRED_MADE) {
        if (!(e->flags & CT_EVF_CRED_ADD)) out->id = NULL;
        out->name = out->id ? ct_event_str(st, e, CT_EF_CRED_NAME) : NULL;
    }
    if (!out->id && !out->name) return 0;
    if (role <= CT_ROLE_CRED_MADE) {
        out->ident = E->role[role][ev];
        out->kind = ct_entities_kind(E, out->ident);
    } else if (role == CT_ROLE_SOURCE) {
        out->kind = CT_ENT_IP;
    } else if (role == CT_ROLE_NAMED) {
        out->kind = strchr(out->id, '@') ? CT_ENT_ENTRA_USER : CT_ENT_UNKNOWN;
    } else {
        out->kind = CT_ENT_APP_NAME;
    }
    return 1;
}

size_t ct_entities_ids(const ct_entities *E, uint32_t ident, const char **ids, size_t max)
{
    if (!E || !ident || ident > E->nident) return 0;
    uint32_t a = E->ik_start[ident], b = E->ik_start[ident + 1];
    for (uint32_t j = a; j < b && j - a < max; j++)
        ids[j - a] = ct_pool_str(&E->st->pool, E->key_sid[E->ik_items[j] + 1]);
    return b - a;
}

size_t ct_entities_links(const ct_entities *E, uint32_t ident, ct_link *out, size_t max)
{
    if (!E || !ident || ident > E->nident) return 0;
    uint32_t a = E->ie_start[ident], b = E->ie_start[ident + 1];
    for (uint32_t j = a; j < b && j - a < max; j++) {
        const edge *g = &E->edges[E->ie_items[j]];
        out[j - a] = (ct_link){ct_pool_str(&E->st->pool, E->key_sid[g->a]),
                               ct_pool_str(&E->st->pool, E->key_sid[g->b]), g->ev, (ct_link_why)g->why};
    }
    return b - a;
}

const char *ct_ent_kind_name(ct_ent_kind k)
{
    static const char *const names[CT_ENT__COUNT] = {
        "unknown", "entra_user", "application", "service_principal", "managed_identity",
        "aws_iam_user", "aws_role", "aws_role_session", "aws_root", "aws_federated_user",
        "aws_service", "gcp_principal", "gcp_service_account", "key_pair", "app_credential",
        "access_key", "service_account_key", "credential", "ip", "application_name"};
    return k < CT_ENT__COUNT ? names[k] : "unknown";
}

const char *ct_role_name(ct_role r)
{
    static const char *const names[CT_ROLE__COUNT] = {"actor", "target", "credential_used",
                                                      "credential_created", "client_app",
                                                      "resource", "named", "source_ip"};
    return r < CT_ROLE__COUNT ? names[r] : "unknown";
}

const char *ct_link_why_name(ct_link_why w)
{
    switch (w) {
    case CT_LINK_SAME_RECORD: return "stated together in one record";
    case CT_LINK_APP_MAPPING: return "a change states the application's appId";
    case CT_LINK_UNIQUE_NAME: return "a name stated with this identity only";
    case CT_LINK_ARN_PATH: return "an IAM user's ARN with and without its path";
    }
    return "unknown";
}
