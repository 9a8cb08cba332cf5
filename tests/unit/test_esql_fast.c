/* esql_fast: every column an ES|QL query reads, read from the store and the
 * record's bytes (ct_esql_fast_fill), is exactly the column of the rebuilt
 * document (ct_store_event_json + esql_doc_field): the same scalars, types,
 * order and multi-values, absent where the document has none. Checked for
 * every event of samples/ and the fixtures, for the same records in the ECS
 * form the full path makes of them, and for generated corpora in
 * $CT_FASTSCAN_EXTRA (colon separated; `make unit` passes gen.c raw and
 * --ecs, gen_filebeat normal, --heavy and --full), with the columns of each
 * shipped ES|QL rule and a wider list. An event whose columns the reader
 * declines is rebuilt by the scan: counted, not compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "esql_fast.h"
#include "esql_int.h"
#include "corpusutil.h"
#include "norm.h"
#include "store.h"
#include "util.h"

/* Beside the rules' columns: every column the reader knows, and others it
 * walks in ECS documents (arrays, numbers, bools, objects, absent ones). */
static const char *const wide[] = {
    "event.dataset", "data_stream.dataset", "event.provider", "event.action", "event.outcome", "event.id",
    "cloud.region", "source.address", "source.ip", "user_agent.original", "@timestamp",
    "aws.cloudtrail.user_identity.type", "aws.cloudtrail.user_identity.arn",
    "aws.cloudtrail.user_identity.access_key_id", "cloud.account.id", "user.name", "user.id",
    "aws.cloudtrail.request_parameters", "aws.cloudtrail.response_elements", "user.target.name",
    "credtriage.actor.id", "credtriage.actor.name", "credtriage.actor.ip", "credtriage.target.name",
    "credtriage.credential.id", "credtriage.credential_used", "credtriage.dataset", "credtriage.action",
    "event.category", "event.type", "event.kind", "event.duration", "related.user", "related.ip", "tags",
    "source.geo.country_iso_code", "source.as.number", "azure.signinlogs.properties.id",
    "azure.auditlogs.properties.target_resources", "gcp.audit.method_name",
    "event.created", "user.domain", "agent.type", "host.name", "nothing.here",
};

/* What a raw sign-in gives (and the rules read). */
static const char *const narrow[] = {
    "event.dataset", "data_stream.dataset", "event.action", "event.outcome", "event.id", "@timestamp",
    "source.ip", "client.ip", "source.address", "credtriage.actor.id", "credtriage.credential_used",
};

typedef struct tally {
    size_t events, filled, declined, compared, mismatches;
    size_t by_kind[CT_KIND__COUNT];
    char first_bad[600];
} tally;

static int sc_same(const esql_sc *a, const esql_sc *b)
{
    if (a->t != b->t) return 0;
    switch (a->t) {
    case EV_STR: return a->n == b->n && !memcmp(a->s, b->s, a->n);
    case EV_DBL: return !memcmp(&a->d, &b->d, sizeof a->d);
    case EV_LONG: return a->i == b->i && !memcmp(&a->d, &b->d, sizeof a->d);
    default: return a->i == b->i;
    }
}

/* The rebuilt document of the event being compared (made once for all lists). */
static cJSON *doc_of(const ct_store *st, size_t i, cJSON **doc, size_t *doc_i)
{
    if (*doc && *doc_i == i) return *doc;
    cJSON_Delete(*doc);
    *doc = ct_store_event_json(st, i);
    *doc_i = i;
    return *doc;
}

static cJSON *cur_doc;
static size_t cur_i;

static void compare(tally *t, const ct_store *st, size_t i, ct_esql_fast *f, const char *const *cols, size_t n,
                    const char *what)
{
    esql_ctx c = {0};
    unsigned char date[64] = {0};
    assert_true(n < sizeof date);
    for (size_t k = 0; k < n; k++) date[k] = (unsigned char)esql_date_field(cols[k]);
    ct_esql_cols s;
    esql_cols_init(&s, &c, n, date);
    if (!ct_esql_fast_fill(f, st, i, &s)) {
        t->declined++;
        esql_arena_free(&c);
        return;
    }
    t->filled++;
    t->by_kind[st->ev[i].kind]++;
    cJSON *doc = doc_of(st, i, &cur_doc, &cur_i);
    assert_non_null(doc);
    for (size_t k = 0; k < n; k++) {
        esql_val a = esql_cols_val(&s, k), b = esql_doc_field(&c, doc, cols[k]);
        int same = a.n == b.n;
        for (size_t j = 0; same && j < a.n; j++) same = sc_same(&a.v[j], &b.v[j]);
        t->compared++;
        if (!same) {
            if (!t->mismatches) {
                cJSON *x = esql_val_json(&a), *y = esql_val_json(&b);
                char *xs = cJSON_PrintUnformatted(x), *ys = cJSON_PrintUnformatted(y);
                snprintf(t->first_bad, sizeof t->first_bad, "%s: event %zu (%s:%u) column %s: fast %s, document %s",
                         what, i, ct_event_file(st, &st->ev[i]), st->ev[i].line, cols[k], xs, ys);
                free(xs), free(ys);
                cJSON_Delete(x), cJSON_Delete(y);
            }
            t->mismatches++;
        }
    }
    esql_arena_free(&c);
}

