/* norm_ecs.c: stub, filled in below. */
#include "norm.h"

int ct_norm_ecs_detect(const cJSON *rec) { (void)rec; return 0; }
int ct_norm_ecs(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    (void)rec; (void)out; (void)err; (void)errlen;
    return -1;
}
