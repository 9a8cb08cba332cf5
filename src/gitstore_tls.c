/* gitstore: the HTTPS certificate of a remote reached by IP address.
 * libgit2 1.5 on Debian does TLS with mbedTLS 2.28, whose name check knows
 * only DNS names: it never matches an iPAddress subjectAltName (so a hub
 * reached as https://10.0.0.5 with a valid certificate for 10.0.0.5 fails), and
 * it matches an address against a dNSName or the CN written as that address,
 * which RFC 6125 (and RFC 5280, and git through curl) forbid. For an address
 * the name is checked here, with OpenSSL: only an iPAddress entry equal to the
 * address, byte for byte (IPv4, IPv6), matches. When mbedTLS refused the
 * certificate (it may have been only the name), the chain is verified again
 * here against the same CAs (the ones git is told to trust, else the system's),
 * with the date and the address. */
#include "gitstore_int.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>
#include "sanitize.h"

/* the address in host ("::1", "[::1]", "10.0.0.5"), 4 or 16 bytes; 0 if a name */
int ct_repo__tls_host_ip(const char *host, unsigned char out[16], char canon[64])
{
    char buf[64];
    size_t n = host ? strlen(host) : 0;
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') host++, n -= 2;
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, host, n);
    buf[n] = 0;
    int len = 0;
    if (inet_pton(AF_INET, buf, out) == 1) len = 4;
    else if (inet_pton(AF_INET6, buf, out) == 1) len = 16;
    if (len && canon) inet_ntop(len == 4 ? AF_INET : AF_INET6, out, canon, 64);
    return len;
}

/* the certificate's names, as "DNS:a, IP:1.2.3.4" (sanitized), or its CN */
static void cert_names(X509 *x, ct_sbuf *out)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int n = gens ? sk_GENERAL_NAME_num(gens) : 0;
    for (int i = 0; i < n; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (out->len) ct_sbuf_add(out, ", ");
        if (g->type == GEN_DNS) {
            ct_sbuf_add(out, "DNS:");
            ct_sbuf v;
            ct_sbuf_init(&v);
            ct_sbuf_addn(&v, (const char *)ASN1_STRING_get0_data(g->d.dNSName), (size_t)ASN1_STRING_length(g->d.dNSName));
            ct_san_line(v.buf, 80, out);
            ct_sbuf_free(&v);
        } else if (g->type == GEN_IPADD) {
            char a[64] = "?";
            int l = ASN1_STRING_length(g->d.iPAddress);
            if (l == 4 || l == 16) inet_ntop(l == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(g->d.iPAddress), a, sizeof a);
            ct_sbuf_addf(out, "IP:%s", a);
        } else {
            ct_sbuf_add(out, "(another kind of name)");
        }
    }
    if (gens) GENERAL_NAMES_free(gens);
    if (n == 0) {
        char cn[256] = "";
        int l = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
        ct_sbuf_add(out, "no subjectAltName, CN ");
        if (l > 0) ct_san_line(cn, 80, out);
        else ct_sbuf_add(out, "(none)");
    }
}

/* only an iPAddress entry, equal to the address */
static int ip_in_san(X509 *x, const unsigned char *ip, int len)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    int found = 0;
    for (int i = 0; gens && !found && i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        found = g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == len &&
                !memcmp(ASN1_STRING_get0_data(g->d.iPAddress), ip, (size_t)len);
    }
    if (gens) GENERAL_NAMES_free(gens);
    return found;
}

/* the leaf verified against the CAs (cafile/cadir, else OpenSSL's defaults,
 * which read SSL_CERT_FILE/SSL_CERT_DIR as git's order does last): 1 trusted
 * and in date, 0 not */
static int chain_ok(X509 *x, const char *cafile, const char *cadir)
{
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok = 0;
    if (!st || !ctx) goto out;
    if (cafile || cadir) {
        if (cafile && X509_STORE_load_file(st, cafile) != 1) goto out;
        if (cadir && X509_STORE_load_path(st, cadir) != 1) goto out;
    } else if (X509_STORE_set_default_paths(st) != 1) {
        goto out;
    }
    if (X509_STORE_CTX_init(ctx, st, x, NULL) != 1) goto out;
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    ok = X509_verify_cert(ctx) == 1;
out:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    ERR_clear_error();
    return ok;
}

int ct_repo__tls_check_ip(const unsigned char *der, size_t len, const char *host, int valid,
                          const char *cafile, const char *cadir, ct_sbuf *names)
{
    unsigned char ip[16];
    int iplen = ct_repo__tls_host_ip(host, ip, NULL);
    if (!iplen || !der || len > 1u << 20) return -1;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x) {
        ERR_clear_error();
        return -1;
    }
    int rc;
    /* mbedTLS verified the chain it was sent and the date; a refusal may have
     * been the name alone, so then the chain is checked again here */
    if (!valid && !chain_ok(x, cafile, cadir)) rc = -1;
    else if (ip_in_san(x, ip, iplen)) rc = 1;
    else {
        cert_names(x, names);
        rc = 0;
    }
    X509_free(x);
    return rc;
}
