/*
 * winetests/sspi/mech_test.c -- dll/auth/sspi_win.c (mech.h) under Wine, as
 * the initiator of an exchange with tools/native/krb_accept (the acceptor,
 * holding the service keytab).  Lines on stdout: "TOKEN <hex>" (to the
 * acceptor), "REPLY <hex>|-" read on stdin, then "KEY <hex>" when the
 * mechanism returns a session key, "STATUS <n>" on failure, "DONE" when the
 * context is complete.  Also prints "chosen: <mechanism>".
 *
 *   mech_test.exe negotiate|kerberos SPN [USER DOMAIN]   (password: MECH_PASSWORD)
 *   mech_test.exe ccache SPN
 *       the Wine 8 workaround (dll/auth/krb5_ap.h): the provider's Kerberos
 *       context only fetches the service ticket into the ticket cache; the
 *       token is our own AP-REQ built from that ticket (KRB5CCNAME, FILE:),
 *       and the key is the ticket's session key
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/mech.h"
#include "auth/krb5_ap.h"

#ifdef _WIN32
#include <windows.h>
static uint64_t now_us(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    uint64_t t = ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime; /* 100 ns since 1601 */
    return t / 10u - 11644473600000000ull;
}
#else
#include <sys/time.h>
static uint64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}
#endif

static void put_hex(const char *tag, const uint8_t *p, size_t n)
{
    printf("%s ", tag);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf(n ? "\n" : "-\n");
    fflush(stdout);
}

static int get_reply(uint8_t **out, size_t *outlen)
{
    static char line[2 * MECH_TOKEN_MAX + 64];
    *out = NULL;
    *outlen = 0;
    if (!fgets(line, sizeof(line), stdin) || strncmp(line, "REPLY ", 6))
        return -1;
    size_t n = strcspn(line + 6, "\r\n");
    if (n == 1 && line[6] == '-')
        return 0;
    if (n % 2 || !(*out = malloc(n / 2 + 1)))
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(line + 6 + 2 * i, "%2x", &v) != 1)
            return -1;
        (*out)[i] = (uint8_t)v;
    }
    *outlen = n / 2;
    return 0;
}

/* The workaround: the provider fetches the ticket, we build the AP-REQ. */
static int run_ccache(const char *spn)
{
    mech_ctx *m = NULL;
    uint8_t *tok = NULL, *img = NULL;
    size_t toklen = 0, len = 0;
    uint32_t st = mech_start(NULL, spn, MECH_KERBEROS, &m, &tok, &toklen);
    free(tok);
    mech_free(m);
    if (st) {
        printf("STATUS %u\n", (unsigned)st);
        return 1;
    }
    krb5_svc_cred cred;
    memset(&cred, 0, sizeof(cred));
    st = krb5_ccache_load(getenv("KRB5CCNAME"), &img, &len);
    if (!st)
        st = krb5_ccache_find(img, len, spn, (uint32_t)(now_us() / 1000000u), &cred);
    free(img);
    if (!st)
        st = krb5_gss_ap_req(&cred, now_us(), &tok, &toklen);
    if (st) {
        printf("STATUS %u\n", (unsigned)st);
        krb5_svc_cred_clear(&cred);
        return 1;
    }
    printf("chosen: Kerberos (own AP-REQ, ticket enctype %u)\n", cred.enctype);
    put_hex("TOKEN", tok, toklen);
    free(tok);
    uint8_t *in = NULL;
    size_t inlen = 0;
    int rc = get_reply(&in, &inlen) ? 1 : 0;
    free(in);
    if (!rc) {
        put_hex("KEY", cred.key, cred.keylen);
        printf("DONE\n");
    }
    krb5_svc_cred_clear(&cred);
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "ccache"))
        return run_ccache(argv[2]);
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: mech_test negotiate|kerberos SPN [USER DOMAIN] | mech_test ccache SPN\n");
        return 2;
    }
    nt_creds creds = {0};
    if (argc == 5) {
        const char *pw = getenv("MECH_PASSWORD");
        creds.user = strdup(argv[3]);
        creds.domain = strdup(argv[4]);
        creds.password = strdup(pw ? pw : "");
    }
    mech_ctx *m = NULL;
    uint8_t *tok = NULL;
    size_t toklen = 0;
    uint32_t st = mech_start(argc == 5 ? &creds : NULL, argv[2], strcmp(argv[1], "kerberos") ? MECH_NEGOTIATE : MECH_KERBEROS,
                             &m, &tok, &toklen);
    nt_creds_clear(&creds);
    if (st) {
        printf("STATUS %u\n", (unsigned)st);
        return 1;
    }
    bool done = false;
    for (int round = 0; round < 6 && !done; round++) {
        put_hex("TOKEN", tok, toklen);
        free(tok);
        tok = NULL;
        uint8_t *in = NULL;
        size_t inlen = 0;
        if (get_reply(&in, &inlen)) {
            printf("STATUS no-reply\n");
            break;
        }
        st = mech_step(m, in, inlen, &tok, &toklen, &done);
        free(in);
        if (st) {
            printf("STATUS %u\n", (unsigned)st);
            break;
        }
    }
    free(tok);
    printf("chosen: %s\n", mech_chosen(m));
    if (done) {
        uint8_t key[MECH_KEY_MAX];
        size_t klen = sizeof(key);
        if (mech_session_key(m, key, &klen))
            put_hex("KEY", key, klen);
        else
            printf("session key: not available from the provider\n");
        nt_wipe(key, sizeof(key));
        printf("DONE\n");
    }
    mech_free(m);
    return done ? 0 : 1;
}
