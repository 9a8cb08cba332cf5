/* decisions: per-alert decision files in the rules repo. */
#include "decisions.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "json.h"
#include "rules.h"
#include "sanitize.h"
#include "out.h"

static const struct { const char *name; ct_status st; } statuses[] = {
    {"acknowledged", CT_STATUS_ACKNOWLEDGED},
    {"false_positive", CT_STATUS_FALSE_POSITIVE},
    {"remediated", CT_STATUS_REMEDIATED},
    {"open", CT_STATUS_OPEN},
    {"reopened", CT_STATUS_OPEN},
};

const char *ct_decision_status_word(ct_status s)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(statuses); i++)
        if (statuses[i].st == s) return statuses[i].name;
    return "open";
}

void ct_decision_free(ct_decision *d)
{
    if (!d) return;
    free(d->alert_id);
    free(d->rule_id);
    free(d->rule_name);
    free(d->analyst);
    free(d->note);
    free(d->exception);
    for (size_t i = 0; i < d->nsteps; i++) free(d->steps[i]);
    free(d->steps);
    free(d->ev_file);
    free(d->ev_dataset);
    free(d->ev_record_id);
    cJSON_Delete(d->actor);
    cJSON_Delete(d->target);
    cJSON_Delete(d->credential);
    free(d->path);
    free(d->based_on);
    free(d->prev_analyst);
    memset(d, 0, sizeof *d);
}

static char *dup_or_null(const char *s)
{
    return s ? ct_xstrdup(s) : NULL;
}

static int str_field(const cJSON *j, const char *k, int required, char **out, ct_sbuf *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required) ct_sbuf_addf(err, "no \"%s\"", k);
        return required ? -1 : 0;
    }
    if (!cJSON_IsString(v)) {
        ct_sbuf_addf(err, "\"%s\" is not a string", k);
        return -1;
    }
    if (required && !*v->valuestring) {
        ct_sbuf_addf(err, "\"%s\" is empty", k);
        return -1;
    }
    *out = ct_xstrdup(v->valuestring);
    return 0;
}

static cJSON *obj_copy(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    return cJSON_IsObject(v) ? cJSON_Duplicate(v, 1) : NULL;
}

