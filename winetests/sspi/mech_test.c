/*
 * winetests/sspi/mech_test.c -- dll/auth/sspi_win.c (mech.h) under Wine, as
 * the initiator of an exchange with tools/native/krb_accept (the acceptor,
 * holding the service keytab).  Lines on stdout: "TOKEN <hex>" (to the
 * acceptor), "REPLY <hex>|-" read on stdin, then "KEY <hex>" when the
 * mechanism returns a session key, "STATUS <n>" on failure, "DONE" when the
 * context is complete.  Also prints "chosen: <mechanism>".
 *
 *   mech_test.exe negotiate|kerberos SPN [USER DOMAIN]   (password: MECH_PASSWORD)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/mech.h"

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

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: mech_test negotiate|kerberos SPN [USER DOMAIN]\n");
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
