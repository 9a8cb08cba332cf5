/* norm_azure.c: Microsoft record family (stub, filled in below). */
#include "norm.h"

int ct_norm_azure_detect(const cJSON *rec)
{
    (void)rec;
    return 0;
}

int ct_norm_azure(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    (void)rec;
    (void)out;
    (void)err;
    (void)errlen;
    return -1;
}

void ct_extract_azure_audit(ct_norm *n)
{
    (void)n;
}

void ct_extract_azure_signin(ct_norm *n)
{
    (void)n;
}