static int from_json(const cJSON *j, ct_decision *d, ct_sbuf *err)
{
    memset(d, 0, sizeof *d);
    d->at = CT_TIME_NONE;
    if (!cJSON_IsObject(j)) {
        ct_sbuf_add(err, "not a JSON object");
        return -1;
    }
    char *status = NULL, *at = NULL;
    if (str_field(j, "alert_id", 1, &d->alert_id, err) < 0 ||
        str_field(j, "rule_id", 0, &d->rule_id, err) < 0 ||
        str_field(j, "rule_name", 0, &d->rule_name, err) < 0 ||
        str_field(j, "status", 1, &status, err) < 0 ||
        str_field(j, "analyst", 1, &d->analyst, err) < 0 || str_field(j, "at", 1, &at, err) < 0 ||
        str_field(j, "note", 0, &d->note, err) < 0 ||
        str_field(j, "exception", 0, &d->exception, err) < 0)
        goto fail;
    /* an alert id is 16 hex digits; what is not an id (invalid UTF-8,
     * controls, path characters) names no alert and would not round trip */
    size_t idn = strlen(d->alert_id);
    int id_ok = idn <= 64;
    for (const char *p = d->alert_id; id_ok && *p; p++)
        id_ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-' ||
                *p == '_' || (*p == '.' && p != d->alert_id);
    if (!id_ok) {
        ct_sbuf_add(err, "\"alert_id\" is not an alert id (letters, digits, - _ ., at most 64; credtriage writes 16 hex digits)");
        goto fail;
    }
    size_t k;
    for (k = 0; k < CT_ARRAY_LEN(statuses); k++)
        if (!strcmp(statuses[k].name, status)) break;
    if (k == CT_ARRAY_LEN(statuses)) {
        ct_sbuf_addf(err, "unknown status \"%s\" (acknowledged, false_positive, remediated, open)", status);
        goto fail;
    }
    d->status = statuses[k].st;
    if (ct_time_parse(at, strlen(at), &d->at) < 0) {
        ct_sbuf_add(err, "\"at\" is not an ISO 8601 time");
        goto fail;
    }
    if (d->status == CT_STATUS_FALSE_POSITIVE && !d->exception) {
        ct_sbuf_add(err, "a false_positive decision must name its \"exception\"");
        goto fail;
    }
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(j, "steps");
    if (steps && !cJSON_IsNull(steps)) {
        if (!cJSON_IsArray(steps)) {
            ct_sbuf_add(err, "\"steps\" is not an array");
            goto fail;
        }
        d->steps = ct_xcalloc((size_t)cJSON_GetArraySize(steps) + 1, sizeof(char *));
        const cJSON *c;
        cJSON_ArrayForEach(c, steps) {
            if (!cJSON_IsString(c)) {
                ct_sbuf_add(err, "a step is not a string");
                goto fail;
            }
            d->steps[d->nsteps++] = ct_xstrdup(c->valuestring);
        }
    }
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(j, "event");
    if (ev && !cJSON_IsNull(ev)) {
        if (!cJSON_IsObject(ev)) {
            ct_sbuf_add(err, "\"event\" is not an object");
            goto fail;
        }
        d->ev_file = dup_or_null(ct_json_str(ev, "file"));
        d->ev_dataset = dup_or_null(ct_json_str(ev, "dataset"));
        d->ev_record_id = dup_or_null(ct_json_str(ev, "record_id"));
        const cJSON *line = cJSON_GetObjectItemCaseSensitive(ev, "line");
        /* range-checked before the cast: "line": 1e999 parses as inf, and an
         * out-of-range double to integer conversion is undefined behaviour */
        if (cJSON_IsNumber(line) && line->valuedouble >= 0 && line->valuedouble < 4294967296.0)
            d->ev_line = (uint64_t)line->valuedouble;
    }
    d->actor = obj_copy(j, "actor");
    d->target = obj_copy(j, "target");
    d->credential = obj_copy(j, "credential");
    d->based_on = dup_or_null(ct_json_str(j, "based_on"));
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(j, "previous");
    if (cJSON_IsObject(pv)) {
        const char *pa = ct_json_str(pv, "analyst"), *ps = ct_json_str(pv, "status"),
                   *pt = ct_json_str(pv, "at");
        d->has_prev = 1;
        d->prev_analyst = dup_or_null(pa);
        d->prev_status = CT_STATUS_OPEN;
        for (size_t i = 0; ps && i < CT_ARRAY_LEN(statuses); i++)
            if (!strcmp(statuses[i].name, ps)) d->prev_status = statuses[i].st;
        d->prev_at = CT_TIME_NONE;
        if (pt) ct_time_parse(pt, strlen(pt), &d->prev_at);
    }
    if (d->note && !*d->note) { /* written "note": "" when there is none */
        free(d->note);
        d->note = NULL;
    }
    free(status);
    free(at);
    return 0;
fail:
    free(status);
    free(at);
    ct_decision_free(d);
    return -1;
}

/* What is read is what ct_decision_to_file writes back (a hostile or
 * hand-made file's invalid UTF-8 becomes U+FFFD here, not only on the next
 * write), so parse -> write -> parse gives the same decision. */
int ct_decision_from_json(const cJSON *j, ct_decision *d, ct_sbuf *err)
{
    cJSON *w = ct_json_written_copy(j);
    int rc = from_json(w ? w : j, d, err);
    cJSON_Delete(w);
    return rc;
}

