/*
 * The GSS-API Kerberos initial token (RFC 4121 4.1, RFC 2743 3.1) around an
 * AP-REQ (RFC 4120 5.5.1) built from a ticket-cache credential (krb5_ap.h).
 *
 *   Authenticator ::= [APPLICATION 2] SEQUENCE { [0] vno 5, [1] crealm,
 *       [2] cname, [3] cksum (type 0x8003: RFC 4121 4.1.1), [4] cusec,
 *       [5] ctime, [7] seq-number }          -- no subkey, see krb5_ap.h
 *   AP-REQ ::= [APPLICATION 14] SEQUENCE { [0] pvno 5, [1] msg-type 14,
 *       [2] ap-options (none), [3] ticket, [4] EncryptedData(authenticator,
 *       key usage 11) }
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "krb5_ap.h"

typedef struct der {
    uint8_t *p;
    size_t len, cap;
    bool bad;
} der;

static void put(der *d, const void *src, size_t n)
{
    if (d->bad)
        return;
    if (d->len + n > d->cap) {
        size_t cap = (d->len + n) * 2 + 64;
        uint8_t *np = cap <= NT_MAX_ALLOC ? realloc(d->p, cap) : NULL;
        if (!np) {
            d->bad = true;
            return;
        }
        d->p = np;
        d->cap = cap;
    }
    memcpy(d->p + d->len, src, n);
    d->len += n;
}

static void der_free(der *d)
{
    if (d->p)
        nt_wipe(d->p, d->cap);
    free(d->p);
    memset(d, 0, sizeof(*d));
}

/* tag, definite length, then the content of inner (consumed). */
static void wrap(der *out, uint8_t tag, der *inner)
{
    uint8_t h[6];
    size_t n = inner->len, hl = 0;
    h[hl++] = tag;
    if (n < 0x80) {
        h[hl++] = (uint8_t)n;
    } else if (n < 0x100) {
        h[hl++] = 0x81, h[hl++] = (uint8_t)n;
    } else if (n < 0x10000) {
        h[hl++] = 0x82, h[hl++] = (uint8_t)(n >> 8), h[hl++] = (uint8_t)n;
    } else {
        h[hl++] = 0x83, h[hl++] = (uint8_t)(n >> 16), h[hl++] = (uint8_t)(n >> 8), h[hl++] = (uint8_t)n;
    }
    put(out, h, hl);
    put(out, inner->p, inner->len);
    out->bad |= inner->bad;
    der_free(inner);
}

static void prim(der *out, uint8_t tag, const void *v, size_t n)
{
    der t = {0};
    put(&t, v, n);
    wrap(out, tag, &t);
}

static void integer(der *out, uint32_t v)
{
    uint8_t b[5];
    size_t n = 0;
    b[n++] = 0;
    for (int s = 24; s >= 0; s -= 8)
        b[n++] = (uint8_t)(v >> s);
    size_t i = 0;
    while (i < 4 && b[i] == 0 && !(b[i + 1] & 0x80))
        i++;
    prim(out, 0x02, b + i, n - i);
}

/* [n] EXPLICIT around an already encoded value */
static void field(der *out, unsigned n, der *value) { wrap(out, (uint8_t)(0xa0 | n), value); }

static void field_int(der *out, unsigned n, uint32_t v)
{
    der t = {0};
    integer(&t, v);
    field(out, n, &t);
}

static void field_str(der *out, unsigned n, const char *s)
{
    der t = {0};
    prim(&t, 0x1b, s, strlen(s)); /* GeneralString */
    field(out, n, &t);
}

static void principal_name(der *out, const krb5_princ *p)
{
    der seq = {0}, names = {0}, list = {0};
    field_int(&seq, 0, p->type);
    for (uint32_t i = 0; i < p->ncomp; i++)
        prim(&list, 0x1b, p->comp[i], strlen(p->comp[i]));
    wrap(&names, 0x30, &list);
    field(&seq, 1, &names);
    wrap(out, 0x30, &seq);
}

/* RFC 4121 4.1.1: Lgth 16, Bnd (no channel bindings: zeros), Flags. */
static void gss_checksum(der *out)
{
    uint8_t c[24] = {0};
    nt_put_le32(c, 16);
    nt_put_le32(c + 20, 0x20 | 0x10 | 0x08 | 0x04); /* INTEG, CONF, SEQUENCE, REPLAY */
    der seq = {0}, v = {0};
    field_int(&seq, 0, 0x8003);
    prim(&v, 0x04, c, sizeof(c));
    field(&seq, 1, &v);
    wrap(out, 0x30, &seq);
}

