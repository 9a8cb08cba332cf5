/* norm_graph.c: Microsoft record family (stub, filled in below). */
#include "norm.h"

int ct_norm_graph_detect(const cJSON *rec)
{
    (void)rec;
    return 0;
}

int ct_norm_graph(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    (void)rec;
    (void)out;
    (void)err;
    (void)errlen;
    return -1;
}