cJSON *ct_decision_to_json(const ct_decision *d)
{
    cJSON *o = cJSON_CreateObject();
    char t[32];
    cJSON_AddStringToObject(o, "alert_id", d->alert_id ? d->alert_id : "");
    if (d->rule_id) cJSON_AddStringToObject(o, "rule_id", d->rule_id);
    if (d->rule_name) cJSON_AddStringToObject(o, "rule_name", d->rule_name);
    cJSON_AddStringToObject(o, "status", ct_decision_status_word(d->status));
    cJSON_AddStringToObject(o, "analyst", d->analyst ? d->analyst : "");
    ct_time_fmt(d->at, t);
    cJSON_AddStringToObject(o, "at", t);
    cJSON_AddStringToObject(o, "note", d->note ? d->note : "");
    if (d->exception) cJSON_AddStringToObject(o, "exception", d->exception);
    if (d->steps || d->status == CT_STATUS_REMEDIATED) {
        cJSON *a = cJSON_AddArrayToObject(o, "steps");
        for (size_t i = 0; i < d->nsteps; i++) cJSON_AddItemToArray(a, cJSON_CreateString(d->steps[i]));
    }
    cJSON *ev = cJSON_AddObjectToObject(o, "event");
    if (d->ev_file) cJSON_AddStringToObject(ev, "file", d->ev_file);
    if (d->ev_line) cJSON_AddNumberToObject(ev, "line", (double)d->ev_line);
    if (d->ev_dataset) cJSON_AddStringToObject(ev, "dataset", d->ev_dataset);
    if (d->ev_record_id) cJSON_AddStringToObject(ev, "record_id", d->ev_record_id);
    if (d->actor) cJSON_AddItemToObject(o, "actor", cJSON_Duplicate(d->actor, 1));
    if (d->target) cJSON_AddItemToObject(o, "target", cJSON_Duplicate(d->target, 1));
    if (d->credential) cJSON_AddItemToObject(o, "credential", cJSON_Duplicate(d->credential, 1));
    /* "previous" is written whenever there is one, with or without
     * "based_on" (a file may hold one without the other: it was read back
     * with has_prev and would lose it here); null only after a based_on */
    if (d->based_on) cJSON_AddStringToObject(o, "based_on", d->based_on);
    if (d->has_prev) {
        cJSON *p = cJSON_AddObjectToObject(o, "previous");
        cJSON_AddStringToObject(p, "analyst", d->prev_analyst ? d->prev_analyst : "");
        cJSON_AddStringToObject(p, "status", ct_decision_status_word(d->prev_status));
        ct_time_fmt(d->prev_at, t);
        cJSON_AddStringToObject(p, "at", t);
    } else if (d->based_on) {
        cJSON_AddNullToObject(o, "previous");
    }
    return o;
}

char *ct_decision_to_file(const ct_decision *d)
{
    cJSON *o = ct_decision_to_json(d);
    char *s = ct_json_pretty(o);
    cJSON_Delete(o);
    return s;
}

void ct_decision_path(const char *alert_id, int64_t ts, ct_sbuf *out)
{
    if (ts == CT_TIME_NONE) {
        ct_sbuf_add(out, "decisions/0000/00/");
    } else {
        char t[32];
        ct_time_fmt(ts, t); /* YYYY-MM-... */
        ct_sbuf_addf(out, "decisions/%.4s/%.2s/", t, t + 5);
    }
    ct_san_filename(alert_id, out);
    ct_sbuf_add(out, ".json");
}

void ct_decision_from_alert(ct_decision *d, const ct_store *st, const ct_alert *a)
{
    d->alert_id = ct_xstrdup(a->id);
    d->rule_id = dup_or_null(a->rule_id);
    d->rule_name = dup_or_null(a->rule_name);
    const ct_event *e = &st->ev[a->event];
    d->ev_file = dup_or_null(ct_event_file(st, e));
    d->ev_line = e->line;
    d->ev_dataset = dup_or_null(ct_event_str(st, e, CT_EF_DATASET));
    d->ev_record_id = dup_or_null(ct_event_str(st, e, CT_EF_RECORD_ID));
    d->actor = ct_alert_entity_json(st, a, "actor");
    d->target = ct_alert_entity_json(st, a, "target");
    d->credential = ct_alert_entity_json(st, a, "credential");
}

/* ---- loading ---------------------------------------------------------------- */

