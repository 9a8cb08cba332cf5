/* The fast path's tree builder (ct_fast_tree, fastscan_tree.c) against
 * cJSON_ParseWithLength: over every record of samples/ and tests/fixtures/,
 * the generated files in $CT_FASTSCAN_EXTRA, hand-written edge cases
 * (escapes, \u, numbers, duplicates, empty containers) and mutated copies of
 * them, a tree it builds must equal cJSON's node for node: type, key, string
 * bytes, number bits, valueint, order and the prev links; and where cJSON
 * fails it must fail too. Both entry points: straight, and right after
 * ct_fast_extract validated the record (as loading uses it). And
 * ct_fast_plain_record: a record it calls plain, input.c must call one record.
 * The hints it gives (no key holds a '.') must be true of cJSON's tree, and
 * normalizing with them must give the same document and fields as without. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fastscan.h"
#include "input.h"
#include "corpusutil.h"

typedef struct tally {
    size_t records, built, after_extract, plain, trees, flat, mismatches;
    char first_bad[512];
} tally;

static void mismatch(tally *t, const char *where, const char *what)
{
    t->mismatches++;
    if (!t->first_bad[0]) snprintf(t->first_bad, sizeof t->first_bad, "%s: %s", where, what);
}

/* NULL when equal, else what differs */
static const char *diff(const cJSON *a, const cJSON *b)
{
    for (; a || b; a = a->next, b = b->next) {
        if (!a || !b) return "sibling count";
        if (a->type != b->type) return "type";
        if (!a->string != !b->string || (a->string && strcmp(a->string, b->string))) return "key";
        if (!a->valuestring != !b->valuestring || (a->valuestring && strcmp(a->valuestring, b->valuestring)))
            return "string";
        if (memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble)) return "valuedouble";
        if (a->valueint != b->valueint) return "valueint";
        if (!a->child != !b->child) return "children";
        if (a->child) {
            /* the first child's prev is the last one, in both */
            const cJSON *la = a->child, *lb = b->child;
            while (la->next) la = la->next;
            while (lb->next) lb = lb->next;
            if (a->child->prev != la || b->child->prev != lb) return "first child's prev";
            for (const cJSON *c = a->child; c->next; c = c->next)
                if (c->next->prev != c) return "prev link";
            const char *d = diff(a->child, b->child);
            if (d) return d;
        }
    }
    return NULL;
}

static int any_dotted_key(const cJSON *v)
{
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next)
        if ((c->string && strchr(c->string, '.')) || any_dotted_key(c)) return 1;
    return 0;
}

/* the record normalized as loading does it (with the hints) and as without */
static const char *same_norm(const cJSON *mine, unsigned hints, const cJSON *ref)
{
    ct_norm a, b;
    char ea[256] = "", eb[256] = "";
    int ra = ct_normalize_take_hint(cJSON_Duplicate(mine, 1), hints, &a, ea, sizeof ea);
    int rb = ct_normalize(ref, &b, eb, sizeof eb);
    const char *bad = NULL;
    if (ra != rb || strcmp(ea, eb)) bad = "normalized with hints: another result";
    else if (ra == 0) {
        char *da = cJSON_PrintUnformatted(a.doc), *db = cJSON_PrintUnformatted(b.doc);
        cJSON *fa = ct_fields_to_json(&a.f, NULL, 0), *fb = ct_fields_to_json(&b.f, NULL, 0);
        char *sa = cJSON_PrintUnformatted(fa), *sb = cJSON_PrintUnformatted(fb);
        if (a.kind != b.kind || strcmp(da, db)) bad = "normalized with hints: another document";
        else if (strcmp(sa, sb) || a.f.ts != b.f.ts) bad = "normalized with hints: other fields";
        cJSON_free(da), cJSON_free(db), cJSON_free(sa), cJSON_free(sb);
        cJSON_Delete(fa), cJSON_Delete(fb);
    }
    if (ra == 0) ct_norm_free(&a);
    if (rb == 0) ct_norm_free(&b);
    return bad;
}

static void check_tree(tally *t, cJSON *mine, unsigned hints, const char *p, size_t len, const char *where)
{
    cJSON *ref = cJSON_ParseWithLength(p, len);
    if (mine && !ref) mismatch(t, where, "built a tree where cJSON fails");
    else if (mine) {
        const char *d = diff(mine, ref);
        if (d) mismatch(t, where, d);
        if ((hints & CT_NORM_NO_DOTTED_KEYS) && any_dotted_key(ref)) mismatch(t, where, "no dotted keys, it said");
        if (!(hints & CT_NORM_NO_DOTTED_KEYS) && !any_dotted_key(ref)) mismatch(t, where, "dotted keys, it said");
        t->trees++;
        if (hints & CT_NORM_NO_DOTTED_KEYS) t->flat++;
        if (!d && (d = same_norm(mine, hints, ref))) mismatch(t, where, d);
    }
    cJSON_Delete(ref);
    cJSON_Delete(mine);
}