/* GeneralizedTime "YYYYMMDDHHMMSSZ" from Unix time, without the C library's
 * time zone handling (days to civil date: H. Hinnant's algorithm). */
static void kerberos_time(der *out, uint64_t now_us)
{
    uint64_t secs = now_us / 1000000u;
    int64_t z = (int64_t)(secs / 86400u) + 719468;
    unsigned sod = (unsigned)(secs % 86400u);
    int64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
    char s[24];
    snprintf(s, sizeof(s), "%04u%02u%02u%02u%02u%02uZ", (unsigned)(y % 10000), m, d, sod / 3600, sod / 60 % 60,
             sod % 60);
    prim(out, 0x18, s, 15);
}

static bool authenticator(const krb5_svc_cred *cred, uint64_t now_us, der *out)
{
    der seq = {0}, v = {0};
    uint32_t seqno = 0;
    if (!nt_random(&seqno, sizeof(seqno)))
        return false;
    field_int(&seq, 0, 5);
    field_str(&seq, 1, cred->client.realm);
    principal_name(&v, &cred->client);
    field(&seq, 2, &v);
    gss_checksum(&v);
    field(&seq, 3, &v);
    field_int(&seq, 4, (uint32_t)(now_us % 1000000u));
    kerberos_time(&v, now_us);
    field(&seq, 5, &v);
    field_int(&seq, 7, seqno & 0x3fffffffu);
    der app = {0};
    wrap(&app, 0x30, &seq);
    wrap(out, 0x62, &app); /* [APPLICATION 2] */
    return !out->bad;
}

uint32_t krb5_gss_ap_req(const krb5_svc_cred *cred, uint64_t now_us, uint8_t **tok, size_t *toklen)
{
    *tok = NULL;
    *toklen = 0;
    if (!cred || !cred->ticket || !cred->key || !cred->client.realm || cred->client.ncomp == 0)
        return NT_ERROR_INVALID_PARAMETER;
    der auth = {0};
    if (!authenticator(cred, now_us, &auth)) {
        der_free(&auth);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    uint8_t *enc = NULL;
    size_t enclen = 0;
    bool ok = krb5_encrypt(cred->enctype, cred->key, cred->keylen, 11, NULL, auth.p, auth.len, &enc, &enclen);
    der_free(&auth);
    if (!ok)
        return cred->enctype == KRB5_ETYPE_AES128 || cred->enctype == KRB5_ETYPE_AES256 ||
                       cred->enctype == KRB5_ETYPE_RC4
                   ? NT_ERROR_NOT_ENOUGH_MEMORY
                   : NT_ERROR_NOT_SUPPORTED;
    der seq = {0}, v = {0}, ed = {0};
    static const uint8_t no_options[] = {0x00, 0x00, 0x00, 0x00, 0x00};
    field_int(&seq, 0, 5);
    field_int(&seq, 1, 14);
    prim(&v, 0x03, no_options, sizeof(no_options));
    field(&seq, 2, &v);
    put(&v, cred->ticket, cred->ticketlen);
    field(&seq, 3, &v);
    field_int(&ed, 0, cred->enctype);
    prim(&v, 0x04, enc, enclen);
    field(&ed, 2, &v);
    wrap(&v, 0x30, &ed);
    field(&seq, 4, &v);
    free(enc);
    der apreq = {0}, body = {0}, gss = {0};
    wrap(&apreq, 0x30, &seq);
    static const uint8_t krb5_oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
    static const uint8_t tok_id[] = {0x01, 0x00};
    put(&body, krb5_oid, sizeof(krb5_oid));
    put(&body, tok_id, sizeof(tok_id));
    der app = {0};
    wrap(&app, 0x6e, &apreq); /* [APPLICATION 14] */
    put(&body, app.p, app.len);
    body.bad |= app.bad;
    der_free(&app);
    wrap(&gss, 0x60, &body);
    if (gss.bad) {
        der_free(&gss);
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    }
    *tok = gss.p;
    *toklen = gss.len;
    return NT_OK;
}
