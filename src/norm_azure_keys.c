/* norm_azure_keys: credential diffs of Entra's modified properties, shared by
 * the Azure audit (norm_azure_extract.c) and M365 (norm_o365.c) extraction: which
 * KeyDescription or FederatedIdentityCredentials entry the new value adds. */
#include "norm_ms.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- credential diffs (shared with norm_o365.c) ---- */

const char *ct_norm_ms_unquote(ct_norm *n, const char *s)
{
    if (!s) return NULL;
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        cJSON *v = cJSON_Parse(s);
        int str = cJSON_IsString(v);
        const char *r = str ? ct_norm_keepz(n, v->valuestring) : NULL;
        cJSON_Delete(v);
        if (str) return r; /* "\"\"" is an empty value: NULL */
    }
    return s;
}

const char *ct_norm_ms_object_type(ct_norm *n, const char *t)
{
    if (!t) return NULL;
    if (ct_strcaseeq(t, "Application")) return "application";
    if (ct_strcaseeq(t, "ServicePrincipal")) return "service_principal";
    if (ct_strcaseeq(t, "User")) return "user";
    if (ct_strcaseeq(t, "ManagedIdentity")) return "managed_identity";
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_snake_case(t, &b);
    const char *r = ct_norm_keepz(n, b.buf);
    ct_sbuf_free(&b);
    return r;
}

/* One "[KeyIdentifier=...,KeyType=...,KeyUsage=...,DisplayName=...]" entry.
 * Values may hold commas (DisplayName=CN=x,O=y), so a field ends only where a
 * comma is followed by one of the known field names and '='. */
static const char *const key_fields[] = {"KeyIdentifier", "KeyType", "KeyUsage", "DisplayName",
                                         "StartDate", "EndDate", "KeyStartDate", "KeyEndDate",
                                         "CustomKeyIdentifier"};

static size_t field_at(const char *s, size_t len)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(key_fields); i++) {
        size_t kl = strlen(key_fields[i]);
        if (len > kl && !memcmp(s, key_fields[i], kl) && s[kl] == '=') return kl + 1;
    }
    return 0;
}

/* Find field name in entry [s, s+len); on success set *v and *vl to its value. */
static int entry_field(const char *s, size_t len, const char *name, const char **v, size_t *vl)
{
    size_t nl = strlen(name);
    size_t i = 0;
    while (i < len) {
        size_t fl = field_at(s + i, len - i);
        if (fl) {
            size_t start = i + fl, j = start;
            /* value runs to the next ", Field=" */
            for (; j < len; j++) {
                if (s[j] != ',') continue;
                size_t k = j + 1;
                while (k < len && s[k] == ' ') k++;
                if (field_at(s + k, len - k)) break;
            }
            if (fl - 1 == nl && !memcmp(s + i, name, nl)) {
                *v = s + start;
                *vl = j - start;
                while (*vl && (*v)[*vl - 1] == ' ') (*vl)--;
                return 1;
            }
            i = j + 1;
            while (i < len && s[i] == ' ') i++;
        } else {
            i++;
        }
    }
    return 0;
}

typedef struct key_entry {
    const char *s;
    size_t len;
} key_entry;

/* Split a KeyDescription value into entries. 0 ok (possibly no entries), -1
 * when it does not look like a key list at all. The entries point into *hold
 * (a parsed JSON array) or into v itself. */
static int key_entries(const char *v, cJSON **hold, key_entry **out, size_t *count)
{
    *hold = NULL;
    *out = NULL;
    *count = 0;
    if (!v) return 0;
    const char *p = v;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    if (!*p) return 0;
    size_t cap = 0;
    cJSON *arr = ct_json_parse_embedded(v);
    if (cJSON_IsArray(arr)) {
        const cJSON *e;
        int ok = 1;
        cJSON_ArrayForEach(e, arr) if (!cJSON_IsString(e)) ok = 0;
        if (ok) {
            cJSON_ArrayForEach(e, arr) {
                const char *s = e->valuestring;
                size_t len = strlen(s);
                while (len && (*s == '[' || *s == ' ')) s++, len--;
                while (len && (s[len - 1] == ']' || s[len - 1] == ' ')) len--;
                if (*count == cap) *out = ct_xrealloc(*out, (cap = cap ? cap * 2 : 4) * sizeof **out);
                (*out)[(*count)++] = (key_entry){s, len};
            }
            *hold = arr;
            return 0;
        }
    }
    cJSON_Delete(arr);
    /* not a JSON list of strings: look for the entries in the raw text */
    static const char tag[] = "KeyIdentifier=";
    const char *s = strstr(v, tag);
    if (!s) return -1;
    while (s) {
        const char *next = strstr(s + 1, tag);
        const char *end = next ? next : s + strlen(s);
        const char *close = end;
        while (close > s && *(close - 1) != ']') close--;
        if (close > s) end = close - 1;
        if (*count == cap) *out = ct_xrealloc(*out, (cap = cap ? cap * 2 : 4) * sizeof **out);
        (*out)[(*count)++] = (key_entry){s, (size_t)(end - s)};
        s = next;
    }
    return 0;
}

