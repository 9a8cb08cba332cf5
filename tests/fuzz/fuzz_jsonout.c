/* fuzz_jsonout: the `--json` output path (cJSON print + ct_san_json_text):
 * any string printed is inert on a terminal and parses back unchanged when it
 * was valid UTF-8. Input: the string's bytes. */
#include <cjson/cJSON.h>

#include "fuzz_common.h"
#include "sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size)) return 0; /* C strings */
    char *s = fz_strndup(data, size);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "k", s);
    char *txt = cJSON_PrintUnformatted(o);
    ct_sbuf out;
    ct_sbuf_init(&out);
    ct_san_json_text(txt, strlen(txt), 0, &out);
    /* no raw C0/DEL/C1/bidi/zero-width, valid UTF-8 */
    ct_sbuf disp;
    ct_sbuf_init(&disp);
    ct_san_display(out.buf, out.len, 0, &disp);
    FZ_CHECK(disp.len == out.len && !memcmp(disp.buf, out.buf, out.len));
    cJSON *back = cJSON_Parse(out.buf);
    FZ_CHECK(back != NULL);
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(back, "k"));
    FZ_CHECK(v != NULL);
    /* strict equality when the input was plain UTF-8 (dangerous code points included) */
    {
        int ok = 1;
        size_t i = 0;
        while (i < size) {
            size_t len;
            ct_san_cpwidth(s + i, size - i, &len);
            /* an invalid byte is reported as length 1 with a lead >= 0x80 */
            if (len == 1 && (unsigned char)s[i] >= 0x80) { ok = 0; break; }
            i += len;
        }
        if (ok) FZ_CHECK(!strcmp(v, s));
    }
    cJSON_Delete(back);
    ct_sbuf_free(&disp);
    ct_sbuf_free(&out);
    free(txt);
    cJSON_Delete(o);
    free(s);
    return 0;
}
