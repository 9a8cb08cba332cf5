/* norm_alert.c: stub, filled in below. */
#include "norm.h"

int ct_norm_alert_detect(const cJSON *rec) { (void)rec; return 0; }
int ct_norm_alert(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    (void)rec; (void)out; (void)err; (void)errlen;
    return -1;
}
void ct_extract_alert(ct_norm *n) { (void)n; }
