/* esql time: ES|QL's time spans and calendar arithmetic, in UTC, as
 * Elasticsearch computes them with java.time:
 *  - a span literal (`1 month`) is a DATE_PERIOD (day, week, month, quarter,
 *    year: java.time.Period) or a TIME_DURATION (millisecond .. hour:
 *    java.time.Duration); units as EsqlDataTypeConverter.parseTemporalAmount
 *    reads them, case-insensitive;
 *  - date +/- period is ZonedDateTime.plus/minus(Period): months first, the
 *    day of month clamped to the target month's length (Jan 31 + 1 month =
 *    Feb 28 or 29; Feb 29 + 1 year = Feb 28), then days;
 *  - DATE_TRUNC rounds as DateTrunc.createRounding picks: 1 day to midnight,
 *    7 days to Monday (ISO week), other day counts and durations to fixed
 *    intervals since 1970, 1 month / 1 quarter / 1 year to their start, other
 *    month and year counts to multiples counted from 0001-01-01
 *    (DateUtils.roundIntervalMonthOfYear, roundYearInterval);
 *  - DATE_DIFF counts whole units as ChronoUnit.between: calendar units only
 *    when fully elapsed (Jan 31 -> Feb 29 is 0 months), time units truncated
 *    toward zero; its own unit names (DateDiff.Part), an int result (null
 *    when out of range).
 * A span is an esql_sc of type EV_SPAN: i milliseconds (a period's days
 * count 86,400,000 each: UTC has no daylight saving), d months in all, n
 * bit 0: 1 for a DATE_PERIOD, 0 for a TIME_DURATION; n bits 32-63: a
 * period's years (a Java int), kept apart as java.time.Period keeps them:
 * `1 year + 1 month` is P1Y1M (two units, which DATE_TRUNC refuses) while
 * `13 months` is P13M. */
#include "esql_int.h"

#include <ctype.h>
#include <string.h>

#define DAY_MS 86400000LL

static size_t span_n(int period, int64_t years)
{
    return (size_t)period | (size_t)(uint32_t)(int32_t)years << 32;
}

static int64_t span_years(const esql_sc *s)
{
    return (int32_t)(uint32_t)(s->n >> 32);
}