/* The column lists: each shipped ES|QL rule's (when it has one without
 * patterns), then the wide one. */
typedef struct lists {
    ct_esql *q[8];
    size_t nq;
} lists;

static void rule_queries(lists *l)
{
    static const char *const rules[] = {
        "rules/aws/aws_iam_user_self_created_access_key_subsequently_used.json",
        "rules/azure/entra_id_credential_added_then_used_from_a_new_address.json",
    };
    for (size_t r = 0; r < CT_ARRAY_LEN(rules); r++) {
        char *buf, err[256];
        size_t len;
        assert_int_equal(ct_read_file(rules[r], &buf, &len), 0);
        cJSON *j = cJSON_ParseWithLength(buf, len);
        assert_non_null(j);
        ct_esql *q = ct_esql_parse(ct_json_str(j, "query"), err, sizeof err);
        assert_non_null(q);
        const char *const *cols;
        size_t n;
        assert_int_equal(ct_esql_columns(q, &cols, &n), 1);
        l->q[l->nq++] = q;
        cJSON_Delete(j);
        free(buf);
    }
}

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

static void check_store(tally *t, const ct_store *st, const lists *l, const char *what)
{
    ct_esql_fast *f[10];
    const char *const *cols[10];
    size_t ncols[10], nl = 0;
    for (size_t r = 0; r < l->nq; r++) {
        ct_esql_columns(l->q[r], &cols[nl], &ncols[nl]);
        f[nl] = ct_esql_fast_new(cols[nl], ncols[nl]);
        nl++;
    }
    cols[nl] = wide;
    ncols[nl] = CT_ARRAY_LEN(wide);
    f[nl] = ct_esql_fast_new(wide, CT_ARRAY_LEN(wide));
    nl++;
    cols[nl] = narrow;
    ncols[nl] = CT_ARRAY_LEN(narrow);
    f[nl] = ct_esql_fast_new(narrow, CT_ARRAY_LEN(narrow));
    nl++;
    for (size_t i = 0; i < st->nev; i++) {
        if (st->ev[i].flags & CT_EVF_ALERT) continue;
        t->events++;
        for (size_t k = 0; k < nl; k++) compare(t, st, i, f[k], cols[k], ncols[k], what);
    }
    for (size_t k = 0; k < nl; k++) ct_esql_fast_free(f[k]);
    cJSON_Delete(cur_doc);
    cur_doc = NULL;
}

static void check_file(tally *t, const lists *l, const char *path)
{
    ct_store st;
    ct_store_init(&st);
    st.diag = quiet;
    ct_store_load(&st, path);
    check_store(t, &st, l, path);
    ct_store_free(&st);
}

typedef struct dir_ctx {
    tally *t;
    const lists *l;
} dir_ctx;

static void dir_file(void *vctx, const char *path)
{
    dir_ctx *c = vctx;
    check_file(c->t, c->l, path);
}

static void check_dir(tally *t, const lists *l, const char *dir)
{
    dir_ctx c = {t, l};
    corpus_each_file(dir, dir_file, &c);
}

static const char *const dirs[] = {
    "samples", "tests/fixtures/norm/cloud", "tests/fixtures/norm/ms", "tests/fixtures/rules",
    "tests/fixtures/corr", "tests/fixtures/input", "tests/fixtures/real",
};

static void report(const char *name, const tally *t)
{
    printf("esql_fast %s: %zu events, %zu column sets read fast (ecs %zu, cloudtrail %zu, azure %zu), %zu declined, "
           "%zu columns compared, %zu mismatches\n",
           name, t->events, t->filled, t->by_kind[CT_KIND_ECS], t->by_kind[CT_KIND_CLOUDTRAIL],
           t->by_kind[CT_KIND_AZURE_DIAG], t->declined,
           t->compared, t->mismatches);
    if (t->mismatches) fprintf(stderr, "first mismatch: %s\n", t->first_bad);
}

static void free_lists(lists *l)
{
    for (size_t r = 0; r < l->nq; r++) ct_esql_free(l->q[r]);
}