static void check_record(tally *t, const char *p, size_t len, const char *where)
{
    t->records++;
    unsigned hints = 0;
    cJSON *mine = ct_fast_tree(p, len, 0, &hints);
    if (mine) t->built++;
    check_tree(t, mine, hints, p, len, where);
    ct_fast fx;
    ct_fast_extract(p, len, &fx);
    if (fx.valid) {
        /* "one plain record" must agree with the loader's own reading */
        if (ct_fast_plain_record(p, len)) {
            t->plain++;
            if (!ct_input_one_record(p, len)) mismatch(t, where, "plain record that input.c would split");
        }
        t->after_extract++;
        hints = 0;
        mine = ct_fast_tree(p, len, 1, &hints);
        if (!mine && len <= 65535) mismatch(t, where, "no tree after a validated extract");
        check_tree(t, mine, hints, p, len, where);
    }
}

/* corpusutil's walks hand each record here */
static void check_cb(void *t, const char *p, size_t len, const char *where)
{
    check_record(t, p, len, where);
}

static const char *const dirs[] = {
    "samples", "tests/fixtures/norm/cloud", "tests/fixtures/norm/ms", "tests/fixtures/rules",
    "tests/fixtures/corr", "tests/fixtures/input", "tests/fixtures/esql",
};

static void report(const tally *t, const char *what)
{
    printf("fastscan tree %s: %zu records, %zu built, %zu after an extract (%zu plain), %zu of %zu trees "
           "without dotted keys, %zu mismatches\n",
           what, t->records, t->built, t->after_extract, t->plain, t->flat, t->trees, t->mismatches);
    if (t->mismatches) fprintf(stderr, "first mismatch: %s\n", t->first_bad);
}

static void test_samples_and_fixtures(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < CT_ARRAY_LEN(dirs); i++) corpus_dir(dirs[i], 0, check_cb, &t);
    report(&t, "samples");
    assert_int_equal(t.mismatches, 0);
    assert_true(t.built >= 800);
    assert_true(t.after_extract >= 800);
    assert_true(t.flat >= 800 && t.flat < t.trees);
}

static void test_extra_files(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    if (!corpus_extra(check_cb, &t)) {
        printf("fastscan tree extra: none ($CT_FASTSCAN_EXTRA unset)\n");
        return;
    }
    report(&t, "extra");
    assert_int_equal(t.mismatches, 0);
    /* generated records are all valid JSON: every one is built */
    assert_int_equal(t.built, t.records);
}

static const char *const seeds[] = {
    "{\"a\":\"x\\\"y\\\\z\\/w\\b\\f\\n\\r\\t\",\"b\":\"\\u0041\\u00e9\\u20ac\\u07ff\\u0800\\uffff\",\"\\u0000\":1}",
    "{\"n\":[0,-0,1.5,-2.25e3,1E-7,12345678901234567890,2147483647,2147483648,-2147483648,-2147483649,1e999,-1e999,0.1]}",
    "{\"k\":1,\"k\":{\"k\":[],\"e\":{}},\"t\":true,\"f\":false,\"z\":null,\"s\":\"\",\"u\":\"\\ud83d\\ude00\"}",
    "  {  \"sp\" :  [ 1 , [ [ ] , { } ] , \"x\" ] , \"raw\":\"caf\xc3\xa9 \xff\" }  \n",
    "{\"event\":{\"action\":\"Update application \xe2\x80\x93 Certificates and secrets management \",\"n\":3},\"x.y\":\"dot\"}",
    "[1,2,{\"a\":[]}]",
    /* envelopes and wrappers: never "plain" */
    "{\"Records\":[{\"eventName\":\"x\"},{\"eventName\":\"y\"}]}",
    "{\"took\":1,\"hits\":{\"total\":2,\"hits\":[{\"_source\":{\"a\":1}}]}}",
    "{\"type\":\"doc\",\"value\":{\"index\":\"i\",\"source\":{\"a\":1}}}",
    "\"just a string\"",
    "12.5e-1",
};

static void test_edge_cases_and_mutations(void **state)
{
    (void)state;
    static const char subst[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'u', 'e', '.', '-', '0', '9', '\x01'};
    tally t;
    memset(&t, 0, sizeof t);
    corpus_mutate(seeds, CT_ARRAY_LEN(seeds), subst, sizeof subst, 1, check_cb, &t);
    report(&t, "edge cases");
    assert_int_equal(t.mismatches, 0);
    assert_true(t.built > 500);
    assert_true(t.plain > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_and_fixtures),
        cmocka_unit_test(test_extra_files),
        cmocka_unit_test(test_edge_cases_and_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
