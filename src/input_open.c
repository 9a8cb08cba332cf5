/* input_open: an input's bytes, as cheaply resident as they can be. Regular
 * files are mapped; gzip is inflated and pipes are read into an unnamed
 * temporary file that is then mapped (big ones) or into memory, which from
 * 64 KB moves to a region of one shared spill file; pages can be read ahead
 * (populate), given back (release) and re-read without faulting the mapping
 * in (copy, through pread). Sniffing and walking the records is input.c. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- limits (README: "Limits") ------------------------------------------------------- */

static size_t env_size(const char *name, size_t def)
{
    const char *e = getenv(name);
    if (!e || !*e) return def;
    char *end;
    unsigned long long v = strtoull(e, &end, 10);
    unsigned shift = 0;
    if (*end == 'k' || *end == 'K') shift = 10, end++;
    else if (*end == 'm' || *end == 'M') shift = 20, end++;
    else if (*end == 'g' || *end == 'G') shift = 30, end++;
    if (*end == 'i') end++;
    if (*end == 'B') end++;
    if (*end || *e == '-' || v == 0 || (shift && v > (~0ull >> shift))) return def;
    return (size_t)(v << shift);
}

size_t ct_input_max_record(void)
{
    return env_size("CREDTRIAGE_MAX_RECORD", (size_t)64 << 20);
}

size_t ct_input_max_inflate(void)
{
    return env_size("CREDTRIAGE_MAX_INFLATE", (size_t)4 << 30);
}

size_t ct_input_max_ratio(void)
{
    return env_size("CREDTRIAGE_MAX_INFLATE_RATIO", 200);
}

/* a compression ratio is judged once this much came out: small, highly
 * repetitive files are fine whatever their ratio */
#define RATIO_AFTER ((size_t)64 << 20)
/* without a temporary file, inflating into memory stops here */
#define INFLATE_MEM_MAX ((size_t)256 << 20)

/* Where inflated (or piped) bytes go: memory, or a temporary file (kept
 * unnamed) that is then mapped like any input, so a large .gz or a long pipe
 * costs page cache, not RSS. */
typedef struct gz_sink {
    ct_sbuf *mem;   /* memory, or the write buffer of fd */
    int fd;         /* -1: memory */
    size_t total;
    int failed;     /* a write failed */
    int err;        /* the failed write's errno */
    int spool;      /* may still move on to a temporary file, */
    size_t spool_at; /* past this many bytes */
} gz_sink;

static void sink_flush(gz_sink *k)
{
    if (k->fd < 0) return; /* memory: the buffer is the output */
    size_t off = 0;
    while (k->fd >= 0 && !k->failed && off < k->mem->len) {
        ssize_t w = write(k->fd, k->mem->buf + off, k->mem->len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            k->failed = 1;
            k->err = w < 0 ? errno : ENOSPC;
        } else {
            off += (size_t)w;
        }
    }
    ct_sbuf_reset(k->mem);
}

static int tmp_fd(void);

static void sink_add(gz_sink *k, const char *p, size_t n)
{
    ct_sbuf_addn(k->mem, p, n);
    k->total += n;
    if (k->spool && k->total > k->spool_at) {
        k->spool = 0;
        k->fd = tmp_fd(); /* none: memory, within INFLATE_MEM_MAX */
    }
    if (k->fd >= 0 && k->mem->len >= (1u << 20)) sink_flush(k);
}

/* Inflate every gzip member; on a truncated or corrupt stream keep what came
 * out. -1 with a message in err when the output passes max bytes or the
 * ratio limit (a gzip bomb), or the temporary file cannot take it. */