static void test_samples_and_fixtures(void **state)
{
    (void)state;
    lists l = {0};
    rule_queries(&l);
    tally t = {0};
    for (size_t i = 0; i < CT_ARRAY_LEN(dirs); i++) check_dir(&t, &l, dirs[i]);
    report("samples+fixtures", &t);
    assert_int_equal(t.mismatches, 0);
    assert_true(t.by_kind[CT_KIND_CLOUDTRAIL] >= 50);
    assert_true(t.by_kind[CT_KIND_AZURE_DIAG] >= 50);
    free_lists(&l);
}

/* The same records as ECS documents (the full path's, one per line). */
static void test_ecs_documents(void **state)
{
    (void)state;
    lists l = {0};
    rule_queries(&l);
    tally t = {0};
    for (size_t d = 0; d < CT_ARRAY_LEN(dirs); d++) {
        char tmp[] = "/tmp/test_esql_fast_XXXXXX";
        int fd = mkstemp(tmp);
        assert_true(fd >= 0);
        FILE *out = fdopen(fd, "w");
        ct_store st;
        ct_store_init(&st);
        st.diag = quiet;
        DIR *dir = opendir(dirs[d]);
        struct dirent *de;
        while (dir && (de = readdir(dir))) {
            size_t n = strlen(de->d_name);
            if (de->d_name[0] == '.' || (n > 3 && !strcmp(de->d_name + n - 3, ".md"))) continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dirs[d], de->d_name);
            ct_store_load(&st, path);
        }
        if (dir) closedir(dir);
        for (size_t i = 0; i < st.nev; i++) {
            ct_norm n;
            if (st.ev[i].flags & CT_EVF_ALERT || ct_store_norm(&st, i, &n) < 0) continue;
            char *s = cJSON_PrintUnformatted(n.doc);
            fprintf(out, "%s\n", s);
            free(s);
            ct_norm_free(&n);
        }
        ct_store_free(&st);
        fclose(out);
        check_file(&t, &l, tmp);
        unlink(tmp);
    }
    report("as ECS", &t);
    assert_int_equal(t.mismatches, 0);
    assert_true(t.by_kind[CT_KIND_ECS] >= 100);
    free_lists(&l);
}

static void test_extra_files(void **state)
{
    (void)state;
    const char *extra = getenv("CT_FASTSCAN_EXTRA");
    if (!extra || !*extra) {
        printf("esql_fast extra: none ($CT_FASTSCAN_EXTRA unset)\n");
        return;
    }
    lists l = {0};
    rule_queries(&l);
    char *copy = ct_xstrdup(extra), *save = NULL;
    for (char *f = strtok_r(copy, ":", &save); f; f = strtok_r(NULL, ":", &save)) {
        tally t = {0};
        check_file(&t, &l, f);
        report(f, &t);
        assert_int_equal(t.mismatches, 0);
        assert_true(t.filled > 0);
    }
    free(copy);
    free_lists(&l);
}

/* Hand-made records for the repairs and the refusals: each either read fast
 * and equal to its document, or declined, as listed. */
