/* norm_base: what every record family and the dispatcher share: the norm
 * object (kept strings, adopting the record as the document), kind names, and
 * the folding of operation names, key spellings and outcome words. Below the
 * families and the dispatcher: it calls neither. */
#include "norm.h"

#include <ctype.h>
#include <string.h>
#include <stdlib.h>

struct ct_norm_str {
    ct_norm_str *next;
    char s[];
};

static const char *const kind_names[CT_KIND__COUNT] = {
    [CT_KIND_GENERIC] = "generic",       [CT_KIND_ECS] = "ecs",
    [CT_KIND_AZURE_DIAG] = "azure-diagnostic", [CT_KIND_GRAPH] = "graph",
    [CT_KIND_SENTINEL] = "sentinel",     [CT_KIND_O365] = "o365",
    [CT_KIND_CLOUDTRAIL] = "cloudtrail", [CT_KIND_GCP] = "gcp",
    [CT_KIND_ELASTIC_ALERT] = "elastic-alert",
};

const char *ct_kind_name(ct_kind k)
{
    return k < CT_KIND__COUNT ? kind_names[k] : "?";
}

const char *ct_norm_keep(ct_norm *n, const char *s, size_t len)
{
    ct_norm_str *k = ct_xmalloc(sizeof *k + len + 1);
    memcpy(k->s, s, len);
    k->s[len] = 0;
    k->next = n->kept;
    n->kept = k;
    return k->s;
}

const char *ct_norm_keepz(ct_norm *n, const char *s)
{
    return s && *s ? ct_norm_keep(n, s, strlen(s)) : NULL;
}

void ct_norm_free(ct_norm *n)
{
    cJSON_Delete(n->doc);
    n->doc = NULL;
    while (n->kept) {
        ct_norm_str *k = n->kept;
        n->kept = k->next;
        free(k);
    }
}

cJSON *ct_norm_adopt(ct_norm *n, const cJSON *rec)
{
    if (n->donor && n->donor == rec) {
        cJSON *d = n->donor;
        n->donor = NULL;
        return d;
    }
    return cJSON_Duplicate(rec, 1);
}

/* ---- text folding ---- */

static int is_dash(const unsigned char *s, size_t *adv)
{
    /* U+2010..U+2015 = E2 80 90..95; U+2212 = E2 88 92 */
    if (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x90 && s[2] <= 0x95) { *adv = 3; return 1; }
    if (s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92) { *adv = 3; return 1; }
    return 0;
}

static int is_space(const unsigned char *s, size_t *adv)
{
    if (*s == ' ' || (*s >= '\t' && *s <= '\r')) { *adv = 1; return 1; }
    if (s[0] == 0xC2 && s[1] == 0xA0) { *adv = 2; return 1; } /* NBSP */
    return 0;
}

void ct_norm_action(const char *in, ct_sbuf *out)
{
    ct_sbuf_reset(out);
    if (!in) return;
    const unsigned char *s = (const unsigned char *)in;
    int pending_space = 0;
    while (*s) {
        size_t adv;
        if (is_space(s, &adv)) {
            pending_space = out->len > 0;
            s += adv;
            continue;
        }
        if (pending_space) ct_sbuf_addc(out, ' ');
        pending_space = 0;
        if (is_dash(s, &adv)) {
            ct_sbuf_addc(out, '-');
            s += adv;
        } else {
            /* this byte and the run after it up to one that could start a
             * space or a dash: copied as they are, at once */
            const unsigned char *r = s + 1;
            while (*r && *r != ' ' && !(*r >= '\t' && *r <= '\r') && *r != 0xC2 && *r != 0xE2) r++;
            ct_sbuf_addn(out, (const char *)s, (size_t)(r - s));
            s = r;
        }
    }
    if (out->len && out->buf[out->len - 1] == '.') {
        out->buf[--out->len] = 0;
        while (out->len && out->buf[out->len - 1] == ' ') out->buf[--out->len] = 0;
    }
}

void ct_snake_case(const char *in, ct_sbuf *out)
{
    ct_sbuf_reset(out);
    for (size_t i = 0; in[i]; i++) {
        unsigned char c = (unsigned char)in[i];
        if (isupper(c)) {
            int prev_lower = i > 0 && (islower((unsigned char)in[i - 1]) || isdigit((unsigned char)in[i - 1]));
            int next_lower = in[i + 1] && islower((unsigned char)in[i + 1]);
            int prev_upper = i > 0 && isupper((unsigned char)in[i - 1]);
            if (i > 0 && (prev_lower || (prev_upper && next_lower))) ct_sbuf_addc(out, '_');
            ct_sbuf_addc(out, (char)tolower(c));
        } else {
            ct_sbuf_addc(out, (char)c);
        }
    }
}

const char *ct_outcome_word(const char *s)
{
    if (!s) return NULL;
    static const char *const ok[] = {"success", "succeeded", "true", "0", "ok"};
    static const char *const bad[] = {"failure", "failed", "fail", "false", "error", "denied"};
    for (size_t i = 0; i < CT_ARRAY_LEN(ok); i++)
        if (ct_strcaseeq(s, ok[i])) return "success";
    for (size_t i = 0; i < CT_ARRAY_LEN(bad); i++)
        if (ct_strcaseeq(s, bad[i])) return "failure";
    return "unknown";
}