static int gunzip(const unsigned char *src, size_t n, gz_sink *out, size_t max, ct_sbuf *err,
                  ct_sbuf *warn)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return -1;
    unsigned char buf[1 << 16];
    size_t pos = 0, ratio = ct_input_max_ratio(), in_before = 0;
    int rc = Z_OK, over = 0;
    while (pos < n && !over) {
        size_t chunk = n - pos > (1u << 30) ? (1u << 30) : n - pos;
        z.next_in = (unsigned char *)src + pos;
        z.avail_in = (uInt)chunk;
        do {
            z.next_out = buf;
            z.avail_out = sizeof buf;
            rc = inflate(&z, Z_NO_FLUSH);
            sink_add(out, (char *)buf, sizeof buf - z.avail_out);
            size_t consumed = in_before + (chunk - z.avail_in);
            size_t lim = out->fd < 0 && max > INFLATE_MEM_MAX ? INFLATE_MEM_MAX : max;
            if (out->total > lim) over = lim < max ? 4 : 1;
            else if (out->total > RATIO_AFTER && out->total / (consumed ? consumed : 1) > ratio) over = 2;
            else if (out->failed) over = 3;
        } while (!over && rc == Z_OK && z.avail_out == 0);
        pos += chunk - z.avail_in;
        in_before = pos;
        if (over) break;
        if (rc == Z_STREAM_END) {
            /* concatenated members (CloudTrail digest tools write them) */
            if (pos < n && src[pos] == 0x1f) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) break;
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && pos >= n) break;
    }
    inflateEnd(&z);
    if (!over) sink_flush(out);
    if (over == 1)
        ct_sbuf_addf(err, "inflates to more than %zu bytes (CREDTRIAGE_MAX_INFLATE): not loaded", max);
    else if (over == 2)
        ct_sbuf_addf(err, "inflates more than %zu times its compressed size (a gzip bomb? "
                          "CREDTRIAGE_MAX_INFLATE_RATIO): not loaded after %zu bytes", ratio, out->total);
    else if (over == 4)
        ct_sbuf_addf(err, "inflates to more than %zu bytes, the most inflated in memory when no "
                          "temporary file can be made in TMPDIR: not loaded", (size_t)INFLATE_MEM_MAX);
    else if (over == 3 || out->failed)
        ct_sbuf_addf(err, "cannot write the inflated bytes to a temporary file in TMPDIR "
                          "after %zu bytes: %s: not loaded", out->total, strerror(out->err ? out->err : EIO));
    if (over || out->failed) return -1;
    if (rc != Z_STREAM_END)
        ct_sbuf_addf(warn, "truncated or corrupt gzip stream (%zu bytes recovered)", out->total);
    return 0;
}

/* An unnamed temporary file for inflated input; -1 when none can be had. */
static int tmp_fd(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
#endif
    ct_sbuf path;
    ct_sbuf_init(&path);
    ct_sbuf_addf(&path, "%s/credtriage-gz-XXXXXX", dir);
    fd = mkostemp(path.buf, O_CLOEXEC);
    if (fd >= 0) unlink(path.buf);
    ct_sbuf_free(&path);
    return fd;
}

/* Read a pipe (stdin) to its end. Up to 4 MB stays in memory (raw); a
 * longer stream is written on to an unnamed temporary file, returned mapped
 * in *map (*tfd open), so `zcat big.gz | credtriage scan -` costs page
 * cache, not RSS. Without a usable temporary file it all stays in memory. */
static int read_spool(int fd, ct_sbuf *raw, int *tfd, void **map, size_t *len)
{
    *tfd = -1;
    *map = NULL;
    *len = 0;
    gz_sink k = {raw, -1, 0, 0, 0, 0, 0};
    int tried = 0;
    char tmp[1 << 16];
    for (;;) {
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) goto fail;
        if (n == 0) break;
        sink_add(&k, tmp, (size_t)n);
        if (!tried && k.total > (4u << 20)) {
            tried = 1;
            k.fd = tmp_fd();
            sink_flush(&k);
        }
        if (k.failed) goto fail;
    }
    sink_flush(&k);
    if (k.fd < 0) return 0;
    void *m = !k.failed ? mmap(NULL, k.total, PROT_READ, MAP_PRIVATE, k.fd, 0) : MAP_FAILED;
    if (m == MAP_FAILED) goto fail;
    *tfd = k.fd;
    *map = m;
    *len = k.total;
    return 0;
fail:
    if (k.fd >= 0) close(k.fd);
    return -1;
}

/* The spill file: small inputs that were read or inflated into memory, each
 * at a page-aligned offset of one unnamed temporary file and mapped from
 * there, so that many of them cost page cache rather than RSS. */
