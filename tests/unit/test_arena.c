/* Unit tests for src/arena.c: cJSON trees made in a scope come from the
 * thread's chunks and are dropped at its end; trees made outside a scope,
 * big blocks and other threads keep plain malloc, and freeing either kind
 * anywhere is safe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static const char doc[] = "{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]},\"d\":\"yy\"}";

/* Two records parsed one after the other in scopes get the same memory:
 * the second scope reuses what the first one took. */
static void test_scope_reuses(void **st)
{
    (void)st;
    if (!ct_arena_enabled()) skip();
    ct_arena_begin();
    cJSON *a = cJSON_Parse(doc);
    assert_non_null(a);
    void *first = a;
    cJSON_Delete(a);
    ct_arena_end();
    ct_arena_begin();
    cJSON *b = cJSON_Parse(doc);
    assert_ptr_equal(b, first);
    assert_string_equal(cJSON_GetObjectItem(b, "d")->valuestring, "yy");
    cJSON_Delete(b);
    ct_arena_end();
}

/* Nested scopes end at the outermost end: an inner end keeps the tree. */
static void test_nested(void **st)
{
    (void)st;
    ct_arena_begin();
    cJSON *a = cJSON_Parse(doc);
    ct_arena_begin();
    cJSON *b = cJSON_Parse(doc);
    cJSON_Delete(b);
    ct_arena_end();
    cJSON *again = cJSON_Parse(doc); /* must not land on a's nodes */
    char *pa = cJSON_PrintUnformatted(a), *pb = cJSON_PrintUnformatted(again);
    assert_string_equal(pa, doc);
    assert_string_equal(pb, doc);
    cJSON_free(pa);
    cJSON_free(pb);
    cJSON_Delete(again);
    cJSON_Delete(a);
    ct_arena_end();
}

/* A tree made outside any scope is freed inside one, and one made inside
 * the scope is deleted there: both with cJSON_Delete, no double free
 * (checked under valgrind with CT_ARENA=0 and by ASan's build). */
/* ct_arena_holds_all: only inside a scope, and only while no block of it
 * went to malloc (a big string); a new outermost scope starts clean. A tree
 * it holds is left undeleted, and the next scope reuses its memory. */
static void test_holds_all(void **st)
{
    (void)st;
    assert_int_equal(ct_arena_holds_all(), 0);
    if (!ct_arena_enabled()) skip();
    ct_arena_begin();
    cJSON *a = cJSON_Parse(doc);
    assert_non_null(a);
    assert_int_equal(ct_arena_holds_all(), 1);
    ct_arena_begin(); /* nested: still the same outermost scope */
    assert_int_equal(ct_arena_holds_all(), 1);
    size_t big = 20 * 1024;
    char *s = malloc(big + 1);
    memset(s, 'x', big);
    s[big] = 0;
    cJSON *b = cJSON_CreateString(s); /* its string is over the arena's block size */
    assert_int_equal(ct_arena_holds_all(), 0);
    cJSON_Delete(b);
    free(s);
    ct_arena_end();
    assert_int_equal(ct_arena_holds_all(), 0); /* the big block counts until the outermost end */
    ct_arena_end();
    assert_int_equal(ct_arena_holds_all(), 0);
    ct_arena_begin();
    assert_int_equal(ct_arena_holds_all(), 1);
    cJSON *c = cJSON_Parse(doc); /* a's memory, never deleted, is reused */
    assert_ptr_equal(c, a);
    assert_string_equal(cJSON_GetObjectItem(c, "d")->valuestring, "yy");
    ct_arena_end();
}

static void test_mixed(void **st)
{
    (void)st;
    cJSON *out = cJSON_Parse(doc);
    ct_arena_begin();
    cJSON *in = cJSON_Parse(doc);
    cJSON_Delete(out);
    /* a string bigger than the arena's small blocks is plain malloc */
    size_t big = 100000;
    char *s = malloc(big + 1);
    memset(s, 'z', big);
    s[big] = 0;
    cJSON *bs = cJSON_CreateString(s);
    assert_int_equal(strlen(bs->valuestring), big);
    cJSON_AddItemToObject(in, "big", bs);
    cJSON_Delete(in);
    free(s);
    ct_arena_end();
}

/* A record bigger than the chunks (many nodes) still parses whole. */
static void test_many_nodes(void **st)
{
    (void)st;
    size_t n = 200000;
    char *buf = malloc(n * 4 + 3), *p = buf;
    *p++ = '[';
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s%d", i ? "," : "", (int)(i % 10));
    *p++ = ']';
    *p = 0;
    ct_arena_begin();
    cJSON *a = cJSON_Parse(buf);
    assert_int_equal(cJSON_GetArraySize(a), (int)n);
    assert_int_equal((int)cJSON_GetArrayItem(a, (int)n - 1)->valuedouble, (int)((n - 1) % 10));
    cJSON_Delete(a);
    ct_arena_end();
    free(buf);
}

static void *other_thread(void *arg)
{
    (void)arg;
    ct_arena_begin();
    for (int i = 0; i < 1000; i++) cJSON_Delete(cJSON_Parse(doc));
    ct_arena_end();
    return cJSON_Parse(doc); /* outside a scope: plain malloc, freed by the caller */
}

/* Threads have arenas of their own; a tree made outside a scope on one
 * thread is freed on another. */
static void test_threads(void **st)
{
    (void)st;
    pthread_t t[2];
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&t[i], NULL, other_thread, NULL), 0);
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(t[i], &r);
        char *s = cJSON_PrintUnformatted(r);
        assert_string_equal(s, doc);
        cJSON_free(s);
        cJSON_Delete(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scope_reuses), cmocka_unit_test(test_nested),
        cmocka_unit_test(test_holds_all),
        cmocka_unit_test(test_mixed),        cmocka_unit_test(test_many_nodes),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
