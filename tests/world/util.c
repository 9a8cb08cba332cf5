/* world: random streams, text buffers, ids and time formats. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"

uint64_t rng_next(Rng *r)
{
    /* splitmix64: tiny, fast and the same on every platform */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t rng_below(Rng *r, uint32_t n)
{
    return n ? (uint32_t)(rng_next(r) % n) : 0;
}

Rng rng_from(uint64_t seed, uint64_t stream)
{
    Rng r = {seed * 0x2545f4914f6cdd1dULL ^ (stream + 0x1098001)};
    rng_next(&r);
    return r;
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("world: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static void bgrow(Buf *b, size_t add)
{
    if (b->n + add + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + add + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void bputn(Buf *b, const char *s, size_t n)
{
    bgrow(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void bput(Buf *b, const char *s)
{
    bputn(b, s, strlen(s));
}

void bputf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        die("bad format");
    bgrow(b, (size_t)k);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

char *xfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        die("bad format");
    char *p = xmalloc((size_t)k + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)k + 1, fmt, ap);
    va_end(ap);
    return p;
}

void bjs(Buf *b, const char *s)
{
    if (!s) {
        bput(b, "null");
        return;
    }
    bgrow(b, strlen(s) + 2);
    b->p[b->n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': bput(b, "\\\""); break;
        case '\\': bput(b, "\\\\"); break;
        case '\n': bput(b, "\\n"); break;
        case '\r': bput(b, "\\r"); break;
        case '\t': bput(b, "\\t"); break;
        default:
            if (*p < 0x20)
                bputf(b, "\\u%04x", *p);
            else
                bputn(b, (const char *)p, 1);
        }
    }
    bput(b, "\"");
}

char *bdone(Buf *b)
{
    char *p = b->p ? b->p : xstrdup("");
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

static const char HEX[] = "0123456789abcdef";
static const char UP[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char LOW[] = "abcdefghijklmnopqrstuvwxyz0123456789";

char *id_guid(Rng *r)
{
    char *p = xmalloc(37);
    uint64_t a = rng_next(r), c = rng_next(r);
    int k = 0;
    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            p[k++] = '-';
        uint64_t v = i < 16 ? a >> (4 * i) : c >> (4 * (i - 16));
        int d = (int)(v & 15);
        if (i == 12)
            d = 4; /* version 4, variant 10xx: what Entra and AWS hand out */
        if (i == 16)
            d = 8 | (d & 3);
        p[k++] = HEX[d];
    }
    p[k] = 0;
    return p;
}

static char *from_set(Rng *r, const char *prefix, const char *set, int setn, int n)
{
    size_t pl = strlen(prefix);
    char *p = xmalloc(pl + (size_t)n + 1);
    memcpy(p, prefix, pl);
    for (int i = 0; i < n; i++)
        p[pl + (size_t)i] = set[rng_below(r, (uint32_t)setn)];
    p[pl + (size_t)n] = 0;
    return p;
}

char *id_upper(Rng *r, const char *prefix, int n)
{
    return from_set(r, prefix, UP, 32, n);
}

char *id_lowhex(Rng *r, int n)
{
    return from_set(r, "", HEX, 16, n);
}

char *id_lowalnum(Rng *r, int n)
{
    return from_set(r, "", LOW, 36, n);
}

char *id_digits(Rng *r, int n)
{
    char *p = from_set(r, "", "0123456789", 10, n);
    if (p[0] == '0')
        p[0] = '1';
    return p;
}

char *id_directory(Rng *r, const char *corr)
{
    char *five = from_set(r, "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36, 5);
    char *nine = id_digits(r, 9);
    char *p = xfmt("Directory_%s_%s_%s", corr, five, nine);
    free(five);
    free(nine);
    return p;
}

/* days since 1970-01-01 of a civil date (proleptic Gregorian) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int64_t T0;

void t_init(void)
{
    T0 = days_from_civil(2027, 3, 1) * DAY; /* a Monday */
}

int64_t t_at(int day, int h, int m, int s, int frac7)
{
    return T0 + day * DAY + h * HOUR + m * MIN + s * TICK_S + frac7;
}

char *tfmt(int64_t t, char form)
{
    int64_t days = t / DAY, rem = t % DAY;
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    int hh = (int)(rem / HOUR), mi = (int)(rem % HOUR / MIN), ss = (int)(rem % MIN / TICK_S);
    int f7 = (int)(rem % TICK_S);
    switch (form) {
    case 'E': return xfmt("%04d-%02d-%02dT%02d:%02d:%02d.%07dZ", y, mo, d, hh, mi, ss, f7);
    case 'O': return xfmt("%04d-%02d-%02dT%02d:%02d:%02d.%07d+00:00", y, mo, d, hh, mi, ss, f7);
    case 'S': return xfmt("%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, hh, mi, ss);
    case 'N': return xfmt("%04d-%02d-%02dT%02d:%02d:%02d.%07d%02dZ", y, mo, d, hh, mi, ss, f7,
                          (int)(((uint64_t)t * 2654435761u) % 100));
    case 'M': return xfmt("%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, hh, mi, ss);
    case 'I': return xfmt("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, hh, mi, ss, f7 / 10000);
    case 'B': {
        static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        int h12 = hh % 12 ? hh % 12 : 12;
        return xfmt("%s %d, %d %d:%02d:%02d %s", mon[mo - 1], d, y, h12, mi, ss, hh < 12 ? "AM" : "PM");
    }
    }
    die("bad time form %c", form);
}