static pthread_mutex_t spill_mu = PTHREAD_MUTEX_INITIALIZER;
static int spill_fd = -1;
static uint64_t spill_end;

/* Move in's heap bytes (in->owned) to the spill file; on any failure they
 * stay where they are. */
static void spill(ct_input *in)
{
    if (in->mapped || !in->owned || in->len < (64u << 10)) return;
    pthread_mutex_lock(&spill_mu);
    if (spill_fd < 0) spill_fd = tmp_fd(); /* none: tried again next time */
    uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), at = (spill_end + pg - 1) & ~(pg - 1);
    size_t done = 0;
    while (spill_fd >= 0 && done < in->len) {
        ssize_t w = pwrite(spill_fd, in->owned + done, in->len - done, (off_t)(at + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    void *m = done == in->len ? mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, spill_fd, (off_t)at)
                              : MAP_FAILED;
    if (m != MAP_FAILED) {
        spill_end = at + in->len;
        free(in->owned);
        in->owned = NULL;
        in->data = m;
        in->mapped = 1;
        in->map_len = in->len;
        in->fd = dup(spill_fd);
        if (in->fd >= 512) { /* keep low descriptors for other uses: read the mapping */
            close(in->fd);
            in->fd = -1;
        }
        in->fd_off = at;
        in->spilled = 1;
        madvise(m, in->len, MADV_SEQUENTIAL);
    }
    pthread_mutex_unlock(&spill_mu);
}

int ct_input_open(const char *path, ct_input *in, ct_sbuf *err, ct_sbuf *warn)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->name = ct_xstrdup(strcmp(path, "-") ? path : "(stdin)");
    int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    if (fd < 0) {
        ct_sbuf_addf(err, "%s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        ct_sbuf_addf(err, "%s: %s", path, strerror(errno));
        goto fail_fd;
    }
    if (S_ISDIR(st.st_mode)) {
        ct_sbuf_addf(err, "%s: is a directory", path);
        goto fail_fd;
    }
    const char *bytes = NULL;
    size_t n = 0;
    ct_sbuf raw = {0};
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            ct_sbuf_addf(err, "%s: cannot map: %s", path, strerror(errno));
            goto fail_fd;
        }
        in->mapped = 1;
        in->map_len = (size_t)st.st_size;
        bytes = m;
        n = (size_t)st.st_size;
        madvise(m, n, MADV_SEQUENTIAL);
    } else {
        ct_sbuf_init(&raw);
        int tfd;
        void *m;
        size_t mlen;
        if (read_spool(fd, &raw, &tfd, &m, &mlen) < 0) {
            ct_sbuf_addf(err, "%s: %s", path, errno ? strerror(errno) : "cannot read");
            ct_sbuf_free(&raw);
            goto fail_fd;
        }
        if (m) { /* spooled: from here on like a mapped regular file */
            ct_sbuf_free(&raw);
            if (fd > 0) close(fd);
            fd = tfd;
            in->mapped = 1;
            in->map_len = mlen;
            bytes = m;
            n = in->map_len;
            madvise(m, n, MADV_SEQUENTIAL);
        } else {
            bytes = raw.buf;
            n = raw.len;
        }
    }
    /* a mapped file keeps its descriptor: records re-read after loading are
     * copied with pread, which costs no resident pages (faulting the mapping
     * back in maps whole large folios, hundreds of KB per record) */
    if (in->mapped && fd > 0 && fd < 512) in->fd = fd;
    else if (fd > 0) close(fd);
    if (n >= 2 && (unsigned char)bytes[0] == 0x1f && (unsigned char)bytes[1] == 0x8b) {
        ct_sbuf out, gerr;
        ct_sbuf_init(&out);
        ct_sbuf_init(&gerr);
        /* a large input into an unnamed temporary file, mapped; a small one
         * into memory, moving on to a temporary file past 64 MB (without one,
         * into memory up to INFLATE_MEM_MAX) */
        gz_sink k = {&out, -1, 0, 0, 0, 1, n > (4u << 20) ? 0 : (size_t)64 << 20};
        if (gunzip((const unsigned char *)bytes, n, &k, ct_input_max_inflate(), &gerr, warn) < 0) {
            ct_sbuf_addf(err, "%s: %s", path, gerr.buf);
            ct_sbuf_free(&gerr);
            ct_sbuf_free(&out);
            if (k.fd >= 0) close(k.fd);
            goto fail_bytes;
        }
        ct_sbuf_free(&gerr);
        void *m = k.fd >= 0 && k.total ? mmap(NULL, k.total, PROT_READ, MAP_PRIVATE, k.fd, 0) : MAP_FAILED;
        if (k.fd >= 0 && m == MAP_FAILED) {
            ct_sbuf_addf(err, "%s: cannot map the inflated bytes: %s", path, strerror(errno));
            ct_sbuf_free(&out);
            close(k.fd);
            goto fail_bytes;
        }
        if (in->mapped) munmap((void *)bytes, in->map_len);
        else ct_sbuf_free(&raw);
        if (in->fd >= 0) close(in->fd);
        in->fd = -1;
        in->gzip = 1;
        if (k.fd >= 0) {
            ct_sbuf_free(&out);
            in->mapped = 1;
            in->map_len = in->len = k.total;
            in->data = m;
            in->fd = k.fd < 512 ? k.fd : -1;
            if (in->fd < 0) close(k.fd);
            madvise(m, k.total, MADV_SEQUENTIAL);
            return 0;
        }
        in->mapped = 0;
        in->map_len = 0;
        in->len = out.len;
        in->owned = ct_sbuf_detach(&out);
        ct_sbuf_free(&out);
        in->data = in->owned;
        spill(in);
        return 0;
    }
    in->data = bytes;
    in->len = n;
    if (!in->mapped) in->owned = raw.buf ? raw.buf : NULL;
    spill(in);
    return 0;
