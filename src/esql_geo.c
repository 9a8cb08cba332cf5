/* esql geo: geo_point values and the spatial functions the cloud rules use
 * (Entra and Google Workspace "impossible travel"): TO_GEOPOINT, ST_X, ST_Y,
 * ST_DISTANCE, computed as Elasticsearch computes them (the functions
 * themselves are in esql_fn.c; this file is the values and the math).
 *
 * ST_DISTANCE on geo_points is StDistance.GeoDistanceCalculator
 * (x-pack/plugin/esql .../scalar/spatial/StDistance.java): Lucene's
 * SloppyMath.haversinMeters over the points quantized to Lucene's 32-bit
 * encoding (GeoUtils.quantizeLat/quantizeLon = GeoEncodingUtils decode(encode
 * (v))). SloppyMath's cos and asin are table-driven approximations, ported
 * here with the same tables, so the result is Elasticsearch's to the last
 * bits (its docs' CPH airport example, 7339.573896618216 m, is a unit row).
 * Multi-valued points give the least distance over all pairs, as there. */
#include "esql_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Lucene's SloppyMath (org.apache.lucene.util.SloppyMath) ---- */

#define SC_TABS 2049 /* (1 << 11) + 1 */
#define ASIN_TABS 8193 /* (1 << 13) + 1 */

static double bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static struct {
    int ready;
    double pio2_hi, pio2_lo, delta_hi, delta_lo, indexer, max_mod;
    double sin_t[SC_TABS], cos_t[SC_TABS];
    double asin_max, asin_delta, asin_indexer;
    double asin_t[ASIN_TABS], d1[ASIN_TABS], d2[ASIN_TABS], d3[ASIN_TABS], d4[ASIN_TABS];
} sm;

static double to_rad(double deg)
{
    return deg * 0.017453292519943295; /* Java's Math.toRadians (JDK 9 and later) */
}

static void sloppy_init(void)
{
    if (sm.ready) return;
    sm.pio2_hi = bits(0x3FF921FB54400000ull);
    sm.pio2_lo = bits(0x3DD0B4611A626331ull);
    double twopi_hi = 4 * sm.pio2_hi, twopi_lo = 4 * sm.pio2_lo;
    sm.delta_hi = twopi_hi / (SC_TABS - 1);
    sm.delta_lo = twopi_lo / (SC_TABS - 1);
    sm.indexer = 1 / (sm.delta_hi + sm.delta_lo);
    sm.max_mod = ((2147483647 >> 9) / sm.indexer) * 0.99;
    int pi = (SC_TABS - 1) / 2, pi2 = 2 * pi, pi05 = pi / 2, pi15 = 3 * pi / 2;
    for (int i = 0; i < SC_TABS; i++) {
        double a = i * sm.delta_hi + i * sm.delta_lo, s = sin(a), c = cos(a);
        if (i == pi || i == pi2) s = 0.0;
        else if (i == pi05 || i == pi15) c = 0.0;
        sm.sin_t[i] = s;
        sm.cos_t[i] = c;
    }
    sm.asin_max = sin(to_rad(73.0));
    sm.asin_delta = sm.asin_max / (ASIN_TABS - 1);
    sm.asin_indexer = 1 / sm.asin_delta;
    for (int i = 0; i < ASIN_TABS; i++) {
        double x = i * sm.asin_delta;
        sm.asin_t[i] = asin(x);
        double inv = 1.0 / (1 - x * x), inv05 = sqrt(inv), inv15 = inv05 * inv, inv25 = inv15 * inv,
               inv35 = inv25 * inv;
        sm.d1[i] = inv05;
        sm.d2[i] = (x * inv15) * 0.5;
        sm.d3[i] = ((1 + 2 * x * x) * inv25) * (1 / 6.0);
        sm.d4[i] = ((5 + 2 * x * (2 + x * (5 - 2 * x))) * inv35) * (1 / 24.0);
    }
    sm.ready = 1;
}

static double sloppy_cos(double a)
{
    if (a < 0.0) a = -a;
    if (a > sm.max_mod) return cos(a);
    int index = (int)(a * sm.indexer + 0.5);
    double delta = (a - index * sm.delta_hi) - index * sm.delta_lo;
    index &= SC_TABS - 2;
    double c = sm.cos_t[index], s = sm.sin_t[index];
    return c + delta * (-s + delta * (-c * 0.5 + delta * (s * (1 / 6.0) + delta * c * (1 / 24.0))));
}