void ct_decisions_free(ct_decision_set *s)
{
    for (size_t i = 0; i < s->n; i++) ct_decision_free(&s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

static void report(ct_diag_fn diag, void *ctx, const char *file, const char *msg)
{
    if (diag) diag(ctx, file, 0, msg);
    else ct_out_printf(stderr, "%s: %s\n", file, msg);
}

static int load_one(const ct_repofs *fs, const char *rel, const char *name, ct_decision_set *out,
                    ct_diag_fn diag, void *ctx)
{
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = -1;
    ct_decision d;
    cJSON *j = ct_json_load(fs, rel, &err);
    if (!j) goto done;
    if (ct_decision_from_json(j, &d, &err) < 0) goto done;
    if (!ct_json_file_named(name, d.alert_id, "alert_id", &err)) {
        ct_decision_free(&d);
        goto done;
    }
    d.path = ct_xstrdup(rel);
    out->v = ct_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
    out->v[out->n++] = d;
    rc = 0;
done:
    if (rc < 0) report(diag, ctx, rel, err.buf);
    cJSON_Delete(j);
    ct_sbuf_free(&err);
    return rc;
}

/* Names in a decisions folder; a folder that cannot be read safely (a
 * symlink) is reported and counted. */
static char **list_or_report(const ct_repofs *fs, const char *rel, size_t *n, size_t *problems,
                             ct_diag_fn diag, void *ctx)
{
    ct_sbuf err;
    ct_sbuf_init(&err);
    char **v = ct_repofs_list(fs, rel, n, NULL, &err);
    if (!v && err.len) {
        report(diag, ctx, rel, err.buf);
        (*problems)++;
    }
    ct_sbuf_free(&err);
    return v;
}

static int cmp_dec(const void *a, const void *b)
{
    const ct_decision *x = a, *y = b;
    int c = strcmp(x->alert_id, y->alert_id);
    if (c) return c;
    return x->at < y->at ? -1 : x->at > y->at;
}

size_t ct_decisions_load(const char *root, ct_decision_set *out, ct_diag_fn diag, void *ctx)
{
    out->v = NULL;
    out->n = 0;
    size_t problems = 0, ny = 0;
    ct_repofs fs;
    ct_sbuf ferr;
    ct_sbuf_init(&ferr);
    if (ct_repofs_open(&fs, root, NULL, &ferr) < 0) {
        report(diag, ctx, "decisions", ferr.buf);
        ct_sbuf_free(&ferr);
        return 1;
    }
    ct_sbuf_free(&ferr);
    char **years = list_or_report(&fs, "decisions", &ny, &problems, diag, ctx);
    for (size_t y = 0; y < ny; y++) {
        ct_sbuf yd;
        ct_sbuf_init(&yd);
        ct_sbuf_addf(&yd, "decisions/%s", years[y]);
        size_t nm = 0;
        char **months = ct_repofs_kind(&fs, yd.buf) == CT_FS_FILE
                            ? NULL : list_or_report(&fs, yd.buf, &nm, &problems, diag, ctx);
        for (size_t m = 0; m < nm; m++) {
            ct_sbuf md;
            ct_sbuf_init(&md);
            ct_sbuf_addf(&md, "%s/%s", yd.buf, months[m]);
            size_t nf = 0;
            char **files = ct_repofs_kind(&fs, md.buf) == CT_FS_FILE
                               ? NULL : list_or_report(&fs, md.buf, &nf, &problems, diag, ctx);
            for (size_t f = 0; f < nf; f++) {
                size_t fl = strlen(files[f]);
                if (fl < 6 || strcmp(files[f] + fl - 5, ".json")) continue;
                ct_sbuf rel;
                ct_sbuf_init(&rel);
                ct_sbuf_addf(&rel, "%s/%s", md.buf, files[f]);
                if (!all_digits(years[y], 4) || !all_digits(months[m], 2)) {
                    report(diag, ctx, rel.buf, "not in a decisions/YYYY/MM/ folder");
                    problems++;
                } else if (load_one(&fs, rel.buf, files[f], out, diag, ctx) < 0) {
                    problems++;
                }
                ct_sbuf_free(&rel);
            }
            ct_strv_free(files, nf);
            ct_sbuf_free(&md);
        }
        ct_strv_free(months, nm);
        ct_sbuf_free(&yd);
    }
    ct_strv_free(years, ny);
    ct_repofs_close(&fs);
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_dec);
    /* keep the latest of several files for one alert */
    size_t w = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (w && !strcmp(out->v[w - 1].alert_id, out->v[i].alert_id)) {
            ct_decision_free(&out->v[w - 1]);
            out->v[w - 1] = out->v[i];
        } else {
            out->v[w++] = out->v[i];
        }
    }
    out->n = w;
    return problems;
}

const ct_decision *ct_decisions_find(const ct_decision_set *s, const char *alert_id)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid].alert_id, alert_id);
        if (!c) return &s->v[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}