fail_bytes:
    if (in->mapped) munmap((void *)bytes, in->map_len);
    else ct_sbuf_free(&raw);
    if (in->fd >= 0) close(in->fd);
    in->fd = -1;
    in->mapped = 0;
    in->map_len = 0;
    free(in->name);
    in->name = NULL;
    return -1;
fail_fd:
    if (fd > 0) close(fd);
fail:
    free(in->name);
    in->name = NULL;
    return -1;
}

void ct_input_close(ct_input *in)
{
#ifdef FALLOC_FL_PUNCH_HOLE
    /* a spill file region: give its disk space back */
    if (in->spilled && in->fd >= 0)
        (void)fallocate(in->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)in->fd_off,
                        (off_t)in->map_len);
#endif
    if (in->mapped) munmap((void *)in->data, in->map_len);
    if (in->fd >= 0) close(in->fd);
    free(in->owned);
    free(in->name);
    memset(in, 0, sizeof *in);
}

void ct_input_copy(const ct_input *in, size_t off, size_t len, char *dst)
{
    size_t done = 0;
    while (in->fd >= 0 && done < len) {
        ssize_t r = pread(in->fd, dst + done, len - done, (off_t)(in->fd_off + off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break; /* fall back to the mapping for the rest */
        done += (size_t)r;
    }
    if (done < len) memcpy(dst + done, in->data + off + done, len - done);
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

void ct_input_populate(const ct_input *in, size_t off, size_t len)
{
    static int unsupported;
    if (!in->mapped || !len || unsupported || off >= in->len) return;
    if (off + len > in->len) len = in->len - off;
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)in->data + off) & ~((uintptr_t)pg - 1);
    uintptr_t b = ((uintptr_t)in->data + off + len + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
    if (madvise((void *)a, b - a, MADV_POPULATE_READ) < 0 && errno == EINVAL) unsupported = 1;
}

void ct_input_release(const ct_input *in, size_t off, size_t len)
{
    if (!in->mapped || !len) return;
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)in->data + off + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
    uintptr_t b = ((uintptr_t)in->data + off + len) & ~((uintptr_t)pg - 1);
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
    /* Once the whole file has been walked, later reads are scattered single
     * records (scan, show, the console): without this, the sequential hint
     * set at open makes every such fault read ahead hundreds of KB, which
     * brings most of a big file back resident. */
    if (off == 0 && len >= in->len) madvise((void *)in->data, in->map_len, MADV_RANDOM);
}
