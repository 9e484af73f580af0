/* The authentication interface (auth.h): dispatch to a mechanism's ops. */
#include "auth.h"

#include <stdlib.h>

uint32_t auth_start(const auth_mech *m, const nt_creds *creds, const auth_target *t, auth_ctx **out,
                    uint8_t **tok, size_t *toklen)
{
    static const auth_target none = {NULL, NULL};
    if (!out || !tok || !toklen)
        return NT_ERROR_INVALID_PARAMETER;
    *out = NULL;
    *tok = NULL;
    *toklen = 0;
    if (!m)
        m = &AUTH_MECH_NTLMSSP;
    uint32_t st = m->start(creds, t ? t : &none, out, tok, toklen);
    if (st == NT_OK && (!*out || !(*out)->ops)) {
        free(*tok);
        *tok = NULL;
        *toklen = 0;
        *out = NULL;
        st = NT_ERROR_INVALID_PARAMETER; /* a mechanism that broke its contract */
    }
    return st;
}

uint32_t auth_step(auth_ctx *a, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen)
{
    if (!a || !tok || !toklen)
        return NT_ERROR_INVALID_PARAMETER;
    *tok = NULL;
    *toklen = 0;
    return a->ops->step(a, in, inlen, tok, toklen);
}

uint32_t auth_finish(auth_ctx *a, const uint8_t *in, size_t inlen)
{
    return a ? a->ops->finish(a, in, inlen) : NT_ERROR_INVALID_PARAMETER;
}

bool auth_session_key(const auth_ctx *a, uint8_t *key, size_t cap, size_t *len)
{
    if (len)
        *len = 0;
    return a && key && len && a->ops->session_key(a, key, cap, len);
}

bool auth_is_anonymous(const auth_ctx *a)
{
    return a && a->ops->is_anonymous(a);
}

void auth_free(auth_ctx *a)
{
    if (a)
        a->ops->free(a);
}
