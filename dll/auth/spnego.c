/*
 * SPNEGO (RFC 4178, MS-SPNG) carrying NTLMSSP, and the auth_* entry points.
 *
 * Only the DER this client needs: NegTokenInit out, NegTokenResp in and out.
 * Lengths are strict: definite form only (at most 4 length octets), every
 * element must fit its parent exactly, tokens are capped at SPNEGO_MAX_TOKEN.
 * (Non-minimal long-form lengths are tolerated: they cannot over-read.)
 *
 * mechListMIC: ours is the NTLMSSP signature (client sign/seal keys, seq 0)
 * over spnego_mech_types, sent with every authenticated logon.  Having sent
 * one, we require the server's (MS-SPNG 3.1.5.1, RFC 4178 5): the final
 * NegTokenResp (accept-completed) and its mechListMIC, checked with the
 * server sign/seal keys (seq 0), are mandatory: they are the server's proof
 * that it knows the password and that nobody edited the negotiation.  A
 * missing or wrong one is NT_ERROR_UNEXP_NET_ERR (the server claimed success,
 * so this is tampering or an impostor, not a bad password).  An anonymous
 * logon sends no MIC and needs none.
 */
#include "spnego_internal.h"
#include "ntlm_internal.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t oid_spnego[8] = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
static const uint8_t oid_ntlmssp[12] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
const uint8_t spnego_mech_types[14] = {0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01,
                                       0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

/* ---- DER reading --------------------------------------------------------------- */
typedef struct der {
    const uint8_t *p;
    size_t len, pos;
} der;

static void der_init(der *d, const uint8_t *p, size_t len)
{
    d->p = p;
    d->len = p ? len : 0;
    d->pos = 0;
}

static bool der_more(const der *d) { return d->pos < d->len; }


/* Reads one TLV with a single-octet tag; the value must fit in d. */
static bool der_tlv(der *d, uint8_t *tag, const uint8_t **val, size_t *vlen)
{
    size_t left = d->len - d->pos;
    if (d->pos >= d->len || left < 2)
        return false;
    const uint8_t *q = d->p + d->pos;
    if ((q[0] & 0x1f) == 0x1f) /* high tag numbers: never used here */
        return false;
    size_t hl = 2, l = q[1];
    if (l == 0x80)
        return false; /* indefinite length */
    if (l > 0x80) {
        size_t n = l & 0x7f;
        if (n > 4 || left < 2 + n)
            return false;
        l = 0;
        for (size_t i = 0; i < n; i++)
            l = (l << 8) | q[2 + i];
        hl += n;
    }
    if (l > SPNEGO_MAX_TOKEN || l > left - hl)
        return false;
    *tag = q[0];
    *val = q + hl;
    *vlen = l;
    d->pos += hl + l;
    return true;
}

/* Reads a TLV that must have the given tag. */
static bool der_expect(der *d, uint8_t tag, const uint8_t **val, size_t *vlen)
{
    uint8_t t;
    return der_tlv(d, &t, val, vlen) && t == tag;
}

/* An explicit [n] wrapper whose content is exactly one TLV with tag inner. */
static bool der_explicit(const uint8_t *v, size_t vl, uint8_t inner, const uint8_t **val, size_t *vlen)
{
    der d;
    der_init(&d, v, vl);
    return der_expect(&d, inner, val, vlen) && !der_more(&d);
}

/* ---- DER writing --------------------------------------------------------------- */
static size_t der_hl(size_t len) { return len < 0x80 ? 2 : len < 0x100 ? 3 : len < 0x10000 ? 4 : 5; }

static void der_hdr(nt_wr *w, uint8_t tag, size_t len)
{
    nt_wr_u8(w, tag);
    if (len < 0x80) {
        nt_wr_u8(w, (uint8_t)len);
    } else if (len < 0x100) {
        nt_wr_u8(w, 0x81);
        nt_wr_u8(w, (uint8_t)len);
    } else if (len < 0x10000) {
        nt_wr_u8(w, 0x82);
        nt_wr_u8(w, (uint8_t)(len >> 8));
        nt_wr_u8(w, (uint8_t)len);
    } else {
        nt_wr_u8(w, 0x83);
        nt_wr_u8(w, (uint8_t)(len >> 16));
        nt_wr_u8(w, (uint8_t)(len >> 8));
        nt_wr_u8(w, (uint8_t)len);
    }
}

static size_t tlv_len(size_t len) { return der_hl(len) + len; }

static uint32_t finish(nt_wr *w, uint8_t **out, size_t *outlen)
{
    if (w->bad) {
        nt_wr_free(w);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    *out = nt_wr_take(w, outlen);
    return *out ? NT_OK : NT_ERROR_NOT_ENOUGH_MEMORY;
}

uint32_t spnego_build_init(const uint8_t *mech_token, size_t len, uint8_t **out, size_t *outlen)
{
    return spnego_build_init_mechs(spnego_mech_types, sizeof spnego_mech_types, mech_token, len, out, outlen);
}

uint32_t spnego_build_init_mechs(const uint8_t *mech_types, size_t mtlen, const uint8_t *mech_token, size_t len,
                                 uint8_t **out, size_t *outlen)
{
    if (len > SPNEGO_MAX_TOKEN || (!mech_token && len) || mtlen > 256)
        return NT_ERROR_INVALID_PARAMETER;
    size_t a0 = tlv_len(mtlen);
    size_t a2 = tlv_len(tlv_len(len));
    size_t seq = a0 + a2;
    size_t init = tlv_len(seq);
    size_t app = sizeof oid_spnego + tlv_len(init);
    nt_wr w;
    nt_wr_init(&w, tlv_len(app));
    der_hdr(&w, 0x60, app);
    nt_wr_bytes(&w, oid_spnego, sizeof oid_spnego);
    der_hdr(&w, 0xa0, init);
    der_hdr(&w, 0x30, seq);
    der_hdr(&w, 0xa0, mtlen);
    nt_wr_bytes(&w, mech_types, mtlen);
    der_hdr(&w, 0xa2, tlv_len(len));
    der_hdr(&w, 0x04, len);
    nt_wr_bytes(&w, mech_token, len);
    return finish(&w, out, outlen);
}

uint32_t spnego_build_resp(const uint8_t *token, size_t len, const uint8_t *mic, size_t miclen, uint8_t **out,
                           size_t *outlen)
{
    if (len > SPNEGO_MAX_TOKEN || miclen > 256 || (!token && len))
        return NT_ERROR_INVALID_PARAMETER;
    size_t seq = tlv_len(tlv_len(len)) + (mic ? tlv_len(tlv_len(miclen)) : 0);
    size_t resp = tlv_len(seq);
    nt_wr w;
    nt_wr_init(&w, tlv_len(resp));
    der_hdr(&w, 0xa1, resp);
    der_hdr(&w, 0x30, seq);
    der_hdr(&w, 0xa2, tlv_len(len));
    der_hdr(&w, 0x04, len);
    nt_wr_bytes(&w, token, len);
    if (mic) {
        der_hdr(&w, 0xa3, tlv_len(miclen));
        der_hdr(&w, 0x04, miclen);
        nt_wr_bytes(&w, mic, miclen);
    }
    return finish(&w, out, outlen);
}

uint32_t spnego_parse_resp(const uint8_t *in, size_t len, spnego_resp *r)
{
    return spnego_parse_resp_mech(in, len, oid_ntlmssp, sizeof oid_ntlmssp, NULL, 0, r);
}

uint32_t spnego_parse_resp_mech(const uint8_t *in, size_t len, const uint8_t *oid1, size_t oid1len,
                                const uint8_t *oid2, size_t oid2len, spnego_resp *r)
{
    memset(r, 0, sizeof *r);
    r->neg_state = -1;
    if (!in || len == 0 || len > SPNEGO_MAX_TOKEN)
        return NT_ERROR_UNEXP_NET_ERR;
    der top, seq;
    const uint8_t *v, *s;
    size_t vl, sl;
    der_init(&top, in, len);
    if (!der_expect(&top, 0xa1, &v, &vl) || der_more(&top))
        return NT_ERROR_UNEXP_NET_ERR;
    if (!der_explicit(v, vl, 0x30, &s, &sl))
        return NT_ERROR_UNEXP_NET_ERR;
    der_init(&seq, s, sl);
    int last = -1;
    while (der_more(&seq)) {
        uint8_t tag;
        const uint8_t *f, *c;
        size_t fl, cl;
        if (!der_tlv(&seq, &tag, &f, &fl))
            return NT_ERROR_UNEXP_NET_ERR;
        int n = tag - 0xa0;
        if (tag < 0xa0 || tag > 0xa3 || n <= last)
            return NT_ERROR_UNEXP_NET_ERR; /* unknown, duplicate or out of order */
        last = n;
        switch (n) {
        case 0: /* negState ENUMERATED */
            if (!der_explicit(f, fl, 0x0a, &c, &cl) || cl != 1 || c[0] > 3)
                return NT_ERROR_UNEXP_NET_ERR;
            r->neg_state = c[0];
            break;
        case 1: /* supportedMech OID */
            if (!der_explicit(f, fl, 0x06, &c, &cl) ||
                !((fl == oid1len && !memcmp(f, oid1, fl)) || (oid2 && fl == oid2len && !memcmp(f, oid2, fl))))
                return NT_ERROR_UNEXP_NET_ERR;
            r->has_mech = true;
            break;
        case 2: /* responseToken OCTET STRING */
            if (!der_explicit(f, fl, 0x04, &c, &cl))
                return NT_ERROR_UNEXP_NET_ERR;
            r->token = c;
            r->token_len = cl;
            break;
        default: /* mechListMIC OCTET STRING */
            if (!der_explicit(f, fl, 0x04, &c, &cl))
                return NT_ERROR_UNEXP_NET_ERR;
            r->mic = c;
            r->mic_len = cl;
            break;
        }
    }
    return NT_OK;
}

uint32_t spnego_parse_init(const uint8_t *in, size_t len, spnego_init *p)
{
    memset(p, 0, sizeof *p);
    if (!in || len == 0 || len > SPNEGO_MAX_TOKEN)
        return NT_ERROR_UNEXP_NET_ERR;
    der top, app, seq;
    const uint8_t *v, *s, *o, *f;
    size_t vl, sl, ol, fl;
    der_init(&top, in, len);
    if (!der_expect(&top, 0x60, &v, &vl) || der_more(&top))
        return NT_ERROR_UNEXP_NET_ERR;
    der_init(&app, v, vl);
    if (!der_expect(&app, 0x06, &o, &ol) || ol + 2 != sizeof oid_spnego ||
        memcmp(o, oid_spnego + 2, ol) != 0)
        return NT_ERROR_UNEXP_NET_ERR;
    if (!der_expect(&app, 0xa0, &f, &fl) || der_more(&app) || !der_explicit(f, fl, 0x30, &s, &sl))
        return NT_ERROR_UNEXP_NET_ERR;
    der_init(&seq, s, sl);
    int last = -1;
    bool have_types = false;
    while (der_more(&seq)) {
        uint8_t tag;
        const uint8_t *c;
        size_t cl;
        if (!der_tlv(&seq, &tag, &f, &fl))
            return NT_ERROR_UNEXP_NET_ERR;
        int n = tag - 0xa0;
        if (tag < 0xa0 || tag > 0xa4 || n <= last)
            return NT_ERROR_UNEXP_NET_ERR;
        last = n;
        if (n == 0) { /* mechTypes: SEQUENCE OF OID */
            der list;
            if (!der_explicit(f, fl, 0x30, &c, &cl))
                return NT_ERROR_UNEXP_NET_ERR;
            p->mech_types = f;
            p->mech_types_len = fl;
            der_init(&list, c, cl);
            bool first = true;
            while (der_more(&list)) {
                const uint8_t *m;
                size_t ml, start = list.pos;
                if (!der_expect(&list, 0x06, &m, &ml) || ml == 0)
                    return NT_ERROR_UNEXP_NET_ERR;
                if (first)
                    p->first_is_ntlm = list.pos - start == sizeof oid_ntlmssp &&
                                       memcmp(c + start, oid_ntlmssp, sizeof oid_ntlmssp) == 0;
                first = false;
            }
            if (first)
                return NT_ERROR_UNEXP_NET_ERR; /* empty list */
            have_types = true;
        } else if (n == 2) {
            if (!der_explicit(f, fl, 0x04, &c, &cl))
                return NT_ERROR_UNEXP_NET_ERR;
            p->mech_token = c;
            p->mech_token_len = cl;
        }
        /* [1] reqFlags, [3] negHints / mechListMIC, [4] mechListMIC: skipped */
    }
    return have_types ? NT_OK : NT_ERROR_UNEXP_NET_ERR;
}

/* ---- the AUTH_MECH_NTLMSSP mechanism (auth.h) ------------------------------------ */
enum { AUTH_STARTED, AUTH_STEPPED, AUTH_DONE, AUTH_FAILED };

typedef struct spnego_ntlm {
    auth_ctx base;   /* first: the interface's view */
    ntlm_ctx ntlm;
    int state;
    bool mic_sent;   /* our NegTokenResp carried a mechListMIC */
} spnego_ntlm;

static const auth_ops SPNEGO_NTLM_OPS;

static uint32_t sn_start(const nt_creds *creds, const auth_target *t, auth_ctx **out, uint8_t **tok,
                         size_t *toklen)
{
    spnego_ntlm *a = calloc(1, sizeof *a);
    if (!a)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    a->base.ops = &SPNEGO_NTLM_OPS;
    static const nt_creds anonymous = {NULL, NULL, NULL};
    uint8_t *neg = NULL;
    size_t neglen = 0;
    uint32_t st = ntlm_init(&a->ntlm, creds ? creds : &anonymous, t->workstation);
    if (st == NT_OK)
        st = ntlm_negotiate(&a->ntlm, &neg, &neglen);
    if (st == NT_OK)
        st = spnego_build_init(neg, neglen, tok, toklen);
    free(neg);
    if (st != NT_OK) {
        auth_free(&a->base);
        return st;
    }
    a->state = AUTH_STARTED;
    *out = &a->base;
    return NT_OK;
}

const auth_mech AUTH_MECH_NTLMSSP = {"ntlmssp", sn_start};

static uint32_t step(spnego_ntlm *a, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen)
{
    spnego_resp r;
    if (spnego_parse_resp(in, inlen, &r) != NT_OK)
        return NT_ERROR_UNEXP_NET_ERR;
    if (r.neg_state == SPNEGO_REJECT)
        return NT_ERROR_LOGON_FAILURE;
    /* The first reply must say accept-incomplete and carry the CHALLENGE. */
    if (r.neg_state != SPNEGO_ACCEPT_INCOMPLETE || !r.token || r.mic)
        return NT_ERROR_UNEXP_NET_ERR;
    uint8_t *auth = NULL;
    size_t authlen = 0;
    uint32_t st = ntlm_authenticate(&a->ntlm, r.token, r.token_len, &auth, &authlen);
    if (st != NT_OK)
        return st;
    uint8_t mic[16];
    bool have_mic = false;
    if (a->ntlm.have_key) {
        if (!ntlm_mac(a->ntlm.client_sign, &a->ntlm.client_seal, a->ntlm.client_seq, spnego_mech_types,
                      sizeof spnego_mech_types, mic)) {
            nt_wipe(auth, authlen);
            free(auth);
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        }
        a->ntlm.client_seq++;
        have_mic = true;
        a->mic_sent = true;
    }
    st = spnego_build_resp(auth, authlen, have_mic ? mic : NULL, 16, tok, toklen);
    nt_wipe(auth, authlen);
    free(auth);
    return st;
}

static uint32_t sn_step(auth_ctx *base, const uint8_t *in, size_t inlen, uint8_t **tok, size_t *toklen)
{
    spnego_ntlm *a = (spnego_ntlm *)base;
    if (a->state != AUTH_STARTED)
        return NT_ERROR_INVALID_PARAMETER;
    uint32_t st = step(a, in, inlen, tok, toklen);
    a->state = st == NT_OK ? AUTH_STEPPED : AUTH_FAILED;
    if (st != NT_OK)
        nt_trace("auth: server challenge rejected (%u)", (unsigned)st);
    return st;
}

static uint32_t finish_check(spnego_ntlm *a, const uint8_t *in, size_t inlen)
{
    if (!in || inlen == 0) {
        if (a->mic_sent) {
            nt_trace("auth: no final SPNEGO token: the server did not prove it knows the password");
            return NT_ERROR_UNEXP_NET_ERR;
        }
        return NT_OK; /* anonymous: SESSION_SETUP success is the answer */
    }
    spnego_resp r;
    if (spnego_parse_resp(in, inlen, &r) != NT_OK)
        return NT_ERROR_UNEXP_NET_ERR;
    if (r.neg_state == SPNEGO_REJECT || r.neg_state == SPNEGO_ACCEPT_INCOMPLETE ||
        r.neg_state == SPNEGO_REQUEST_MIC)
        return NT_ERROR_LOGON_FAILURE;
    if (r.neg_state != SPNEGO_ACCEPT_COMPLETED || (r.token && r.token_len))
        return NT_ERROR_UNEXP_NET_ERR;
    if (a->mic_sent && !r.mic) {
        nt_trace("auth: final SPNEGO token without the server's mechListMIC");
        return NT_ERROR_UNEXP_NET_ERR;
    }
    if (r.mic && a->mic_sent) {
        uint8_t want[16];
        if (r.mic_len != 16 || !ntlm_mac(a->ntlm.server_sign, &a->ntlm.server_seal, a->ntlm.server_seq,
                                         spnego_mech_types, sizeof spnego_mech_types, want))
            return NT_ERROR_UNEXP_NET_ERR;
        a->ntlm.server_seq++;
        int diff = nt_memcmp_ct(want, r.mic, 16);
        nt_wipe(want, sizeof want);
        if (diff != 0)
            return NT_ERROR_UNEXP_NET_ERR;
    }
    return NT_OK;
}

static uint32_t sn_finish(auth_ctx *base, const uint8_t *in, size_t inlen)
{
    spnego_ntlm *a = (spnego_ntlm *)base;
    if (a->state != AUTH_STEPPED)
        return NT_ERROR_INVALID_PARAMETER;
    uint32_t st = finish_check(a, in, inlen);
    a->state = st == NT_OK ? AUTH_DONE : AUTH_FAILED;
    if (st != NT_OK)
        nt_trace("auth: final SPNEGO token rejected (%u)", (unsigned)st);
    return st;
}

static bool sn_session_key(const auth_ctx *base, uint8_t *key, size_t cap, size_t *len)
{
    const spnego_ntlm *a = (const spnego_ntlm *)base;
    if (!a->ntlm.have_key || (a->state != AUTH_STEPPED && a->state != AUTH_DONE))
        return false;
    memcpy(key, a->ntlm.exported_key, cap < 16 ? cap : 16);
    *len = 16;
    return true;
}

static bool sn_is_anonymous(const auth_ctx *base) { return ((const spnego_ntlm *)base)->ntlm.anonymous; }

static void sn_free(auth_ctx *base)
{
    spnego_ntlm *a = (spnego_ntlm *)base;
    ntlm_free(&a->ntlm);
    nt_wipe(a, sizeof *a);
    free(a);
}

static const auth_ops SPNEGO_NTLM_OPS = {"ntlmssp", sn_step, sn_finish, sn_session_key, sn_is_anonymous, sn_free};