static void test_crafted(void **state)
{
    (void)state;
    static const struct {
        const char *rec;
        int wide, narrow; /* read fast for the wide list, the narrow one */
    } recs[] = {
        /* ECS: event.dataset from data_stream.dataset, an en dash folded, multi-values of every type */
        {"{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"data_stream\":{\"dataset\":\"azure.auditlogs\"},"
         "\"event\":{\"action\":\"Update application \xe2\x80\x93 Certificates and secrets management \"},"
         "\"source\":{\"ip\":[\"1.2.3.4\",\"5.6.7.8\"]},\"tags\":[1,true,null,{\"a\":1},[2,\"x\",false]],"
         "\"user\":[{\"name\":\"a\"},{\"name\":[\"b\",\"c\"]},{\"name\":{\"x\":1}}]}", 1, 1},
        /* ECS: data_stream.dataset from event.dataset; the record's own credtriage is replaced */
        {"{\"@timestamp\":1714557600000,\"event\":{\"dataset\":\"aws.cloudtrail\",\"action\":\"\"},"
         "\"credtriage\":{\"actor\":{\"id\":\"spoofed\"}},\"source\":{\"address\":\"x\",\"ip\":null}}", 1, 1},
        /* ECS refusals: a key twice where a repair reads, kibana.*, an escape, a dotted key, a fraction */
        {"{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event\":{\"dataset\":\"a\"},\"event\":{\"dataset\":\"b\"}}", 0, 0},
        {"{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"kibana\":{\"x\":1},\"event\":{\"dataset\":\"a\"}}", 0, 0},
        {"{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event\":{\"dataset\":\"a\",\"provider\":\"x\\ty\"}}", 0, 1},
        {"{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event.dataset\":\"a\",\"event\":{\"provider\":\"p\"}}", 0, 0},
        {"{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event\":{\"dataset\":\"a\",\"duration\":1.5}}", 0, 1},
        {"{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event\":{\"dataset\":\"a\",\"action\":[\"x\"]}}", 0, 0},
        /* raw CloudTrail: an assumed role's issuer names the user, a failure, a target user */
        {"{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"AssumedRole\",\"userName\":\"u\",\"arn\":\"arn:a\","
         "\"accountId\":\"1\",\"accessKeyId\":\"ASIAX\",\"sessionContext\":{\"sessionIssuer\":{\"userName\":\"role\"}}},"
         "\"eventTime\":\"2024-05-01T10:00:00Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\","
         "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"iam.amazonaws.com\",\"userAgent\":\"ua\","
         "\"errorCode\":\"AccessDenied\",\"requestParameters\":{\"userName\":\"bob\",\"a.b\":1},\"responseElements\":null}", 0, 0},
        /* raw CloudTrail refusals: ConsoleLogin, a response object, a type that is no string */
        {"{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\"},\"eventTime\":\"2024-05-01T10:00:00Z\","
         "\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\"}", 0, 0},
        {"{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":7},\"eventTime\":\"2024-05-01T10:00:00Z\","
         "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\"}", 0, 0},
        /* raw sign-ins (the narrow list): a folded operation name, a negative error code (no
         * outcome), an address that is no IP; a failure from ip_address; then refusals: properties as
         * a string, a key of no sign-in, a status as a string */
        {"{\"time\":\"2024-05-01T10:00:00.5Z\",\"category\":\"ServicePrincipalSignInLogs\","
         "\"operationName\":\"Sign-in activity \xe2\x80\x93 x \",\"callerIpAddress\":\"10.0.0.1\","
         "\"properties\":{\"id\":\"abc\",\"ipAddress\":\"not-an-ip\",\"status\":{\"errorCode\":-1}}}", 0, 1},
        {"{\"time\":\"2024-05-01T10:00:00Z\",\"category\":\"SignInLogs\",\"operationName\":\"Sign-in activity\","
         "\"properties\":{\"id\":\"d\",\"ip_address\":\"2001:db8::1\",\"status\":{\"errorCode\":50126}}}", 0, 1},
        {"{\"time\":\"2024-05-01T10:00:00Z\",\"category\":\"SignInLogs\",\"properties\":\"{}\"}", 0, 0},
        {"{\"time\":\"2024-05-01T10:00:00Z\",\"category\":\"SignInLogs\",\"other\":1,\"properties\":{}}", 0, 0},
        {"{\"time\":\"2024-05-01T10:00:00Z\",\"category\":\"SignInLogs\",\"properties\":{\"status\":\"{}\"}}", 0, 0},
    };
    /* (the first CloudTrail record is read fast for the rules' columns, but the
     * wide list reads request_parameters, which only the document has) */
    lists l = {0};
    rule_queries(&l);
    char tmp[] = "/tmp/test_esql_fast_XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    FILE *out = fdopen(fd, "w");
    for (size_t r = 0; r < CT_ARRAY_LEN(recs); r++) fprintf(out, "%s\n", recs[r].rec);
    fclose(out);
    ct_store st;
    ct_store_init(&st);
    st.diag = quiet;
    ct_store_load(&st, tmp);
    unlink(tmp);
    assert_int_equal(st.nev, CT_ARRAY_LEN(recs));
    ct_esql_fast *f = ct_esql_fast_new(wide, CT_ARRAY_LEN(wide));
    ct_esql_fast *h = ct_esql_fast_new(narrow, CT_ARRAY_LEN(narrow));
    tally t = {0};
    for (size_t i = 0; i < st.nev; i++) {
        size_t before = t.filled;
        compare(&t, &st, i, f, wide, CT_ARRAY_LEN(wide), "crafted");
        size_t mid = t.filled;
        compare(&t, &st, i, h, narrow, CT_ARRAY_LEN(narrow), "crafted, narrow");
        if ((int)(mid - before) != recs[i].wide || (int)(t.filled - mid) != recs[i].narrow)
            fail_msg("record %zu: wide %zu, narrow %zu read fast", i, mid - before, t.filled - mid);
    }
    const char *const *cols;
    size_t n;
    ct_esql_columns(l.q[0], &cols, &n);
    ct_esql_fast *g = ct_esql_fast_new(cols, n);
    size_t before = t.filled;
    compare(&t, &st, 8, g, cols, n, "crafted, rule");
    assert_int_equal(t.filled, before + 1);
    cJSON_Delete(cur_doc);
    cur_doc = NULL;
    report("crafted", &t);
    assert_int_equal(t.mismatches, 0);
    ct_esql_fast_free(f);
    ct_esql_fast_free(g);
    ct_esql_fast_free(h);
    ct_store_free(&st);
    free_lists(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crafted),
        cmocka_unit_test(test_samples_and_fixtures),
        cmocka_unit_test(test_ecs_documents),
        cmocka_unit_test(test_extra_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
