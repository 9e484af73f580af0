/*
 * The portable part of mech.h: argument checks and the start/step state
 * machine, over the provider backend (gss_posix.c natively, sspi_win.c in
 * the DLL).
 */
#include <stdlib.h>

#include "mech.h"

uint32_t mech_start(const nt_creds *creds, const char *spn, enum mech_kind kind, mech_ctx **out, uint8_t **tok,
                    size_t *toklen)
{
    *out = NULL;
    *tok = NULL;
    *toklen = 0;
    if (!spn || !*spn)
        return NT_ERROR_INVALID_PARAMETER;
    mech_ctx *c = NULL;
    uint32_t st = mech_be_open(creds, spn, kind, &c);
    bool done = false;
    if (st == NT_OK)
        st = mech_be_round(c, NULL, 0, tok, toklen, &done);
    if (st) {
        free(*tok);
        *tok = NULL;
        *toklen = 0;
        mech_free(c);
        return st;
    }
    *out = c;
    return NT_OK;
}

uint32_t mech_step(mech_ctx *c, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen, bool *done)
{
    *tok = NULL;
    *toklen = 0;
    *done = false;
    if (!c)
        return NT_ERROR_INVALID_PARAMETER;
    if (mech_be_done(c)) {
        /* complete already: a server token now is a protocol violation */
        *done = true;
        return inlen ? NT_ERROR_UNEXP_NET_ERR : NT_OK;
    }
    if (!in || !inlen || inlen > MECH_TOKEN_MAX)
        return NT_ERROR_UNEXP_NET_ERR;
    uint32_t st = mech_be_round(c, in, inlen, tok, toklen, done);
    if (st) {
        free(*tok);
        *tok = NULL;
        *toklen = 0;
    }
    return st;
}

bool mech_session_key(const mech_ctx *c, uint8_t *key, size_t *len)
{
    return c && mech_be_done(c) && key && len && *len > 0 && mech_be_session_key(c, key, len);
}