static int same_key(const key_entry *a, const key_entry *b)
{
    const char *ia, *ib;
    size_t la, lb;
    int ha = entry_field(a->s, a->len, "KeyIdentifier", &ia, &la);
    int hb = entry_field(b->s, b->len, "KeyIdentifier", &ib, &lb);
    if (ha && hb) return la == lb && ct_strncaseeq(ia, ib, la);
    return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

static const char *keep_field(ct_norm *n, const key_entry *e, const char *name)
{
    const char *v;
    size_t vl;
    if (!entry_field(e->s, e->len, name, &v, &vl) || !vl) return NULL;
    return ct_norm_keep(n, v, vl);
}

const char *ct_norm_ms_cred_type(ct_norm *n, const char *kt)
{
    if (!kt) return NULL;
    if (ct_strcaseeq(kt, "Password")) return "password";
    if (strstr(kt, "X509") || strstr(kt, "Cert") || strstr(kt, "cert")) return "certificate";
    if (ct_strcaseeq(kt, "Symmetric")) return "password"; /* a shared secret, used like one */
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_snake_case(kt, &b);
    const char *r = ct_norm_keepz(n, b.buf);
    ct_sbuf_free(&b);
    return r;
}

/* Key identifiers are GUIDs; accept the characters of one and little else. */
static int plausible_id(const char *s)
{
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '{' && *p != '}')
            return 0;
    return *s != 0;
}

int ct_norm_ms_key_added(ct_norm *n, const char *old_value, const char *new_value)
{
    cJSON *ho, *hn;
    key_entry *eo, *en;
    size_t co, cn;
    int rn = key_entries(new_value, &hn, &en, &cn);
    if (rn < 0) {
        free(en);
        cJSON_Delete(hn);
        return -1;
    }
    if (key_entries(old_value, &ho, &eo, &co) < 0) co = 0; /* unreadable old: all new count */
    int found = 0;
    /* Several keys can be added in one record (rare); the first one in
     * newValue order is reported, the others are not. */
    for (size_t i = 0; i < cn && !found; i++) {
        int present = 0;
        for (size_t j = 0; j < co && !present; j++) present = same_key(&en[i], &eo[j]);
        if (present) continue;
        const char *id = keep_field(n, &en[i], "KeyIdentifier");
        if (!id || !plausible_id(id)) continue; /* garbage, not a key */
        found = 1;
        n->f.cred_id = id;
        n->f.cred_type = ct_norm_ms_cred_type(n, keep_field(n, &en[i], "KeyType"));
        n->f.cred_name = keep_field(n, &en[i], "DisplayName");
        const char *end = keep_field(n, &en[i], "EndDate");
        if (!end) end = keep_field(n, &en[i], "KeyEndDate");
        if (end) n->f.cred_end = end;
    }
    free(en);
    free(eo);
    cJSON_Delete(hn);
    cJSON_Delete(ho);
    return found;
}

static cJSON *fic_list(const char *v, int *ok)
{
    *ok = 1;
    if (!v) return cJSON_CreateArray();
    const char *p = v;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    if (!*p) return cJSON_CreateArray();
    cJSON *j = ct_json_parse_embedded(v);
    if (cJSON_IsObject(j)) {
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(a, j);
        return a;
    }
    if (cJSON_IsArray(j)) return j;
    cJSON_Delete(j);
    *ok = 0;
    return cJSON_CreateArray();
}

static const char *fic_key(const cJSON *o)
{
    const char *k = ct_json_stri(o, "name");
    return k ? k : ct_json_stri(o, "subject");
}

int ct_norm_ms_fic_added(ct_norm *n, const char *old_value, const char *new_value)
{
    int ok_new, ok_old;
    cJSON *nl = fic_list(new_value, &ok_new);
    cJSON *ol = fic_list(old_value, &ok_old);
    int found = 0;
    if (!ok_new) {
        found = -1;
        goto out;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, nl) {
        const char *k = fic_key(e);
        if (!k) continue;
        int present = 0;
        const cJSON *o;
        cJSON_ArrayForEach(o, ol) {
            const char *ok = fic_key(o);
            if (ok && !strcmp(ok, k)) present = 1;
        }
        if (present) continue;
        found = 1;
        n->f.cred_id = ct_norm_keepz(n, k);
        n->f.cred_type = "federated";
        /* the subject names who may present the credential: the useful name */
        n->f.cred_name = ct_norm_keepz(n, ct_json_stri(e, "subject"));
        break;
    }
out:
    cJSON_Delete(nl);
    cJSON_Delete(ol);
    return found;
}
