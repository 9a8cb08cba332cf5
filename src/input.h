/* input: open a file or stdin (gzip or not), sniff its shape from the bytes,
 * and cut it into record spans without building a tree of the whole file. */
#ifndef CT_INPUT_H
#define CT_INPUT_H
#include <stddef.h>
#include <stdint.h>
#include "util.h"

typedef enum ct_format {
    CT_FMT_EMPTY = 0,   /* nothing but whitespace */
    CT_FMT_NDJSON,      /* one JSON value per line */
    CT_FMT_STREAM,      /* JSON values one after another, spanning lines (pretty-printed),
                         * envelopes and arrays of records among them */
    CT_FMT_ARRAY,       /* [ {...}, ... ] */
    CT_FMT_CLOUDTRAIL,  /* {"Records": [...]} */
    CT_FMT_AZURE,       /* {"records": [...]} (storage / Event Hub export) */
    CT_FMT_GRAPH,       /* {"value": [...]} (Microsoft Graph) */
    CT_FMT_ES_SEARCH,   /* {"hits": {"hits": [{"_source": {...}}]}} */
    CT_FMT_ES_ARCHIVE,  /* {"type":"doc","value":{"source":{...}}} stream (Kibana es_archiver) */
    CT_FMT_BINARY,      /* not JSON text */
} ct_format;

const char *ct_format_name(ct_format f);

typedef struct ct_input {
    char *name;          /* as given; "-" is shown as "(stdin)" */
    const char *data;    /* the (decompressed) bytes */
    size_t len;
    int gzip;            /* was gzip-compressed */
    int mapped;          /* data is an mmap of the file */
    size_t map_len;
    char *owned;         /* heap copy when not mapped */
    int fd;              /* a mapped file's descriptor, kept for ct_input_copy; else -1 */
    uint64_t fd_off;     /* where data starts in fd (a spill file region), else 0 */
    int spilled;         /* data is a region of the shared spill file */
} ct_input;

/* Open path ("-" for stdin). Regular files are mapped; stdin, pipes and
 * inflated gzip over 4 MB go to an unnamed temporary file that is mapped
 * ($TMPDIR, else /tmp); smaller ones are read or inflated in memory and, from
 * 64 KB, moved to a region of one shared spill file, mapped (a thousand small
 * CloudTrail .gz files would otherwise all stay on the heap). Without a
 * usable temporary file they stay in memory. A truncated gzip keeps what decompressed and says so
 * in *warn (set to a message, or left empty). */
int ct_input_open(const char *path, ct_input *in, ct_sbuf *err, ct_sbuf *warn);

/* Bounds on hostile input (README "Limits"), each from its environment
 * variable (bytes, or k/M/G), else the default:
 *   CREDTRIAGE_MAX_RECORD (64 MiB): one record; a longer one is skipped with
 *     a message naming file and line.
 *   CREDTRIAGE_MAX_INFLATE (4 GiB): the inflated bytes of one compressed input;
 *   CREDTRIAGE_MAX_INFLATE_RATIO (200): inflated / compressed, judged once
 *     64 MiB came out. Past either, ct_input_open fails with a message (the
 *     file is not loaded, the others are); without a temporary file (TMPDIR)
 *     at most 256 MiB are inflated, into memory. */
size_t ct_input_max_record(void);
size_t ct_input_max_inflate(void);
size_t ct_input_max_ratio(void);
void ct_input_close(ct_input *in);
/* Copy [off, off+len) of the data to dst without touching the mapping when
 * the file is still open (pread), so scattered re-reads add no resident pages. */
void ct_input_copy(const ct_input *in, size_t off, size_t len, char *dst);
/* Tell the kernel the mapped bytes in [off, off+len) are not needed for now
 * (they stay readable: a mapped file faults back in from the page cache). */
void ct_input_release(const ct_input *in, size_t off, size_t len);
/* Map [off, off+len) in one call ahead of a walk (MADV_POPULATE_READ): one
 * system call instead of a page fault every few pages. A no-op where the
 * kernel does not have it. */
void ct_input_populate(const ct_input *in, size_t off, size_t len);

ct_format ct_input_sniff(const ct_input *in);

/* One record: its bytes and the line it starts on (1-based). */
typedef struct ct_span {
    size_t off, len;
    uint64_t line;
} ct_span;

typedef int (*ct_span_cb)(void *ctx, const ct_span *sp);             /* non-zero stops */
typedef void (*ct_bad_cb)(void *ctx, uint64_t line, const char *msg); /* a skipped record */

/* Walk the records of a sniffed input. Structure errors are reported through
 * bad (with the line) and walking resumes where it safely can. Returns the
 * number of records handed to cb, or -1 if cb stopped it. */
long long ct_input_walk(const ct_input *in, ct_format fmt, ct_span_cb cb, ct_bad_cb bad, void *ctx);

/* Walk [from, to) of the input as any number of JSON values back to back
 * (records, envelopes such as {"Records":[...]}, arrays of records), on one
 * line or many, with LF, CRLF or CR line ends, numbering lines from
 * first_line: what an NDJSON line holding more than one record is read
 * with. Unreadable bytes are reported through bad with their line, and the
 * walk resumes at the next line starting a value. Returns as ct_input_walk. */
long long ct_input_walk_range(const ct_input *in, size_t from, size_t to, uint64_t first_line,
                              ct_span_cb cb, ct_bad_cb bad, void *ctx);
/* 1 if [p, p+len) is one JSON object that is a record (not an envelope of
 * records) with nothing after it, or is malformed (the parser reports it);
 * 0 if it must be read with ct_input_walk_range. */
int ct_input_one_record(const char *p, size_t len);

/* NDJSON only: walk the lines starting in [from, to) (from is 0 or just
 * after a newline), numbering them from first_line; the spans are those
 * ct_input_walk gives. Returns the number of lines passed; *stopped is set
 * when cb stopped the walk. */
uint64_t ct_input_walk_lines(const ct_input *in, size_t from, size_t to, uint64_t first_line,
                            ct_span_cb cb, void *ctx, int *stopped);
/* Cut [0, len) into n pieces at line starts: cuts[0] = 0 < ... <= cuts[n] = len. */
void ct_input_split_lines(const ct_input *in, size_t n, size_t *cuts);
/* The same for [from, to), which must start at a line start. */
void ct_input_split_range(const ct_input *in, size_t from, size_t to, size_t n, size_t *cuts);
/* The start of the line after the one holding byte at (len at the end). */
size_t ct_input_line_after(const ct_input *in, size_t at);

/* Skip one JSON value starting at p (after whitespace); returns the end or
 * NULL if it is not a well-formed value within the nesting limit. Exposed
 * for tests. */
const char *ct_json_skip(const char *p, const char *end);

#endif
