/* fastscan: the entity fields of the hot record kinds straight from the
 * bytes, without a JSON tree: Azure sign-in and Entra audit diagnostic
 * records, CloudTrail API calls and GCP audit entries in their raw shapes
 * (fastscan.c), and the same datasets as ECS documents from Filebeat /
 * Elastic Agent (fastscan_ecs.c). It gives exactly what ct_normalize() gives
 * for the same record (tests/unit/test_fastscan.c compares both over every
 * sample and fixture, in both forms), and declines — the caller then takes
 * the full path — whenever the record is malformed, of another kind, has an
 * escape it cannot decode or a duplicate where a field is read, or is a
 * credential operation (those are rare and rules look at them anyway). */
#ifndef CT_FASTSCAN_H
#define CT_FASTSCAN_H
#include <stddef.h>
#include <stdint.h>
#include "store.h"

typedef struct ct_fstr {
    const char *s; /* into the record's bytes, or a static string; NULL = unknown */
    uint32_t n;
} ct_fstr;

typedef struct ct_fast {
    ct_kind kind;
    int64_t ts;
    ct_fstr v[CT_EF__COUNT];
    int is_credential_add, is_signin;
    int valid; /* the record passed the strict validator (declined or not): see ct_fast_tree */
    /* decoded or derived strings some fields point into (not cleared per record) */
    size_t scratch_used;
    char scratch[4096];
} ct_fast;

/* 1: out holds the record's fields; 0: take the full path. */
int ct_fast_extract(const char *p, size_t len, ct_fast *out);

/* The record's cJSON tree, the same as cJSON_ParseWithLength's, built
 * from the bytes in one pass (fastscan_tree.c); NULL: let cJSON parse it (not
 * strictly valid, a surrogate or \u0000, over 64 KiB, no memory). validated:
 * this thread's last ct_fast_extract was on these very bytes and set valid.
 * *hints (when not NULL, and a tree is returned) gets the ct_normalize_take_hint
 * hints the validator proved (CT_NORM_NO_DOTTED_KEYS: no key holds a '.'). */
cJSON *ct_fast_tree(const char *p, size_t len, int validated, unsigned *hints);

/* The fields a set of queries reads, for a pruned tree: a plain dotted name
 * (mask NULL: the value at that path, all of it), or a wildcard name (mask:
 * its '*' marks, kql.h) with its literal start t[0..lit): with leaves, the
 * leaves under that start whose path it matches (ct_kql_wild_match), else
 * every value under that start. */
typedef struct ct_fast_field {
    const char *t;
    size_t len, lit;
    const unsigned char *mask;
    int leaves;
    size_t tail; /* a wildcard's literal end (after its last '*'), in bytes */
} ct_fast_field;

typedef struct ct_fast_prune {
    ct_fast_field *v;
    size_t n;
    int all; /* a query reads free text: every leaf */
} ct_fast_prune;

/* ct_fast_tree of a record the fast path just passed (this thread's last
 * ct_fast_extract, on these bytes, set valid), holding only what pr names:
 * every member on the way to a named field, and the whole value at it
 * (arrays along the way kept, their elements pruned alike). A KQL query
 * reading only those fields, and ct_norm_ecs_repair given the fields it
 * reads, see the same values in it as in the whole tree (test_fastscan_rules).
 * NULL: build it otherwise (not validated here, over 64 KiB, no memory). */
cJSON *ct_fast_tree_pruned(const char *p, size_t len, const ct_fast_prune *pr);

/* 1: the record ct_fast_extract just declined (valid set, the same bytes) is
 * one plain record, no envelope of others; 0: not known (fastscan.c). */
int ct_fast_plain_record(const char *p, size_t len);

/* Off when $CREDTRIAGE_NOFAST is set (for A/B runs and equivalence checks). */
int ct_fast_enabled(void);

#endif
