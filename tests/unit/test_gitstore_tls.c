/* Unit tests for src/gitstore_tls.c: a host that is an IP address matches a
 * certificate only through an iPAddress subjectAltName equal to it (RFC 6125
 * 6.4.4, no DNS-name or CN fallback), and when libgit2 refused the certificate
 * the chain is verified again against the CA file. The certificates are made
 * here with OpenSSL: a CA, and leaves with the names each case needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gitstore_int.h"

static EVP_PKEY *ca_key, *other_key;
static X509 *ca;
static char ca_file[64];

static X509 *make_cert(const char *cn, const char *san, EVP_PKEY *signer, X509 *issuer, int is_ca)
{
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, other_key);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
    const char *exts[][2] = {{"basicConstraints", is_ca ? "critical,CA:TRUE" : "CA:FALSE"},
                             {"keyUsage", is_ca ? "keyCertSign" : "digitalSignature,keyEncipherment"},
                             {"subjectAltName", san}};
    for (size_t i = 0; i < 3; i++) {
        if (!exts[i][1] || !*exts[i][1]) continue;
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &v3, exts[i][0], exts[i][1]);
        assert_non_null(e);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, signer, EVP_sha256()) > 0);
    return x;
}

static int check(X509 *x, const char *host, int valid, const char *file, ct_sbuf *names)
{
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    assert_true(len > 0);
    ct_sbuf_reset(names);
    int rc = ct_repo__tls_check_ip(der, (size_t)len, host, valid, file, NULL, names);
    OPENSSL_free(der);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    ca_key = EVP_RSA_gen(2048);
    other_key = EVP_RSA_gen(2048);
    assert_non_null(ca_key);
    assert_non_null(other_key);
    /* the CA's own key: make_cert puts other_key in every certificate, so
     * the CA is built by hand here with ca_key */
    ca = X509_new();
    X509_set_version(ca, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(ca), 1);
    X509_gmtime_adj(X509_getm_notBefore(ca), -3600);
    X509_gmtime_adj(X509_getm_notAfter(ca), 86400);
    X509_set_pubkey(ca, ca_key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(ca), "CN", MBSTRING_ASC, (const unsigned char *)"test CA", -1, -1, 0);
    X509_set_issuer_name(ca, X509_get_subject_name(ca));
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, ca, ca, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf(NULL, &v3, "basicConstraints", "critical,CA:TRUE");
    X509_add_ext(ca, e, -1);
    X509_EXTENSION_free(e);
    e = X509V3_EXT_conf(NULL, &v3, "keyUsage", "keyCertSign");
    X509_add_ext(ca, e, -1);
    X509_EXTENSION_free(e);
    assert_true(X509_sign(ca, ca_key, EVP_sha256()) > 0);
    strcpy(ca_file, "/tmp/ct_tls_XXXXXX");
    int fd = mkstemp(ca_file);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    PEM_write_X509(f, ca);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(ca_file);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_key);
    return 0;
}

static void test_host_ip(void **state)
{
    (void)state;
    unsigned char b[16];
    char c[64];
    assert_int_equal(ct_repo__tls_host_ip("10.0.0.5", b, c), 4);
    assert_string_equal(c, "10.0.0.5");
    assert_int_equal(ct_repo__tls_host_ip("[::1]", b, c), 16);
    assert_string_equal(c, "::1");
    assert_int_equal(ct_repo__tls_host_ip("0:0:0:0:0:0:0:1", b, c), 16);
    assert_string_equal(c, "::1");
    assert_int_equal(ct_repo__tls_host_ip("::ffff:10.0.0.5", b, c), 16);
    /* names, and what inet_pton does not take as an address */
    assert_int_equal(ct_repo__tls_host_ip("localhost", b, c), 0);
    assert_int_equal(ct_repo__tls_host_ip("10.0.0", b, c), 0);
    assert_int_equal(ct_repo__tls_host_ip("010.0.0.5", b, c), 0);
    assert_int_equal(ct_repo__tls_host_ip("10.0.0.5.example.com", b, c), 0);
    assert_int_equal(ct_repo__tls_host_ip("", b, c), 0);
    assert_int_equal(ct_repo__tls_host_ip(NULL, b, c), 0);
}

static void test_ip_san(void **state)
{
    (void)state;
    ct_sbuf names;
    ct_sbuf_init(&names);
    X509 *x = make_cert("hub", "DNS:hub.example, IP:10.0.0.5, IP:2001:db8::7", ca_key, ca, 0);
    /* refused by libgit2 (mbedTLS matched no DNS name): the chain verified here */
    assert_int_equal(check(x, "10.0.0.5", 0, ca_file, &names), 1);
    assert_int_equal(check(x, "2001:db8::7", 0, ca_file, &names), 1);
    assert_int_equal(check(x, "[2001:db8:0::7]", 0, ca_file, &names), 1);
    /* another address: the names listed */
    assert_int_equal(check(x, "10.0.0.6", 0, ca_file, &names), 0);
    assert_string_equal(names.buf, "DNS:hub.example, IP:10.0.0.5, IP:2001:db8::7");
    /* IPv4-mapped IPv6 is another address (16 bytes, not 4) */
    assert_int_equal(check(x, "::ffff:10.0.0.5", 0, ca_file, &names), 0);
    /* a DNS name as host: not for this module */
    assert_int_equal(check(x, "hub.example", 1, ca_file, &names), -1);
    /* not trusted: no CA file with the signer */
    assert_int_equal(check(x, "10.0.0.5", 0, "/nonexistent", &names), -1);
    X509_free(x);
    /* self-signed with the right address: the chain fails */
    x = make_cert("10.0.0.5", "IP:10.0.0.5", other_key, NULL, 0);
    assert_int_equal(check(x, "10.0.0.5", 0, ca_file, &names), -1);
    X509_free(x);
    ct_sbuf_free(&names);
}

static void test_no_dns_fallback(void **state)
{
    (void)state;
    ct_sbuf names;
    ct_sbuf_init(&names);
    /* the address as a dNSName: mbedTLS says valid, it is not for the address */
    X509 *x = make_cert("10.0.0.5", "DNS:10.0.0.5", ca_key, ca, 0);
    assert_int_equal(check(x, "10.0.0.5", 1, ca_file, &names), 0);
    assert_string_equal(names.buf, "DNS:10.0.0.5");
    X509_free(x);
    /* the address as the CN, no subjectAltName */
    x = make_cert("10.0.0.5", NULL, ca_key, ca, 0);
    assert_int_equal(check(x, "10.0.0.5", 1, ca_file, &names), 0);
    assert_string_equal(names.buf, "no subjectAltName, CN 10.0.0.5");
    assert_int_equal(check(x, "10.0.0.5", 0, ca_file, &names), 0);
    X509_free(x);
    /* hostile text in a name is made inert */
    x = make_cert("x", "DNS:a\x1b[2Jb", ca_key, ca, 0);
    assert_int_equal(check(x, "10.0.0.5", 1, ca_file, &names), 0);
    assert_null(strchr(names.buf, '\x1b'));
    X509_free(x);
    /* garbage instead of a certificate */
    assert_int_equal(ct_repo__tls_check_ip((const unsigned char *)"\x30\x03\x01\x01", 4, "10.0.0.5", 1, ca_file, NULL, &names), -1);
    ct_sbuf_free(&names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_ip),
        cmocka_unit_test(test_ip_san),
        cmocka_unit_test(test_no_dns_fallback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
