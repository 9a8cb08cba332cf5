/* What the fast-vs-full tests share: each record of a file (or of every file
 * of a directory but its Markdown) handed to a check as bytes, named
 * FILE:LINE, or as the ECS document the full path makes of it (named
 * FILE:LINE (ECS)). Each test is one translation unit, so these are static;
 * include after <cmocka.h>. */
#ifndef CT_CORPUSUTIL_H
#define CT_CORPUSUTIL_H
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "input.h"
#include "norm.h"

typedef void (*corpus_check_fn)(void *ctx, const char *p, size_t len, const char *where);

/* The ECS document the full path makes of a record, with @timestamp moved
 * first as Filebeat writes it, as one line; NULL when it does not normalize. */
static char *corpus_ecs_text(const char *p, size_t len) __attribute__((unused));
static char *corpus_ecs_text(const char *p, size_t len)
{
    cJSON *rec = cJSON_ParseWithLength(p, len);
    if (!rec) return NULL;
    ct_norm n;
    char err[256];
    int rc = ct_normalize(rec, &n, err, sizeof err);
    cJSON_Delete(rec);
    if (rc < 0) return NULL;
    char *out = NULL;
    if (cJSON_IsObject(n.doc)) {
        cJSON *ts = cJSON_DetachItemFromObjectCaseSensitive(n.doc, "@timestamp");
        if (ts) cJSON_InsertItemInArray(n.doc, 0, ts);
        out = cJSON_PrintUnformatted(n.doc);
    }
    ct_norm_free(&n);
    return out;
}

typedef struct corpus_walk {
    corpus_check_fn check;
    void *ctx;
    const ct_input *in;
    const char *file;
    int ecs;
} corpus_walk;

static int corpus_on_span(void *vctx, const ct_span *sp)
{
    corpus_walk *w = vctx;
    char where[300];
    const char *p = w->in->data + sp->off;
    snprintf(where, sizeof where, "%s:%llu%s", w->file, (unsigned long long)sp->line, w->ecs ? " (ECS)" : "");
    if (!w->ecs) {
        w->check(w->ctx, p, sp->len, where);
        return 0;
    }
    char *doc = corpus_ecs_text(p, sp->len);
    if (doc) w->check(w->ctx, doc, strlen(doc), where);
    free(doc);
    return 0;
}

/* malformed lines are the loader's tests' business, not these */
static void corpus_on_bad(void *ctx, uint64_t line, const char *msg)
{
    (void)ctx, (void)line, (void)msg;
}

/* Every record of path (as its ECS document when ecs) through check. */
static void corpus_file(const char *path, int ecs, corpus_check_fn check, void *ctx) __attribute__((unused));
static void corpus_file(const char *path, int ecs, corpus_check_fn check, void *ctx)
{
    ct_input in;
    ct_sbuf err, warn;
    ct_sbuf_init(&err);
    ct_sbuf_init(&warn);
    if (ct_input_open(path, &in, &err, &warn) == 0) {
        corpus_walk w = {check, ctx, &in, path, ecs};
        ct_input_walk(&in, ct_input_sniff(&in), corpus_on_span, corpus_on_bad, &w);
        ct_input_close(&in);
    }
    ct_sbuf_free(&err);
    ct_sbuf_free(&warn);
}

/* fn on the path of every file of dir but dot files and Markdown. */
static void corpus_each_file(const char *dir, void (*fn)(void *ctx, const char *path), void *ctx)
    __attribute__((unused));
static void corpus_each_file(const char *dir, void (*fn)(void *ctx, const char *path), void *ctx)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || (l > 3 && !strcmp(de->d_name + l - 3, ".md"))) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        fn(ctx, path);
    }
    closedir(d);
}

typedef struct corpus_dir_ctx {
    corpus_check_fn check;
    void *ctx;
    int ecs;
} corpus_dir_ctx;

static void corpus_dir_file(void *vctx, const char *path)
{
    corpus_dir_ctx *c = vctx;
    corpus_file(path, c->ecs, c->check, c->ctx);
}

/* Every record of every file of dir (corpus_each_file's) through check. */
static void corpus_dir(const char *dir, int ecs, corpus_check_fn check, void *ctx) __attribute__((unused));
static void corpus_dir(const char *dir, int ecs, corpus_check_fn check, void *ctx)
{
    corpus_dir_ctx c = {check, ctx, ecs};
    corpus_each_file(dir, corpus_dir_file, &c);
}
/* Every record of each file named in $CT_FASTSCAN_EXTRA (colon separated:
 * generated corpora `make unit` passes in) through check; 0 when it is unset. */
static int corpus_extra(corpus_check_fn check, void *ctx) __attribute__((unused));
static int corpus_extra(corpus_check_fn check, void *ctx)
{
    const char *extra = getenv("CT_FASTSCAN_EXTRA");
    if (!extra || !*extra) return 0;
    char *copy = ct_xstrdup(extra), *save = NULL;
    for (char *f = strtok_r(copy, ":", &save); f; f = strtok_r(NULL, ":", &save)) corpus_file(f, 0, check, ctx);
    free(copy);
    return 1;
}

/* Each seed through check as it is, then at every byte position: cut there
 * (when truncate), and with that byte replaced by each of subst. */
static void corpus_mutate(const char *const *seeds, size_t nseeds, const char *subst, size_t nsubst, int truncate,
                          corpus_check_fn check, void *ctx) __attribute__((unused));
static void corpus_mutate(const char *const *seeds, size_t nseeds, const char *subst, size_t nsubst, int truncate,
                          corpus_check_fn check, void *ctx)
{
    for (size_t s = 0; s < nseeds; s++) {
        size_t len = strlen(seeds[s]);
        char *buf = ct_xmalloc(len + 1);
        check(ctx, seeds[s], len, "seed");
        for (size_t i = 0; i < len; i++) {
            if (truncate) check(ctx, seeds[s], i, "truncated");
            memcpy(buf, seeds[s], len);
            for (size_t k = 0; k < nsubst; k++) {
                buf[i] = subst[k];
                char where[64];
                snprintf(where, sizeof where, "seed %zu byte %zu = 0x%02x", s, i, (unsigned char)subst[k]);
                check(ctx, buf, len, where);
            }
        }
        free(buf);
    }
}
#endif
