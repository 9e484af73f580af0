/* SESSION_SETUP security blobs from the server, through the layer's API:
 * auth_start, then auth_step with the server's first SPNEGO NegTokenResp
 * (carrying the NTLMSSP CHALLENGE), then auth_finish with its final token.
 *   data[0] bit 0: anonymous instead of user credentials;
 *           bit 1: instead, parse the bytes as a server NegTokenInit(2)
 *                  (spnego_parse_init).
 *   data[1..2]: little-endian length of the first token (clamped to what is
 *               left); the first token follows, the final token is the rest
 *               (none when empty). */
#include <string.h>

#include "fuzz_common.h"
#include "auth/auth.h"
#include "auth/spnego_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const uint8_t *p = data + 3;
    size_t left = size - 3;
    if (data[0] & 2) {
        spnego_init in;
        if (spnego_parse_init(p, left, &in) == NT_OK) {
            FUZZ_CHECK(in.mech_types && in.mech_types >= p && in.mech_types + in.mech_types_len <= p + left);
            if (in.mech_token)
                FUZZ_CHECK(in.mech_token >= p && in.mech_token + in.mech_token_len <= p + left);
        }
        return 0;
    }
    size_t l1 = (size_t)data[1] | (size_t)data[2] << 8;
    if (l1 > left)
        l1 = left;
    const uint8_t *t1 = p, *t2 = p + l1;
    size_t l2 = left - l1;

    nt_creds cr = {0};
    char user[] = "alice", dom[] = "DOMAIN", pw[] = "Passw0rd!";
    if (!(data[0] & 1)) {
        cr.user = user;
        cr.domain = dom;
        cr.password = pw;
    }
    auth_ctx *a = NULL;
    uint8_t *tok = NULL;
    size_t toklen = 0;
    FUZZ_CHECK(auth_start(NULL, &cr, &(auth_target){"WS", NULL}, &a, &tok, &toklen) == NT_OK);
    free(tok);
    tok = NULL;
    /* exactly sized heap copies so ASan sees any over-read */
    uint8_t *c1 = malloc(l1 ? l1 : 1);
    FUZZ_CHECK(c1);
    memcpy(c1, t1, l1);
    uint32_t st = auth_step(a, l1 ? c1 : NULL, l1, &tok, &toklen);
    free(c1);
    if (st == NT_OK) {
        FUZZ_CHECK(tok && toklen > 0);
        free(tok);
        uint8_t *c2 = malloc(l2 ? l2 : 1);
        FUZZ_CHECK(c2);
        memcpy(c2, t2, l2);
        st = auth_finish(a, l2 ? c2 : NULL, l2);
        free(c2);
        uint8_t key[16];
        if (auth_session_key(a, key, 16, &(size_t){0})) /* a key only from a completed, authenticated logon */
            FUZZ_CHECK(st == NT_OK && !(data[0] & 1));
    } else {
        FUZZ_CHECK(tok == NULL && toklen == 0);
        FUZZ_CHECK(auth_finish(a, NULL, 0) == NT_ERROR_INVALID_PARAMETER);
    }
    auth_free(a);
    return 0;
}