static double sloppy_asin(double a)
{
    int neg = a < 0.0;
    if (neg) a = -a;
    double r;
    if (a <= sm.asin_max) {
        int index = (int)(a * sm.asin_indexer + 0.5);
        double delta = a - index * sm.asin_delta;
        r = sm.asin_t[index] +
            delta * (sm.d1[index] + delta * (sm.d2[index] + delta * (sm.d3[index] + delta * sm.d4[index])));
    } else if (a < 1.0) { /* fdlibm's e_asin.c near 1 */
        double t = (1.0 - a) * 0.5;
        double p = t * (bits(0x3fc5555555555555ull) +
                        t * (bits(0xbfd4d61203eb6f7dull) +
                             t * (bits(0x3fc9c1550e884455ull) +
                                  t * (bits(0xbfa48228b5688f3bull) +
                                       t * (bits(0x3f49efe07501b288ull) + t * bits(0x3f023de10dfdf709ull))))));
        double q = 1.0 + t * (bits(0xc0033a271c8a2d4bull) +
                              t * (bits(0x40002ae59c598ac8ull) +
                                   t * (bits(0xbfe6066c1b8d0159ull) + t * bits(0x3fb3b8c5b12e9282ull))));
        double s = sqrt(t), z = s + s * (p / q);
        r = bits(0x3FF921FB54442D18ull) - ((z + z) - bits(0x3C91A62633145C07ull));
    } else if (a == 1.0) {
        r = M_PI / 2;
    } else {
        return NAN;
    }
    return neg ? -r : r;
}


static double haversin_meters(double lat1, double lon1, double lat2, double lon2)
{
    sloppy_init();
    double x1 = to_rad(lat1), x2 = to_rad(lat2);
    double h1 = 1 - sloppy_cos(x1 - x2), h2 = 1 - sloppy_cos(to_rad(lon1 - lon2));
    double h = h1 + sloppy_cos(x1) * sloppy_cos(x2) * h2;
    uint64_t u;
    memcpy(&u, &h, sizeof u);
    u &= 0xFFFFFFFFFFFFFFF8ull; /* as Lucene: clobber the last bits so rounding makes no ties */
    memcpy(&h, &u, sizeof h);
    return 6371008.7714 * 2 * sloppy_asin(fmin(1, sqrt(h * 0.5)));
}

/* GeoEncodingUtils: 32-bit encoding, rounding down; 90 and 180 map to the value below */
static double quantize(double v, double range)
{
    double decode = 1 / (4294967296.0 / range), max = range / 2;
    if (v == max) v = nextafter(v, 0);
    return (double)(int32_t)floor(v / decode) * decode;
}

/* ---- values ---- */

static int valid(double x, double y)
{
    return isfinite(x) && isfinite(y) && x >= -180 && x <= 180 && y >= -90 && y <= 90;
}

int esql_geo_parse_wkt(const char *s, size_t n, esql_sc *out)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)s[i])) i++;
    if (n - i < 5 || !ct_strncaseeq(s + i, "point", 5)) return -1;
    i += 5;
    while (i < n && isspace((unsigned char)s[i])) i++;
    if (i >= n || s[i] != '(') return -1;
    char buf[128];
    size_t e = i + 1;
    while (e < n && s[e] != ')') e++;
    if (e >= n || e - i - 1 >= sizeof buf) return -1;
    memcpy(buf, s + i + 1, e - i - 1);
    buf[e - i - 1] = 0;
    for (size_t k = e + 1; k < n; k++)
        if (!isspace((unsigned char)s[k])) return -1;
    double v[3];
    int nv = 0;
    char *p = buf;
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (!*p) break;
        if (nv == 3) return -1;
        char *end;
        v[nv] = strtod(p, &end);
        if (end == p || (*end && !isspace((unsigned char)*end))) return -1;
        nv++;
        p = end;
    }
    if (nv < 2 || !valid(v[0], v[1])) return -1; /* a z is accepted and ignored, as Elasticsearch */
    *out = esql_geo_point(v[0], v[1]);
    return 0;
}

