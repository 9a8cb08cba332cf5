#include "util.h"

#include <arpa/inet.h>

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void oom(size_t n)
{
    fprintf(stderr, "credtriage: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ct_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *ct_xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) oom(n * m);
    return p;
}

void *ct_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *ct_xstrdup(const char *s)
{
    return ct_xstrndup(s, strlen(s));
}

char *ct_xstrndup(const char *s, size_t n)
{
    char *p = ct_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void ct_sbuf_init(ct_sbuf *b)
{
    b->cap = 64;
    b->len = 0;
    b->buf = ct_xmalloc(b->cap);
    b->buf[0] = 0;
}

void ct_sbuf_free(ct_sbuf *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}

void ct_sbuf_reset(ct_sbuf *b)
{
    b->len = 0;
    b->buf[0] = 0;
}

static void grow(ct_sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->buf = ct_xrealloc(b->buf, cap);
    b->cap = cap;
}

void ct_sbuf_addn(ct_sbuf *b, const char *s, size_t n)
{
    grow(b, n);
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

void ct_sbuf_add(ct_sbuf *b, const char *s)
{
    ct_sbuf_addn(b, s, strlen(s));
}

void ct_sbuf_addc(ct_sbuf *b, char c)
{
    grow(b, 1);
    b->buf[b->len++] = c;
    b->buf[b->len] = 0;
}

void ct_sbuf_vaddf(ct_sbuf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, cp);
    va_end(cp);
    if (n < 0) return;
    if ((size_t)n >= b->cap - b->len) {
        grow(b, (size_t)n);
        vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t)n;
}

void ct_sbuf_addf(ct_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ct_sbuf_vaddf(b, fmt, ap);
    va_end(ap);
}

char *ct_sbuf_detach(ct_sbuf *b)
{
    char *p = b->buf;
    ct_sbuf_init(b);
    return p;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), no libc timezone use. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, size_t at, size_t cnt, int *out)
{
    if (at + cnt > n) return -1;
    int v = 0;
    for (size_t i = 0; i < cnt; i++) {
        char c = s[at + i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 0;
}

int ct_time_parse(const char *s, size_t n, int64_t *ms_out)
{
    int Y, M, D, h = 0, mi = 0, sec = 0, ms = 0;
    if (digits(s, n, 0, 4, &Y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &M) ||
        s[7] != '-' || digits(s, n, 8, 2, &D))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31) return -1;
    size_t i = 10;
    int64_t off = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' ||
            digits(s, n, i + 4, 2, &mi))
            return -1;
        i += 6;
        if (i < n && s[i] == ':') {
            if (digits(s, n, i + 1, 2, &sec)) return -1;
            i += 3;
        }
        if (i < n && (s[i] == '.' || s[i] == ',')) {
            i++;
            int scale = 100, any = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                ms += (s[i] - '0') * scale;
                scale /= 10;
                i++;
                any = 1;
            }
            if (!any) return -1;
        }
        if (h > 24 || mi > 59 || sec > 60) return -1;
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (n - i == 4 && s[i] == ' ' && ct_strncaseeq(s + i + 1, "UTC", 3)) {
            i += 4; /* BigQuery's TIMESTAMP text: "2026-11-07 09:10:44.331779 UTC" */
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int oh, om = 0, sign = s[i] == '-' ? -1 : 1;
            if (digits(s, n, i + 1, 2, &oh)) return -1;
            i += 3;
            if (i < n && s[i] == ':') i++;
            if (i < n && !digits(s, n, i, 2, &om)) i += 2;
            off = sign * ((int64_t)oh * 3600 + om * 60) * 1000;
        }
    }
    if (i != n) return -1;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    int64_t t = ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000 + ms) - off;
    /* an offset can carry 0000-01-01 or 9999-12-31 into year -1 or 10000,
     * which ct_time_fmt cannot write as a time this reads back */
    if (t < days_from_civil(0, 1, 1) * 86400000 || t >= days_from_civil(10000, 1, 1) * 86400000)
        return -1;
    *ms_out = t;
    return 0;
}

/* y-m-d of days since 1970-01-01 (proleptic Gregorian): days_from_civil's inverse */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static char *put_digits(char *o, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10) o[i] = (char)('0' + v % 10);
    return o + n;
}

void ct_time_fmt(int64_t ms, char out[32])
{
    if (ms == CT_TIME_NONE) {
        strcpy(out, "-");
        return;
    }
    /* years 0000-9999, every time ct_time_parse gives: written here (a scan
     * of 230k alerts formats each one; gmtime_r and snprintf cost ~4k
     * instructions a time); anything else as gmtime_r and %04d write it */
    if (ms >= -62167219200000LL && ms < 253402300800000LL) {
        int64_t days = (ms >= 0 ? ms : ms - 86399999) / 86400000, y;
        unsigned rem = (unsigned)(ms - days * 86400000), m, d;
        civil_from_days(days, &y, &m, &d);
        char *o = put_digits(out, (unsigned)y, 4);
        *o++ = '-';
        o = put_digits(o, m, 2);
        *o++ = '-';
        o = put_digits(o, d, 2);
        *o++ = 'T';
        o = put_digits(o, rem / 3600000, 2);
        *o++ = ':';
        o = put_digits(o, rem / 60000 % 60, 2);
        *o++ = ':';
        o = put_digits(o, rem / 1000 % 60, 2);
        *o++ = '.';
        o = put_digits(o, rem % 1000, 3);
        *o++ = 'Z';
        *o = 0;
        return;
    }
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)t * 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[96]; /* wide enough for any int fields, then cut to the caller's 32 */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    memcpy(out, tmp, 31);
    out[31] = 0;
}

