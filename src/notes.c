/* notes: per-alert note threads and assignments in the rules repo. */
#include "notes.h"

#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "json.h"
#include "repofs.h"
#include "rules.h"
#include "sanitize.h"

static void month_dir(const char *top, const char *alert_id, int64_t ts, ct_sbuf *out)
{
    if (ts == CT_TIME_NONE) {
        ct_sbuf_addf(out, "%s/0000/00/", top);
    } else {
        char t[32];
        ct_time_fmt(ts, t);
        ct_sbuf_addf(out, "%s/%.4s/%.2s/", top, t, t + 5);
    }
    ct_san_filename(alert_id, out);
}

void ct_note_path(const char *alert_id, int64_t ts, const ct_note *n, ct_sbuf *out)
{
    month_dir("notes", alert_id, ts, out);
    uint64_t h = ct_hash64(n->author ? n->author : "", strlen(n->author ? n->author : ""));
    h = ct_hash64_more(h, n->text ? n->text : "", strlen(n->text ? n->text : ""));
    ct_sbuf_addf(out, "/%013lld-%08llx.json", (long long)n->at, (unsigned long long)(h & 0xffffffffu));
}

void ct_assignment_path(const char *alert_id, int64_t ts, ct_sbuf *out)
{
    month_dir("assignments", alert_id, ts, out);
    ct_sbuf_add(out, ".json");
}

char *ct_note_to_file(const char *alert_id, const ct_note *n)
{
    cJSON *o = cJSON_CreateObject();
    char t[32];
    ct_time_fmt(n->at, t);
    cJSON_AddStringToObject(o, "alert_id", alert_id);
    cJSON_AddStringToObject(o, "author", n->author ? n->author : "");
    cJSON_AddStringToObject(o, "at", t);
    cJSON_AddStringToObject(o, "text", n->text ? n->text : "");
    char *s = ct_json_pretty(o);
    cJSON_Delete(o);
    return s;
}

char *ct_assignment_to_file(const char *alert_id, const ct_assignment *a)
{
    cJSON *o = cJSON_CreateObject();
    char t[32];
    ct_time_fmt(a->at, t);
    cJSON_AddStringToObject(o, "alert_id", alert_id);
    cJSON_AddStringToObject(o, "assignee", a->assignee ? a->assignee : "");
    cJSON_AddStringToObject(o, "by", a->by ? a->by : "");
    cJSON_AddStringToObject(o, "at", t);
    char *s = ct_json_pretty(o);
    cJSON_Delete(o);
    return s;
}

static int str_of(const cJSON *j, const char *k, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    if (!cJSON_IsString(v)) return -1;
    *out = ct_xstrdup(v->valuestring);
    return 0;
}

static int time_of(const cJSON *j, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "at");
    return cJSON_IsString(v) ? ct_time_parse(v->valuestring, strlen(v->valuestring), out) : -1;
}

static int same_alert(const cJSON *j, const char *alert_id)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "alert_id");
    return cJSON_IsString(v) && !strcmp(v->valuestring, alert_id);
}

static int cmp_note(const void *a, const void *b)
{
    const ct_note *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

size_t ct_notes_load(const char *root, const char *alert_id, int64_t ts, ct_note **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    ct_repofs fs;
    ct_sbuf err, dir;
    ct_sbuf_init(&err);
    ct_sbuf_init(&dir);
    size_t bad = 0;
    if (ct_repofs_open(&fs, root, NULL, &err) < 0) goto done;
    month_dir("notes", alert_id, ts, &dir);
    size_t nf = 0;
    char **files = ct_repofs_kind(&fs, dir.buf) == CT_FS_DIR ? ct_repofs_list(&fs, dir.buf, &nf, NULL, &err) : NULL;
    for (size_t i = 0; i < nf; i++) {
        if (!ct_str_ends_with(files[i], ".json")) continue;
        ct_sbuf rel;
        ct_sbuf_init(&rel);
        ct_sbuf_addf(&rel, "%s/%s", dir.buf, files[i]);
        ct_sbuf_reset(&err);
        cJSON *j = ct_json_load(&fs, rel.buf, &err);
        ct_note note = {0};
        if (j && same_alert(j, alert_id) && str_of(j, "author", &note.author) == 0 &&
            str_of(j, "text", &note.text) == 0 && time_of(j, &note.at) == 0) {
            *out = ct_xrealloc(*out, (*n + 1) * sizeof **out);
            (*out)[(*n)++] = note;
        } else {
            free(note.author);
            free(note.text);
            bad++;
        }
        cJSON_Delete(j);
        ct_sbuf_free(&rel);
    }
    ct_strv_free(files, nf);
    ct_repofs_close(&fs);
    if (*n > 1) qsort(*out, *n, sizeof **out, cmp_note);
done:
    ct_sbuf_free(&err);
    ct_sbuf_free(&dir);
    return bad;
}

void ct_notes_free(ct_note *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].author);
        free(v[i].text);
    }
    free(v);
}

int ct_assignment_load(const char *root, const char *alert_id, int64_t ts, ct_assignment *out)
{
    memset(out, 0, sizeof *out);
    ct_repofs fs;
    ct_sbuf err, rel;
    ct_sbuf_init(&err);
    ct_sbuf_init(&rel);
    int rc = 0;
    if (ct_repofs_open(&fs, root, NULL, &err) == 0) {
        ct_assignment_path(alert_id, ts, &rel);
        cJSON *j = ct_repofs_kind(&fs, rel.buf) == CT_FS_FILE ? ct_json_load(&fs, rel.buf, &err) : NULL;
        if (j && same_alert(j, alert_id) && str_of(j, "assignee", &out->assignee) == 0 &&
            str_of(j, "by", &out->by) == 0 && time_of(j, &out->at) == 0)
            rc = 1;
        else
            ct_assignment_free(out);
        cJSON_Delete(j);
        ct_repofs_close(&fs);
    }
    ct_sbuf_free(&err);
    ct_sbuf_free(&rel);
    return rc;
}

void ct_assignment_free(ct_assignment *a)
{
    free(a->assignee);
    free(a->by);
    memset(a, 0, sizeof *a);
}
