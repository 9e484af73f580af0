/*
 * MIT FILE: ticket cache, format version 4 (0x0504), read-only: find one
 * service ticket and its session key (krb5_ap.h).  The file is the user's
 * own, but it is still parsed as untrusted input: every length is checked
 * against the image and capped.
 *
 *   file       ::= u16 0x0504, u16 header length, header, principal (default),
 *                  credential*
 *   principal  ::= u32 name type, u32 count, data realm, data component*count
 *   credential ::= principal client, principal server, u16 enctype, data key,
 *                  u32 authtime starttime endtime renew_till, u8 is_skey,
 *                  u32 flags, u32 n + (u16 type, data)*n addresses,
 *                  u32 n + (u16 type, data)*n authdata, data ticket,
 *                  data second ticket
 *   data       ::= u32 length, bytes            (all integers big-endian)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krb5_ap.h"

#define CC_MAX_FILE (4u * 1024u * 1024u)
#define CC_MAX_ITEM (256u * 1024u)
#define CC_MAX_LIST 64u

typedef struct cc_rd {
    const uint8_t *p;
    size_t len, pos;
    bool bad;
} cc_rd;

static uint32_t rd_be(cc_rd *r, size_t n)
{
    uint32_t v = 0;
    if (r->bad || r->len - r->pos < n) {
        r->bad = true;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | r->p[r->pos++];
    return v;
}

/* A data item: pointer into the image, or NULL (and bad) when it does not fit. */
static const uint8_t *rd_data(cc_rd *r, size_t *n)
{
    uint32_t l = rd_be(r, 4);
    if (r->bad || l > CC_MAX_ITEM || r->len - r->pos < l) {
        r->bad = true;
        *n = 0;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += l;
    *n = l;
    return p;
}

static char *dup_str(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = 0;
    }
    return s;
}

static void princ_clear(krb5_princ *p)
{
    free(p->realm);
    for (uint32_t i = 0; i < p->ncomp && i < KRB5_MAX_COMPONENTS; i++)
        free(p->comp[i]);
    memset(p, 0, sizeof(*p));
}

static bool rd_princ(cc_rd *r, krb5_princ *out)
{
    memset(out, 0, sizeof(*out));
    out->type = rd_be(r, 4);
    uint32_t n = rd_be(r, 4);
    size_t l;
    const uint8_t *realm = rd_data(r, &l);
    if (r->bad || n > KRB5_MAX_COMPONENTS)
        return r->bad = true, false;
    out->realm = dup_str(realm, l);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *c = rd_data(r, &l);
        if (r->bad)
            break;
        out->comp[i] = dup_str(c, l);
        out->ncomp = i + 1;
    }
    return !r->bad && out->realm;
}

static void skip_list(cc_rd *r)
{
    uint32_t n = rd_be(r, 4);
    if (n > CC_MAX_LIST) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        size_t l;
        rd_be(r, 2);
        rd_data(r, &l);
    }
}

/* "comp/comp..." into buf: its length, 0 when it does not fit (or is empty). */
static size_t princ_join(const krb5_princ *p, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (uint32_t i = 0; i < p->ncomp; i++) {
        int w = snprintf(buf + o, cap - o, "%s%s", i ? "/" : "", p->comp[i] ? p->comp[i] : "");
        if (w < 0 || (size_t)w >= cap - o)
            return 0;
        o += (size_t)w;
    }
    return o;
}

/* "cifs/host[@REALM]" against a server principal. */
static bool spn_matches(const krb5_princ *s, const char *spn)
{
    char buf[512];
    size_t o = princ_join(s, buf, sizeof(buf));
    if (!o)
        return false;
    const char *at = strrchr(spn, '@');
    size_t base = at ? (size_t)(at - spn) : strlen(spn);
    if (o != base || strncmp(buf, spn, base) != 0)
        return false;
    return !at || (s->realm && !strcmp(at + 1, s->realm));
}

void krb5_svc_cred_clear(krb5_svc_cred *c)
{
    princ_clear(&c->client);
    princ_clear(&c->server);
    if (c->key)
        nt_wipe(c->key, c->keylen);
    free(c->key);
    free(c->ticket);
    memset(c, 0, sizeof(*c));
}

/* One credential; true with *take when it is the one asked for. */
static bool rd_cred(cc_rd *r, const char *spn, uint32_t now, krb5_svc_cred *c, bool *take)
{
    size_t klen, tlen, l;
    *take = false;
    rd_princ(r, &c->client);
    rd_princ(r, &c->server);
    c->enctype = (uint16_t)rd_be(r, 2);
    const uint8_t *key = rd_data(r, &klen);
    rd_be(r, 4);                         /* authtime */
    uint32_t start = rd_be(r, 4);
    c->endtime = rd_be(r, 4);
    rd_be(r, 4);                         /* renew_till */
    uint32_t is_skey = rd_be(r, 1);
    rd_be(r, 4);                         /* flags */
    skip_list(r);                        /* addresses */
    skip_list(r);                        /* authdata */
    const uint8_t *tkt = rd_data(r, &tlen);
    rd_data(r, &l);                      /* second ticket */
    if (r->bad)
        return false;
    if (is_skey || !spn_matches(&c->server, spn) || klen == 0 || klen > 64 || tlen == 0)
        return true;
    if (c->endtime <= now || (start && start > now + 300))
        return true;                     /* expired or not yet valid: keep looking */
    c->key = malloc(klen);
    c->ticket = malloc(tlen);
    if (!c->key || !c->ticket)
        return r->bad = true, false;
    memcpy(c->key, key, klen);
    c->keylen = klen;
    memcpy(c->ticket, tkt, tlen);
    c->ticketlen = tlen;
    *take = true;
    return true;
}