int ct_duration_parse(const char *s, int64_t *ms_out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno || v < 0) return -1;
    int64_t unit;
    switch (*end) {
    case 0: case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = 86400 * 1000LL; break;
    case 'w': unit = 7 * 86400 * 1000LL; break;
    default: return -1;
    }
    if (*end && end[1]) return -1;
    if (v > INT64_MAX / unit) return -1;
    *ms_out = v * unit;
    return 0;
}

uint64_t ct_hash64_more(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t ct_hash64(const void *p, size_t n)
{
    return ct_hash64_more(0xcbf29ce484222325ULL, p, n);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int ct_strcaseeq(const char *a, const char *b)
{
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) a++, b++;
    return *a == *b;
}

int ct_strncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) return 0;
        if (!a[i]) return 1;
    }
    return 1;
}

int ct_str_ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

int ct_ip_valid(const char *s)
{
    unsigned char a[16];
    return s && (inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1);
}

int ct_ip_shaped(const char *s, size_t n)
{
    int groups = 0, digits = 0;
    if (!s) return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 3) return 0;
        } else if (s[i] == '.' && digits) {
            groups++;
            digits = 0;
        } else {
            return 0;
        }
    }
    return groups == 3 && digits;
}

int ct_read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    ct_sbuf b;
    ct_sbuf_init(&b);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) ct_sbuf_addn(&b, tmp, n);
    int err = ferror(f);
    int saved = errno;
    fclose(f);
    if (err) {
        ct_sbuf_free(&b);
        errno = saved ? saved : EIO;
        return -1;
    }
    if (len) *len = b.len;
    *out = b.buf;
    return 0;
}

int ct_write_file_atomic(const char *path, const char *data, size_t len)
{
    ct_sbuf tmp;
    ct_sbuf_init(&tmp);
    /* a new file of our own (O_EXCL, never through a planted link), under a
     * name nobody can predict from the pid alone */
    static unsigned seq;
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 16; tries++) {
        ct_sbuf_reset(&tmp);
        ct_sbuf_addf(&tmp, "%s.tmp.%ld.%u.%08lx", path, (long)getpid(), seq++,
                     (unsigned long)(random() & 0xffffffff));
        fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) goto fail;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            close(fd);
            goto fail_unlink;
        }
        off += (size_t)w;
    }
    if (fsync(fd) < 0 || close(fd) < 0) goto fail_unlink;
    if (rename(tmp.buf, path) < 0) goto fail_unlink;
    ct_sbuf_free(&tmp);
    return 0;
fail_unlink: {
        int saved = errno;
        unlink(tmp.buf);
        errno = saved;
    }
fail: {
        int saved = errno;
        ct_sbuf_free(&tmp);
        errno = saved;
    }
    return -1;
}

int ct_mkdirs(const char *path, unsigned mode)
{
    char *p = ct_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, mode) < 0 && errno != EEXIST) {
            int saved = errno;
            free(p);
            errno = saved;
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, mode) < 0 && errno != EEXIST ? -1 : 0;
    int saved = errno;
    free(p);
    errno = saved;
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **ct_dir_names(DIR *d, size_t *n)
{
    *n = 0;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            v = ct_xrealloc(v, cap * sizeof *v);
        }
        v[(*n)++] = ct_xstrdup(de->d_name);
    }
    /* Sorted so that loading (and what is built from it) does not depend on
     * the file system's directory order. */
    if (*n) qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

char **ct_list_dir(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **v = ct_dir_names(d, n);
    closedir(d);
    return v;
}

void ct_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

size_t ct_threads(void)
{
    const char *env = getenv("CREDTRIAGE_THREADS");
    long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (size_t)n;
}

int ct_home_dir_of(const char *home_env, unsigned uid, ct_sbuf *out, ct_sbuf *err)
{
    if (home_env && home_env[0] == '/') {
        ct_sbuf_add(out, home_env);
        return 0;
    }
    long max = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t cap = max > 0 ? (size_t)max : 4096;
    for (;;) {
        char *buf = ct_xmalloc(cap);
        struct passwd pw, *found = NULL;
        int rc = getpwuid_r((uid_t)uid, &pw, buf, cap, &found);
        if (rc == ERANGE && cap < (1u << 20)) {
            free(buf);
            cap *= 2;
            continue;
        }
        int ok = !rc && found && pw.pw_dir && pw.pw_dir[0] == '/';
        if (ok) ct_sbuf_add(out, pw.pw_dir);
        free(buf);
        if (ok) return 0;
        break;
    }
    if (err)
        ct_sbuf_addf(err, "no home directory: $HOME is %s and user id %u has no home in the password database",
                     !home_env ? "not set" : !*home_env ? "empty" : "not an absolute path", uid);
    return -1;
}

int ct_home_dir(ct_sbuf *out, ct_sbuf *err)
{
    return ct_home_dir_of(getenv("HOME"), (unsigned)getuid(), out, err);
}
