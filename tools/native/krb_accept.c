/*
 * krb_accept -- the service side of a Kerberos/SPNEGO exchange, for tests:
 * GSSAPI gss_accept_sec_context with the service's keytab (KRB5_KTNAME,
 * exported from the AD DC with `samba-tool domain exportkeytab`), so a
 * client's token is checked by the real KDC-issued ticket and both sides'
 * session keys can be compared.
 *
 *   krb_accept self SPN negotiate|kerberos
 *       initiator = dll/auth/gss_posix.c (mech.h) in this process, with the
 *       ticket cache (KRB5CCNAME) or, when MECH_USER is set, explicit
 *       credentials (MECH_USER, MECH_DOMAIN, MECH_PASSWORD from the
 *       environment); prints the steps and "RESULT ..." lines
 *   krb_accept peer CMD [ARGS...]
 *       initiator = CMD (e.g. `wine probe.exe exchange ...`), speaking
 *       "TOKEN <hex>" / "REPLY <hex>" / "KEY <hex>" / "DONE" lines
 *
 * Output: "accept: ..." progress and one "RESULT: ok|fail <why>" line per
 * property: token accepted, context complete, keys equal.  Exit 0 when all
 * are ok, 1 otherwise, 2 on usage errors.  Key bytes are never printed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "auth/mech.h"

static int failures;

static void result(int ok, const char *what, const char *why)
{
    printf("RESULT: %s %s%s%s\n", ok ? "ok" : "fail", what, why && *why ? ": " : "", why ? why : "");
    if (!ok)
        failures++;
}

static void gss_err(const char *what, OM_uint32 major, OM_uint32 minor)
{
    OM_uint32 m2, ctx = 0;
    gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
    gss_display_status(&m2, minor ? minor : major, minor ? GSS_C_MECH_CODE : GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx,
                       &b);
    printf("accept: %s: major 0x%x minor %u: %.*s\n", what, (unsigned)major, (unsigned)minor, (int)b.length,
           (const char *)b.value);
    gss_release_buffer(&m2, &b);
}

struct acceptor {
    gss_ctx_id_t ctx;
    int complete;
    uint8_t key[MECH_KEY_MAX];
    size_t keylen;
    char client[256];
};

/* One accept round: 0 ok (out may be empty), -1 refused. */
static int accept_one(struct acceptor *a, const uint8_t *in, size_t inlen, uint8_t **out, size_t *outlen)
{
    OM_uint32 major, minor, flags = 0;
    gss_buffer_desc ib = {inlen, (void *)in}, ob = GSS_C_EMPTY_BUFFER;
    gss_name_t src = GSS_C_NO_NAME;
    gss_OID mech = GSS_C_NO_OID;
    major = gss_accept_sec_context(&minor, &a->ctx, GSS_C_NO_CREDENTIAL, &ib, GSS_C_NO_CHANNEL_BINDINGS, &src,
                                   &mech, &ob, &flags, NULL, NULL);
    *out = NULL;
    *outlen = 0;
    if (ob.length) {
        *out = malloc(ob.length);
        memcpy(*out, ob.value, ob.length);
        *outlen = ob.length;
    }
    gss_release_buffer(&minor, &ob);
    if (GSS_ERROR(major)) {
        gss_err("gss_accept_sec_context", major, minor);
        return -1;
    }
    if (major == GSS_S_COMPLETE) {
        a->complete = 1;
        gss_buffer_desc nb = GSS_C_EMPTY_BUFFER;
        if (gss_display_name(&minor, src, &nb, NULL) == GSS_S_COMPLETE)
            snprintf(a->client, sizeof(a->client), "%.*s", (int)nb.length, (const char *)nb.value);
        gss_release_buffer(&minor, &nb);
        printf("accept: complete: client %s, flags 0x%x (mutual %d, integ %d)\n", a->client, (unsigned)flags,
               !!(flags & GSS_C_MUTUAL_FLAG), !!(flags & GSS_C_INTEG_FLAG));
        gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
        major = gss_inquire_sec_context_by_oid(&minor, a->ctx, GSS_C_INQ_SSPI_SESSION_KEY, &set);
        if (!GSS_ERROR(major) && set && set->count >= 1 && set->elements[0].length <= sizeof(a->key)) {
            a->keylen = set->elements[0].length;
            memcpy(a->key, set->elements[0].value, a->keylen);
        }
        if (set)
            gss_release_buffer_set(&minor, &set);
    }
    gss_release_name(&minor, &src);
    return 0;
}