/* ---- the proleptic Gregorian calendar (days since 1970-01-01) ---- */

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floordiv(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floordiv(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int month_len(int64_t y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* ms -> date and time of day */
static void split(int64_t ms, int64_t *y, int *m, int *d, int64_t *tod)
{
    int64_t days = floordiv(ms, DAY_MS);
    *tod = ms - days * DAY_MS;
    civil_from_days(days, y, m, d);
}

/* Years java.time accepts (LocalDate: +-999,999,999) are past what a long of
 * milliseconds holds; this bound keeps every step below in range. */
#define MAX_YEAR 200000000LL

/* plusMonths: the same day of month, clamped to the new month's length. */
static int plus_months(int64_t ms, int64_t months, int64_t *out)
{
    int64_t y, tod;
    int m, d;
    split(ms, &y, &m, &d, &tod);
    if (months > MAX_YEAR * 12 || months < -MAX_YEAR * 12) return -1;
    int64_t idx = y * 12 + (m - 1) + months;
    int64_t ny = floordiv(idx, 12);
    int nm = (int)(idx - ny * 12) + 1;
    if (ny > MAX_YEAR || ny < -MAX_YEAR) return -1;
    int nd = d > month_len(ny, nm) ? month_len(ny, nm) : d;
    *out = days_from_civil(ny, nm, nd) * DAY_MS + tod;
    return 0;
}

/* ---- span literals and strings ---- */

int esql_span_make(const char *unit, size_t n, int64_t count, esql_sc *out)
{
    static const struct { const char *u; int64_t ms; int months, period; } units[] = {
        {"millisecond", 1, 0, 0}, {"milliseconds", 1, 0, 0}, {"ms", 1, 0, 0},
        {"second", 1000, 0, 0}, {"seconds", 1000, 0, 0}, {"sec", 1000, 0, 0}, {"s", 1000, 0, 0},
        {"minute", 60000, 0, 0}, {"minutes", 60000, 0, 0}, {"min", 60000, 0, 0},
        {"hour", 3600000, 0, 0}, {"hours", 3600000, 0, 0}, {"h", 3600000, 0, 0},
        {"day", DAY_MS, 0, 1}, {"days", DAY_MS, 0, 1}, {"d", DAY_MS, 0, 1},
        {"week", 7 * DAY_MS, 0, 1}, {"weeks", 7 * DAY_MS, 0, 1}, {"w", 7 * DAY_MS, 0, 1},
        {"month", 0, 1, 1}, {"months", 0, 1, 1}, {"mo", 0, 1, 1},
        {"quarter", 0, 3, 1}, {"quarters", 0, 3, 1}, {"q", 0, 3, 1},
        {"year", 0, 12, 2}, {"years", 0, 12, 2}, {"yr", 0, 12, 2}, {"y", 0, 12, 2},
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(units); i++) {
        if (strlen(units[i].u) != n || !ct_strncaseeq(units[i].u, unit, n)) continue;
        /* a period's count is a Java int (Period.ofMonths(int), quarters x3 checked) */
        if (units[i].period && (count > INT32_MAX || count < INT32_MIN)) return -1;
        int64_t ms, mo;
        if (__builtin_mul_overflow(units[i].ms, count, &ms) || __builtin_mul_overflow((int64_t)units[i].months, count, &mo))
            return -1;
        if (units[i].months && (mo > INT32_MAX || mo < INT32_MIN)) return -1;
        *out = (esql_sc){.t = EV_SPAN, .i = ms, .d = (double)mo, .n = span_n(units[i].period != 0, units[i].period == 2 ? count : 0)};
        return 0;
    }
    return -2;
}

int esql_span_parse(const char *s, size_t n, int want, esql_sc *out)
{
    /* "<int> <unit>": spaces around and between (EsqlDataTypeConverter's split) */
    size_t b = 0, e = n;
    while (b < e && isspace((unsigned char)s[b])) b++;
    while (e > b && isspace((unsigned char)s[e - 1])) e--;
    size_t v0 = b;
    while (b < e && s[b] != ' ') b++;
    size_t v1 = b;
    while (b < e && s[b] == ' ') b++;
    size_t u0 = b;
    while (b < e && s[b] != ' ') b++;
    if (b != e || v1 == v0 || u0 == e) return -1;
    size_t k = v0;
    int neg = 0;
    if (s[k] == '+' || s[k] == '-') neg = s[k++] == '-';
    if (k == v1) return -1;
    int64_t count = 0;
    for (; k < v1; k++) {
        if (!isdigit((unsigned char)s[k])) return -1;
        count = count * 10 + (s[k] - '0');
        if (count > INT32_MAX + 1LL) return -1; /* Integer.parseInt */
    }
    if (neg) count = -count;
    if (count > INT32_MAX) return -1;
    if (esql_span_make(s + u0, e - u0, count, out) < 0) return -1;
    if (want >= 0 && (int)(out->n & 1) != want) return -1;
    return 0;
}

/* ---- arithmetic ---- */

int esql_span_arith(esql_ctx *c, int op, const esql_sc *a, const esql_sc *b, esql_val *out)
{
    if (a->t != EV_SPAN && b->t != EV_SPAN) return 0;
    *out = esql_null();
    if (op != EOP_ADD && op != EOP_SUB) return 1;
    if (a->t == EV_SPAN && b->t == EV_SPAN) {
        if ((a->n & 1) != (b->n & 1)) {
            esql_fail(c, "a DATE_PERIOD and a TIME_DURATION cannot be combined (%s)", op == EOP_ADD ? "+" : "-");
            return 1;
        }
        int64_t ms, mo;
        int bad = op == EOP_ADD ? __builtin_add_overflow(a->i, b->i, &ms) : __builtin_sub_overflow(a->i, b->i, &ms);
        bad |= op == EOP_ADD ? __builtin_add_overflow((int64_t)a->d, (int64_t)b->d, &mo)
                             : __builtin_sub_overflow((int64_t)a->d, (int64_t)b->d, &mo);
        int64_t y = op == EOP_ADD ? span_years(a) + span_years(b) : span_years(a) - span_years(b);
        bad |= y > INT32_MAX || y < INT32_MIN;
        if (!bad) *out = esql_one(c, (esql_sc){.t = EV_SPAN, .i = ms, .d = (double)mo, .n = span_n((int)(a->n & 1), y)});
        return 1;
    }
    const esql_sc *d = a->t == EV_SPAN ? b : a, *s = a->t == EV_SPAN ? a : b;
    if (d->t != EV_DATE || (op == EOP_SUB && a->t == EV_SPAN)) return 1; /* span - date: no value */
    int64_t sign = op == EOP_SUB ? -1 : 1, r = d->i;
    if ((int64_t)s->d && plus_months(r, sign * (int64_t)s->d, &r) < 0) return 1;
    if (__builtin_add_overflow(r, sign * s->i, &r)) return 1;
    *out = esql_date(c, r);
    return 1;
}

esql_val esql_span_neg(esql_ctx *c, const esql_sc *s)
{
    if (s->i == INT64_MIN) return esql_null();
    if (span_years(s) == INT32_MIN) return esql_null();
    return esql_one(c, (esql_sc){.t = EV_SPAN, .i = -s->i, .d = -s->d, .n = span_n((int)(s->n & 1), -span_years(s))});
}

/* ---- DATE_TRUNC ---- */

esql_val esql_date_trunc(esql_ctx *c, const esql_sc *span, const esql_sc *d)
{
    esql_sc sp = *span;
    if (span->t == EV_STR) {
        /* implicit casting of a string literal to a span (ES|QL scalar functions) */
        if (esql_span_parse(span->s, span->n, -1, &sp) < 0) {
            esql_fail(c, "DATE_TRUNC: cannot parse [%.*s] to DATE_PERIOD or TIME_DURATION",
                      (int)(span->n > 60 ? 60 : span->n), span->s);
            return esql_null();
        }
    } else if (span->t != EV_SPAN) {
        esql_fail(c, "DATE_TRUNC: the interval must be a DATE_PERIOD or a TIME_DURATION");
        return esql_null();
    }
    /* a Period's units, years, months and days, each its own (DateTrunc.createRounding):
     * negative if any is (Period.isNegative), refused if more than one is set */
    int64_t months = (int64_t)sp.d, ms = sp.i, years = span_years(&sp), mon_part = months - 12 * years;
    if (months < 0 || ms < 0 || years < 0 || mon_part < 0 || (months == 0 && ms == 0)) {
        esql_fail(c, "DATE_TRUNC: Zero or negative time interval is not supported");
        return esql_null();
    }
    if ((sp.n & 1) && (years != 0) + (mon_part != 0) + (ms != 0) > 1) {
        esql_fail(c, "DATE_TRUNC: Time interval with multiple periods is not supported");
        return esql_null();
    }
    if (d->t != EV_DATE) return esql_null();
    int64_t t = d->i;
    if (months) {
        int64_t y, tod;
        int m, dd;
        split(t, &y, &m, &dd, &tod);
        int64_t idx;
        if (months == 1 || months == 3 || months == 12) { /* MONTH_OF_YEAR, QUARTER_OF_YEAR, YEAR_OF_CENTURY */
            idx = y * 12 + (m - 1);
            idx -= ((m - 1) % months);
        } else if (months % 12 == 0) { /* years: multiples from year 1 */
            int64_t n = months / 12;
            idx = (floordiv(y - 1, n) * n + 1) * 12;
        } else { /* months: multiples from 0001-01 */
            int64_t total = (y - 1) * 12 + (m - 1);
            idx = floordiv(total, months) * months + 12;
        }
        int64_t ny = floordiv(idx, 12);
        return esql_date(c, days_from_civil(ny, (int)(idx - ny * 12) + 1, 1) * DAY_MS);
    }
    if ((sp.n & 1) && ms == 7 * DAY_MS) /* one week: Monday 00:00 (1970-01-01 was a Thursday) */
        return esql_date(c, floordiv(t + 3 * DAY_MS, 7 * DAY_MS) * 7 * DAY_MS - 3 * DAY_MS);
    return esql_date(c, floordiv(t, ms) * ms);
}

/* ---- DATE_DIFF ---- */

enum { DD_YEAR, DD_QUARTER, DD_MONTH, DD_DAY, DD_WEEK, DD_HOUR, DD_MINUTE, DD_SECOND, DD_MS, DD_US, DD_NS };

static int dd_unit(const char *u, size_t n)
{
    static const struct { const char *u; int id; } units[] = {
        {"year", DD_YEAR}, {"years", DD_YEAR}, {"yyyy", DD_YEAR}, {"yy", DD_YEAR},
        {"quarter", DD_QUARTER}, {"quarters", DD_QUARTER}, {"qq", DD_QUARTER}, {"q", DD_QUARTER},
        {"month", DD_MONTH}, {"months", DD_MONTH}, {"mm", DD_MONTH}, {"m", DD_MONTH},
        {"dayofyear", DD_DAY}, {"dy", DD_DAY}, {"y", DD_DAY},
        {"day", DD_DAY}, {"days", DD_DAY}, {"dd", DD_DAY}, {"d", DD_DAY},
        {"week", DD_WEEK}, {"weeks", DD_WEEK}, {"wk", DD_WEEK}, {"ww", DD_WEEK},
        {"weekday", DD_DAY}, {"weekdays", DD_DAY}, {"dw", DD_DAY},
        {"hour", DD_HOUR}, {"hours", DD_HOUR}, {"hh", DD_HOUR},
        {"minute", DD_MINUTE}, {"minutes", DD_MINUTE}, {"mi", DD_MINUTE}, {"n", DD_MINUTE},
        {"second", DD_SECOND}, {"seconds", DD_SECOND}, {"ss", DD_SECOND}, {"s", DD_SECOND},
        {"millisecond", DD_MS}, {"milliseconds", DD_MS}, {"ms", DD_MS},
        {"microsecond", DD_US}, {"microseconds", DD_US}, {"mcs", DD_US},
        {"nanosecond", DD_NS}, {"nanoseconds", DD_NS}, {"ns", DD_NS},
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(units); i++)
        if (strlen(units[i].u) == n && ct_strncaseeq(units[i].u, u, n)) return units[i].id;
    return -1;
}

/* LocalDateTime.until for MONTHS: the end date moved one day toward the
 * start when its time of day has not reached the start's, then whole months
 * of (year, month, day). */
static int64_t months_between(int64_t a, int64_t b)
{
    int64_t y1, y2, t1, t2;
    int m1, m2, d1, d2;
    split(a, &y1, &m1, &d1, &t1);
    int64_t end_days = floordiv(b, DAY_MS);
    t2 = b - end_days * DAY_MS;
    int64_t start_days = floordiv(a, DAY_MS);
    if (end_days > start_days && t2 < t1) end_days--;
    else if (end_days < start_days && t2 > t1) end_days++;
    civil_from_days(end_days, &y2, &m2, &d2);
    int64_t p1 = (y1 * 12 + m1 - 1) * 32 + d1, p2 = (y2 * 12 + m2 - 1) * 32 + d2;
    return (p2 - p1) / 32; /* truncated toward zero, as Java's long division */
}

esql_val esql_date_diff(esql_ctx *c, const esql_sc *unit, const esql_sc *a, const esql_sc *b)
{
    if (unit->t != EV_STR) return esql_null();
    int u = dd_unit(unit->s, unit->n);
    if (u < 0) {
        esql_fail(c, "A value of [YEAR, QUARTER, MONTH, DAYOFYEAR, DAY, WEEK, WEEKDAY, HOUR, MINUTE, SECOND, "
                     "MILLISECOND, MICROSECOND, NANOSECOND] or their aliases is required; received [%.*s]",
                  (int)(unit->n > 40 ? 40 : unit->n), unit->s);
        return esql_null();
    }
    if (a->t != EV_DATE || b->t != EV_DATE) return esql_null();
    int64_t diff, r;
    if (__builtin_sub_overflow(b->i, a->i, &diff)) return esql_null();
    switch (u) {
    case DD_YEAR: r = months_between(a->i, b->i) / 12; break;
    case DD_QUARTER: r = months_between(a->i, b->i) / 3; break;
    case DD_MONTH: r = months_between(a->i, b->i); break;
    case DD_DAY: r = diff / DAY_MS; break;
    case DD_WEEK: r = diff / DAY_MS / 7; break;
    case DD_HOUR: r = diff / 3600000; break;
    case DD_MINUTE: r = diff / 60000; break;
    case DD_SECOND: r = diff / 1000; break;
    case DD_MS: r = diff; break;
    case DD_US: if (__builtin_mul_overflow(diff, 1000, &r)) return esql_null(); break;
    default: if (__builtin_mul_overflow(diff, 1000000, &r)) return esql_null(); break;
    }
    if (r > INT32_MAX || r < INT32_MIN) return esql_null(); /* safeToInt: a warning and null there */
    return esql_long(c, r);
}