/* The version, the header and the default principal (*def). */
static bool rd_head(cc_rd *r, krb5_princ *def)
{
    memset(def, 0, sizeof(*def));
    if (rd_be(r, 2) != 0x0504)
        return false;
    uint32_t hl = rd_be(r, 2);
    if (r->bad || r->len - r->pos < hl)
        return false;
    r->pos += hl;
    return rd_princ(r, def);
}

uint32_t krb5_ccache_find(const uint8_t *img, size_t len, const char *spn, uint32_t now, krb5_svc_cred *out)
{
    memset(out, 0, sizeof(*out));
    cc_rd r = {img, len, 0, false};
    krb5_princ def;
    bool ok = rd_head(&r, &def);
    princ_clear(&def);
    if (!ok)
        return NT_ERROR_INVALID_DATA;
    while (r.pos < r.len) {
        krb5_svc_cred c;
        memset(&c, 0, sizeof(c));
        bool take = false;
        if (!rd_cred(&r, spn, now, &c, &take)) {
            krb5_svc_cred_clear(&c);
            return NT_ERROR_INVALID_DATA;
        }
        if (take) {
            *out = c;
            return NT_OK;
        }
        krb5_svc_cred_clear(&c);
    }
    return 1312u; /* ERROR_NO_SUCH_LOGON_SESSION: no valid ticket for spn */
}

uint32_t krb5_ccache_load(const char *ccname, uint8_t **img, size_t *len)
{
    *img = NULL;
    *len = 0;
    if (!ccname || !*ccname)
        return 1312u;
    if (!strncmp(ccname, "FILE:", 5))
        ccname += 5;
    else if (strchr(ccname, ':') && ccname[0] != '/')
        return NT_ERROR_NOT_SUPPORTED;   /* KEYRING:, KCM:, MEMORY:, DIR: */
    char path[1024];
#ifdef _WIN32
    /* a Unix path, seen through Wine's Z: drive */
    if (snprintf(path, sizeof(path), "Z:%s", ccname) >= (int)sizeof(path))
        return NT_ERROR_INVALID_PARAMETER;
#else
    if (snprintf(path, sizeof(path), "%s", ccname) >= (int)sizeof(path))
        return NT_ERROR_INVALID_PARAMETER;
#endif
    FILE *f = fopen(path, "rb");
    if (!f)
        return 1312u;
    uint8_t *buf = malloc(CC_MAX_FILE);
    size_t n = buf ? fread(buf, 1, CC_MAX_FILE, f) : 0;
    bool too_big = buf && n == CC_MAX_FILE;
    fclose(f);
    if (!buf)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    if (too_big || n == 0) {
        nt_wipe(buf, n);
        free(buf);
        return NT_ERROR_INVALID_DATA;
    }
    *img = buf;
    *len = n;
    return NT_OK;
}

uint32_t krb5_ccache_principal(const uint8_t *img, size_t len, char *buf, size_t cap)
{
    if (!cap)
        return NT_ERROR_INVALID_DATA;
    buf[0] = 0;
    cc_rd r = {img, len, 0, false};
    krb5_princ p;
    bool ok = rd_head(&r, &p);
    size_t o = ok ? princ_join(&p, buf, cap) : 0;
    ok = ok && o > 0;
    if (ok) {
        int w = snprintf(buf + o, cap - o, "@%s", p.realm);
        ok = w >= 0 && (size_t)w < cap - o;
    }
    princ_clear(&p);
    if (!ok)
        buf[0] = 0;
    return ok ? NT_OK : NT_ERROR_INVALID_DATA;
}

#ifdef _WIN32
/* The Unix uid of this Wine process, from /proc through the Z: drive. */
static bool unix_uid(unsigned long *uid)
{
    FILE *f = fopen("Z:\\proc\\self\\status", "r");
    char line[256];
    bool ok = false;
    while (f && !ok && fgets(line, sizeof(line), f))
        ok = sscanf(line, "Uid: %lu", uid) == 1;
    if (f)
        fclose(f);
    return ok;
}
#else
#include <unistd.h>
static bool unix_uid(unsigned long *uid)
{
    *uid = (unsigned long)getuid();
    return true;
}
#endif

char *krb5_default_ccname(void)
{
    char *env = nt_getenv("KRB5CCNAME");
    if (env && *env)
        return env;
    free(env);
    unsigned long uid = 0;
    if (!unix_uid(&uid))
        return NULL;
    char *s = malloc(40);
    if (s)
        snprintf(s, 40, "FILE:/tmp/krb5cc_%lu", uid);
    return s;
}