static const char *kind_of(const uint8_t *t, size_t n)
{
    static const uint8_t spnego[] = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
    static const uint8_t krb5[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
    if (n < 16 || t[0] != 0x60)
        return n && t[0] == 0xa1 ? "SPNEGO NegTokenResp" : "other";
    size_t off = (t[1] & 0x80) ? 2 + (t[1] & 0x7f) : 2;
    if (off + sizeof(krb5) <= n && !memcmp(t + off, krb5, sizeof(krb5)))
        return "raw Kerberos (GSS krb5 mech, AP-REQ)";
    if (off + sizeof(spnego) <= n && !memcmp(t + off, spnego, sizeof(spnego)))
        return "SPNEGO NegTokenInit";
    return "other GSS token";
}

static void compare_keys(const struct acceptor *a, const uint8_t *ik, size_t iklen, int have_ik)
{
    char why[128];
    if (!a->keylen) {
        result(0, "keys_equal", "acceptor has no session key");
        return;
    }
    if (!have_ik) {
        result(0, "keys_equal", "initiator returned no session key");
        return;
    }
    snprintf(why, sizeof(why), "initiator %zu bytes, acceptor %zu bytes", iklen, a->keylen);
    result(iklen == a->keylen && !memcmp(ik, a->key, iklen), "keys_equal", why);
}

static int run_self(const char *spn, enum mech_kind kind)
{
    nt_creds creds = {0};
    const char *u = getenv("MECH_USER");
    if (u && *u) {
        creds.user = strdup(u);
        creds.domain = getenv("MECH_DOMAIN") ? strdup(getenv("MECH_DOMAIN")) : NULL;
        creds.password = getenv("MECH_PASSWORD") ? strdup(getenv("MECH_PASSWORD")) : NULL;
    }
    mech_ctx *m = NULL;
    uint8_t *tok = NULL;
    size_t toklen = 0;
    uint32_t st = mech_start(creds.user ? &creds : NULL, spn, kind, &m, &tok, &toklen);
    nt_creds_clear(&creds);
    printf("accept: mech_start status %u, token %zu bytes: %s\n", (unsigned)st, toklen, kind_of(tok, toklen));
    if (st) {
        printf("MECH_STATUS %u\n", (unsigned)st);
        result(0, "mech_start", "failed");
        return 1;
    }
    struct acceptor a = {GSS_C_NO_CONTEXT, 0, {0}, 0, {0}};
    bool done = false;
    int ok = 1;
    for (int round = 0; round < 6 && !done; round++) {
        uint8_t *rep = NULL;
        size_t replen = 0;
        if (tok && accept_one(&a, tok, toklen, &rep, &replen) < 0) {
            ok = 0;
            free(tok);
            break;
        }
        free(tok);
        tok = NULL;
        toklen = 0;
        st = mech_step(m, rep, replen, &tok, &toklen, &done);
        printf("accept: reply %zu bytes -> mech_step status %u, next token %zu, done %d\n", replen, (unsigned)st,
               toklen, (int)done);
        free(rep);
        if (st) {
            ok = 0;
            break;
        }
    }
    free(tok);
    result(ok && a.complete, "token_accepted", a.complete ? a.client : "acceptor did not complete");
    result(done, "initiator_complete", mech_chosen(m));
    uint8_t ik[MECH_KEY_MAX];
    size_t iklen = sizeof(ik);
    bool have = done && mech_session_key(m, ik, &iklen);
    compare_keys(&a, ik, iklen, have);
    nt_wipe(ik, sizeof(ik));
    nt_wipe(a.key, sizeof(a.key));
    mech_free(m);
    OM_uint32 minor;
    if (a.ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &a.ctx, GSS_C_NO_BUFFER);
    return failures ? 1 : 0;
}

static int unhex(const char *h, uint8_t **out, size_t *outlen)
{
    size_t n = strcspn(h, "\r\n");
    *out = NULL;
    *outlen = 0;
    if (n % 2 || n / 2 > MECH_TOKEN_MAX)
        return -1;
    *out = malloc(n / 2 + 1);
    if (!*out)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1)
            return -1;
        (*out)[i] = (uint8_t)v;
    }
    *outlen = n / 2;
    return 0;
}

