/* util: allocation that cannot fail silently, growable strings, time, hashing. */
#ifndef CT_UTIL_H
#define CT_UTIL_H
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>

#define CT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CT_TIME_NONE INT64_MIN

/* Allocation failure is not recoverable for an interactive tool: these abort
 * with a message instead of returning NULL. */
void *ct_xmalloc(size_t n);
void *ct_xcalloc(size_t n, size_t m);
void *ct_xrealloc(void *p, size_t n);
char *ct_xstrdup(const char *s);
char *ct_xstrndup(const char *s, size_t n);

/* Growable NUL-terminated byte string. buf is never NULL after init. */
typedef struct ct_sbuf {
    char *buf;
    size_t len, cap;
} ct_sbuf;
void ct_sbuf_init(ct_sbuf *b);
void ct_sbuf_free(ct_sbuf *b);
void ct_sbuf_reset(ct_sbuf *b);
void ct_sbuf_addn(ct_sbuf *b, const char *s, size_t n);
void ct_sbuf_add(ct_sbuf *b, const char *s);
void ct_sbuf_addc(ct_sbuf *b, char c);
void ct_sbuf_addf(ct_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ct_sbuf_vaddf(ct_sbuf *b, const char *fmt, va_list ap);
char *ct_sbuf_detach(ct_sbuf *b); /* caller frees; b is re-initialised */

/* Time: milliseconds since the epoch, UTC. Parses ISO 8601 with or without
 * fraction (any digits), 'Z', +hh:mm offset or " UTC" (BigQuery), 'T' or ' '
 * separator, and the date-only form. Returns 0 on success, -1 when s is not a time
 * (also when an offset takes it out of years 0000-9999: ct_time_fmt writes
 * every time this accepts, and this reads it back to the same ms). */
int ct_time_parse(const char *s, size_t n, int64_t *ms_out);
/* Writes "2022-01-22T18:15:02.516Z" (24 chars + NUL). */
void ct_time_fmt(int64_t ms, char out[32]);
/* Durations like 30m, 1h, 3d, 2w (also plain seconds). -1 on error. */
int ct_duration_parse(const char *s, int64_t *ms_out);

/* 64-bit FNV-1a, and the same continued from a previous value. */
uint64_t ct_hash64(const void *p, size_t n);
uint64_t ct_hash64_more(uint64_t h, const void *p, size_t n);

/* The in-memory tables' hash (pool strings, the store's dedupe keys): eight
 * bytes at a time, since byte-wise FNV was a tenth of loading. Inline because
 * it runs once per string loaded. Start from CT_HASH_SEED, fold in one or
 * more byte runs with ct_hash_mix, end with ct_hash_end. Not stable across
 * versions: never write it anywhere (ct_hash64 is for that). */
#define CT_HASH_SEED 0x9E3779B97F4A7C15ull
static inline uint64_t ct_hash_mix(uint64_t h, const char *s, size_t n)
{
    h ^= n * 0xff51afd7ed558ccdull;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++) w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    h = (h ^ w) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}
/* Never 0: the tables use 0 for "empty" / "no key". */
static inline uint64_t ct_hash_end(uint64_t h)
{
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h ? h : 1;
}

/* ASCII case-insensitive compare helpers (locale-independent). */
int ct_strcaseeq(const char *a, const char *b);
int ct_strncaseeq(const char *a, const char *b, size_t n);
/* s ends with suf (case-sensitive). */
int ct_str_ends_with(const char *s, const char *suf);

/* IP addresses as logs write them. ct_ip_valid: an IPv4 or IPv6 address
 * inet_pton accepts. ct_ip_shaped: n bytes written like a dotted IPv4 address
 * (four groups of 1-3 digits) whether valid or not: anonymised exports write
 * "211.9.016.253" (a leading zero) or "255.090.254.5", which are shown as
 * written and flagged, not dropped; a host name ("ec2.amazonaws.com") is no
 * address at all. */
int ct_ip_valid(const char *s);
int ct_ip_shaped(const char *s, size_t n);
/* The address an analyst is shown: valid, or IPv4-shaped (then flag it). */
static inline int ct_ip_shown(const char *s)
{
    return s && (ct_ip_valid(s) || ct_ip_shaped(s, __builtin_strlen(s)));
}

/* Read a whole file into memory (NUL-terminated). 0 ok, -1 with errno set. */
int ct_read_file(const char *path, char **out, size_t *len);
/* Write a file atomically (a new O_EXCL|O_NOFOLLOW temp file beside it, fsync, rename): for
 * files outside the rules repo (drafts, exports); the repo goes through repofs.h. 0 ok, -1 errno. */
int ct_write_file_atomic(const char *path, const char *data, size_t len);
/* mkdir -p. 0 ok, -1 errno. */
int ct_mkdirs(const char *path, unsigned mode);
/* Names in dir, sorted (strcmp), without "." entries (also hidden files);
 * NULL with *n = 0 when dir cannot be read. Free with ct_strv_free. */
char **ct_list_dir(const char *dir, size_t *n);
/* The same for a directory already open (read to its end, left open): NULL
 * with *n = 0 when it has no such name. */
char **ct_dir_names(DIR *d, size_t *n);
/* Frees n strings and the array holding them. */
void ct_strv_free(char **v, size_t n);

/* The user's home directory: the one rule for every ~ credtriage expands or
 * shows (the default rules repo, ~/.ssh/config and its Includes, known_hosts and
 * keys, user.signingkey, drafts). $HOME when it is an absolute path; else (unset,
 * empty or relative) the password database's entry for the real user id
 * (getpwuid_r), as ssh does. Appends it to out and returns 0; -1 when there is
 * neither, with the reason appended to err (may be NULL) and out unchanged:
 * never "" or "/" in its place. ct_home_dir_of is the same rule for a given
 * $HOME value (NULL: unset) and user id. */
int ct_home_dir(ct_sbuf *out, ct_sbuf *err);
int ct_home_dir_of(const char *home_env, unsigned uid, ct_sbuf *out, ct_sbuf *err);

/* How many threads parallel work may use: $CREDTRIAGE_THREADS, else the
 * online cores; 1 to 16. */
size_t ct_threads(void);

#endif
