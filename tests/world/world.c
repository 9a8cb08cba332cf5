/* world: an independent ground truth for credtriage's correlation (issue #13).
 *
 *   world [-n RECORDS] -o DIR
 *
 * writes DIR/entra-auditlogs.ndjson, entra-signinlogs.ndjson,
 * entra-spsigninlogs.ndjson, cloudtrail.json, gcp-audit.ndjson,
 * m365-audit.ndjson, graph-directoryaudits.json, sentinel-auditlogs.json and
 * DIR/expected.json. -n (default 200000) sets the total number of records:
 * the ~40 stories stay the same, the background fills the rest. Deterministic:
 * the same -n gives the same bytes. See tests/world/README.md. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "world.h"

static int *order;

static int by_time(const void *a, const void *b)
{
    const Spec *x = &W.specs[*(const int *)a], *y = &W.specs[*(const int *)b];
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

static void write_file(const char *dir, int file)
{
    int n = 0;
    for (int i = 0; i < W.nspecs; i++)
        if (W.specs[i].file == file)
            order[n++] = i;
    qsort(order, (size_t)n, sizeof *order, by_time);
    if (file == F_GRAPH) /* Graph lists the newest first */
        for (int i = 0; i < n / 2; i++) {
            int t = order[i];
            order[i] = order[n - 1 - i];
            order[n - 1 - i] = t;
        }
    char *path = xfmt("%s/%s", dir, file_names[file]);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s: %s", path, strerror(errno));
    static const char *const open[F_COUNT] = {
        [F_CT] = "{\"Records\":[",
        [F_GRAPH] = "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits\","
                    "\"value\":[\n",
        [F_SENTINEL] = "[\n",
    };
    const char *sep = file == F_CT ? "," : file == F_GRAPH || file == F_SENTINEL ? ",\n" : "\n";
    const char *close = file == F_CT ? "]}\n" : file == F_GRAPH ? "\n]}\n" : file == F_SENTINEL ? "\n]\n" : "\n";
    if (open[file])
        fputs(open[file], f);
    Buf b = {0};
    for (int i = 0; i < n; i++) {
        const Spec *s = &W.specs[order[i]];
        if (i)
            fputs(sep, f);
        if (s->text) {
            fputs(s->text, f);
        } else {
            b.n = 0;
            bg_render(&b, s);
            fwrite(b.p, 1, b.n, f);
        }
    }
    if (n || file == F_CT || file == F_GRAPH || file == F_SENTINEL)
        fputs(close, f);
    free(b.p);
    if (fclose(f))
        die("cannot write %s: %s", path, strerror(errno));
    free(path);
}

static void usage(void)
{
    fputs("usage: world [-n RECORDS] -o DIR\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    long n = 200000;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            char *end;
            n = strtol(argv[++i], &end, 10);
            if (*end || n < 0)
                usage();
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            dir = argv[++i];
        } else {
            usage();
        }
    }
    if (!dir)
        usage();
    if (mkdir(dir, 0777) && errno != EEXIST)
        die("cannot create %s: %s", dir, strerror(errno));
    t_init();
    W.n = n;
    W.story = rng_from(1098013, 1);
    stories_entra();
    stories_aws();
    stories_gcp();
    stories_esql();
    esql_truth();
    long nstory = W.nspecs;
    background(n > nstory ? n - nstory : 0);
    order = xmalloc(sizeof(int) * (size_t)(W.nspecs ? W.nspecs : 1));
    for (int i = 0; i < F_COUNT; i++)
        write_file(dir, i);
    if (truth_write(dir, W.nspecs) < 0)
        die("the expectations are not sound (see above)");
    fprintf(stderr, "world: %d records (%ld in stories), %d alerts, in %s\n", W.nspecs, nstory, W.nalerts, dir);
    return 0;
}