/* The initiator is another program: lines on its stdout, replies on its stdin. */
static int run_peer(char **cmd)
{
    int to_child[2], from_child[2];
    if (pipe(to_child) || pipe(from_child))
        return 2;
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        close(from_child[0]);
        execvp(cmd[0], cmd);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    signal(SIGPIPE, SIG_IGN);
    FILE *in = fdopen(from_child[0], "r"), *out = fdopen(to_child[1], "w");
    static char line[2 * MECH_TOKEN_MAX + 64];
    struct acceptor a = {GSS_C_NO_CONTEXT, 0, {0}, 0, {0}};
    uint8_t *ik = NULL;
    size_t iklen = 0;
    int have_ik = 0, done = 0, refused = 0, tokens = 0;
    while (fgets(line, sizeof(line), in)) {
        if (!strncmp(line, "TOKEN ", 6)) {
            uint8_t *t = NULL, *rep = NULL;
            size_t tl = 0, rl = 0;
            if (line[6] == '-' || unhex(line + 6, &t, &tl) || !tl) {
                free(t);
                fprintf(out, "REPLY -\n");
                fflush(out);
                continue;
            }
            if (!tokens++)
                printf("accept: first token %zu bytes: %s\n", tl, kind_of(t, tl));
            if (accept_one(&a, t, tl, &rep, &rl) < 0)
                refused = 1;
            free(t);
            if (refused) {
                free(rep);
                break;
            }
            fprintf(out, "REPLY ");
            for (size_t i = 0; i < rl; i++)
                fprintf(out, "%02x", rep[i]);
            fprintf(out, rl ? "\n" : "-\n");
            fflush(out);
            free(rep);
        } else if (!strncmp(line, "KEY ", 4)) {
            free(ik);
            have_ik = !unhex(line + 4, &ik, &iklen);
        } else if (!strncmp(line, "DONE", 4)) {
            done = 1;
        } else {
            fputs(line, stdout);      /* the initiator's own findings */
        }
    }
    fclose(out);
    fclose(in);
    int wst = 0;
    waitpid(pid, &wst, 0);
    result(!refused && a.complete, "token_accepted", a.complete ? a.client : "acceptor did not complete");
    result(done, "initiator_complete", done ? "" : "initiator did not finish");
    compare_keys(&a, ik, iklen, have_ik);
    if (ik)
        nt_wipe(ik, iklen);
    free(ik);
    nt_wipe(a.key, sizeof(a.key));
    OM_uint32 minor;
    if (a.ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &a.ctx, GSS_C_NO_BUFFER);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 4 && !strcmp(argv[1], "self"))
        return run_self(argv[2], !strcmp(argv[3], "kerberos") ? MECH_KERBEROS : MECH_NEGOTIATE);
    if (argc >= 3 && !strcmp(argv[1], "peer"))
        return run_peer(argv + 2);
    fprintf(stderr, "usage: krb_accept self SPN negotiate|kerberos | krb_accept peer CMD [ARGS...]\n");
    return 2;
}