int esql_geo_from_json(const cJSON *j, esql_sc *out)
{
    if (cJSON_IsObject(j)) {
        const cJSON *lat = cJSON_GetObjectItemCaseSensitive(j, "lat"), *lon = cJSON_GetObjectItemCaseSensitive(j, "lon");
        if (!cJSON_IsNumber(lat) || !cJSON_IsNumber(lon) || !valid(lon->valuedouble, lat->valuedouble)) return -1;
        *out = esql_geo_point(lon->valuedouble, lat->valuedouble);
        return 0;
    }
    if (cJSON_IsArray(j)) { /* GeoJSON order: [lon, lat] */
        const cJSON *x = j->child, *y = x ? x->next : NULL;
        if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y) || (y->next && !cJSON_IsNumber(y->next)) ||
            !valid(x->valuedouble, y->valuedouble))
            return -1;
        *out = esql_geo_point(x->valuedouble, y->valuedouble);
        return 0;
    }
    if (!cJSON_IsString(j)) return -1;
    const char *s = j->valuestring;
    if (esql_geo_parse_wkt(s, strlen(s), out) == 0) return 0;
    char *end; /* "lat,lon" */
    double lat = strtod(s, &end);
    if (end == s || *end != ',') return -1;
    const char *q = end + 1;
    double lon = strtod(q, &end);
    while (isspace((unsigned char)*end)) end++;
    if (end == q || *end || !valid(lon, lat)) return -1;
    *out = esql_geo_point(lon, lat);
    return 0;
}

int esql_geo_field(const char *name, size_t n)
{
    return n >= 12 && !memcmp(name + n - 12, "geo.location", 12) && (n == 12 || name[n - 13] == '.');
}

void esql_java_double(double d, char *buf, size_t size)
{
    if (isnan(d)) { snprintf(buf, size, "NaN"); return; }
    if (isinf(d)) { snprintf(buf, size, d < 0 ? "-Infinity" : "Infinity"); return; }
    if (d == 0) { snprintf(buf, size, signbit(d) ? "-0.0" : "0.0"); return; }
    char e[40];
    for (int prec = 1; prec <= 17; prec++) { /* the shortest digits that read back */
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (strtod(e, NULL) == d) break;
    }
    /* e: [-]D[.DDD]e[+-]XX */
    char digits[24];
    size_t nd = 0;
    const char *p = e;
    int neg = *p == '-';
    if (neg) p++;
    for (; *p && *p != 'e'; p++)
        if (isdigit((unsigned char)*p)) digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    int exp = atoi(p + 1);
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (neg) ct_sbuf_addc(&b, '-');
    if (exp >= -3 && exp < 7) {
        if (exp < 0) {
            ct_sbuf_add(&b, "0.");
            for (int k = -1; k > exp; k--) ct_sbuf_addc(&b, '0');
            ct_sbuf_add(&b, digits);
        } else {
            for (int k = 0; k <= exp; k++) ct_sbuf_addc(&b, (size_t)k < nd ? digits[k] : '0');
            ct_sbuf_addc(&b, '.');
            if ((size_t)exp + 1 < nd) ct_sbuf_add(&b, digits + exp + 1);
            else ct_sbuf_addc(&b, '0');
        }
    } else {
        ct_sbuf_addc(&b, digits[0]);
        ct_sbuf_addc(&b, '.');
        ct_sbuf_add(&b, nd > 1 ? digits + 1 : "0");
        ct_sbuf_addf(&b, "E%d", exp);
    }
    snprintf(buf, size, "%s", b.buf);
    ct_sbuf_free(&b);
}

void esql_geo_wkt(const esql_sc *p, char *buf, size_t size)
{
    char x[32], y[32];
    esql_java_double(p->d, x, sizeof x);
    esql_java_double(esql_geo_y(p), y, sizeof y);
    snprintf(buf, size, "POINT (%s %s)", x, y);
}

double esql_geo_distance(const esql_sc *p, const esql_sc *q)
{
    return haversin_meters(quantize(esql_geo_y(p), 180.0), quantize(p->d, 360.0), quantize(esql_geo_y(q), 180.0),
                           quantize(q->d, 360.0));
}
