/*
 * winetests/sspi/probe.c -- what can Wine's secur32 do for an SMB client?
 *
 * A plain Windows program (MinGW, -lsecur32) that calls SSPI exactly as an
 * SMB client does and prints what came back, one "key: value" per line:
 *
 *   probe.exe info
 *       QuerySecurityPackageInfoW for Negotiate, Kerberos, NTLM
 *   probe.exe isc PKG SPN [USER DOMAIN]
 *       AcquireCredentialsHandleW(PKG) for the current user (or, with USER,
 *       a SEC_WINNT_AUTH_IDENTITY_W whose password is read from the
 *       environment variable PROBE_PASSWORD, never from the command line),
 *       the first InitializeSecurityContextW for SPN with the flags an SMB
 *       client asks for, a description of the token (GSS/SPNEGO framing, the
 *       mechanisms offered, Kerberos AP-REQ or NTLMSSP inside), the granted
 *       attributes and QueryContextAttributesW(SECPKG_ATTR_SESSION_KEY)
 *   probe.exe exchange PKG SPN [USER DOMAIN]
 *       the whole exchange over stdin/stdout with a peer (an acceptor):
 *       writes "TOKEN <hex>", reads "REPLY <hex>" (or "REPLY -" for none),
 *       until the context is complete; then "KEY <hex>" (session key) and
 *       "DONE".  tools/native/krb_accept.c is the peer in the tests.
 *
 * Exit status: 0 when every call succeeded, 1 otherwise.
 */
#ifndef UNICODE
#define UNICODE
#endif
#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* What an SMB2 client asks for (Windows' own SMB client uses these). */
#define PROBE_ISC_FLAGS (ISC_REQ_MUTUAL_AUTH | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT | \
                         ISC_REQ_SEQUENCE_DETECT)
/* PROBE_ALLOC=caller: pass our own cbMaxToken buffer instead of asking the
 * package to allocate (ISC_REQ_ALLOCATE_MEMORY). */
static int caller_alloc;
static unsigned char outbuf[65536];

static void hexline(const char *tag, const unsigned char *p, unsigned long n, unsigned long max)
{
    printf("%s", tag);
    for (unsigned long i = 0; i < n && i < max; i++)
        printf("%02x", p[i]);
    printf(n > max ? "...\n" : "\n");
}

/* ---- a minimal DER walker: enough to name what is inside a token ---- */
static int der_hdr(const unsigned char *p, size_t n, size_t *pos, unsigned *tag, size_t *len)
{
    if (*pos + 2 > n)
        return 0;
    *tag = p[(*pos)++];
    size_t l = p[(*pos)++];
    if (l & 0x80) {
        unsigned k = l & 0x7f;
        if (k == 0 || k > 4 || *pos + k > n)
            return 0;
        l = 0;
        while (k--)
            l = (l << 8) | p[(*pos)++];
    }
    if (l > n - *pos)
        return 0;
    *len = l;
    return 1;
}

static void oid_str(const unsigned char *p, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    unsigned long v = 0;
    if (n == 0 || cap < 16) {
        snprintf(out, cap, "?");
        return;
    }
    o += (size_t)snprintf(out, cap, "%u.%u", p[0] / 40, p[0] % 40);
    for (size_t i = 1; i < n && o + 12 < cap; i++) {
        v = (v << 7) | (p[i] & 0x7f);
        if (!(p[i] & 0x80)) {
            o += (size_t)snprintf(out + o, cap - o, ".%lu", v);
            v = 0;
        }
    }
}

static const char *oid_name(const char *s)
{
    if (!strcmp(s, "1.3.6.1.5.5.2")) return "SPNEGO";
    if (!strcmp(s, "1.2.840.113554.1.2.2")) return "Kerberos 5";
    if (!strcmp(s, "1.2.840.48018.1.2.2")) return "MS Kerberos 5 (legacy OID)";
    if (!strcmp(s, "1.3.6.1.4.1.311.2.2.10")) return "NTLMSSP";
    if (!strcmp(s, "1.3.6.1.4.1.311.2.2.30")) return "NEGOEX";
    return "other";
}

/* A GSS InitialContextToken body after its mech OID: krb5 tok_id 01 00 = AP-REQ. */
static void describe_inner(const unsigned char *p, size_t n, const char *prefix)
{
    if (n >= 7 && !memcmp(p, "NTLMSSP", 7)) {
        printf("%s: raw NTLMSSP message type %u\n", prefix, n >= 12 ? p[8] : 0);
        return;
    }
    size_t pos = 0, len;
    unsigned tag;
    if (!der_hdr(p, n, &pos, &tag, &len) || tag != 0x60) {
        hexline("token_inner_start: ", p, (unsigned long)n, 16);
        return;
    }
    size_t olen;
    if (!der_hdr(p, n, &pos, &tag, &olen) || tag != 0x06) {
        printf("%s: GSS framing without OID\n", prefix);
        return;
    }
    char oid[96];
    oid_str(p + pos, olen, oid, sizeof(oid));
    pos += olen;
    printf("%s: GSS token mech %s (%s)", prefix, oid, oid_name(oid));
    if (pos + 3 <= n && p[pos] == 1 && p[pos + 1] == 0)
        printf(", tok_id 01 00 = AP-REQ, next tag 0x%02x%s\n", p[pos + 2], p[pos + 2] == 0x6e ? " (AP-REQ)" : "");
    else
        printf(", tok_id %02x %02x\n", pos + 2 <= n ? p[pos] : 0, pos + 2 <= n ? p[pos + 1] : 0);
}

/* SPNEGO NegTokenInit: [0] { [0] mechTypes SEQUENCE OF OID, [2] mechToken } */
static void describe_negtokeninit(const unsigned char *p, size_t n)
{
    size_t pos = 0, len;
    unsigned tag;
    if (!der_hdr(p, n, &pos, &tag, &len) || tag != 0xa0 || !der_hdr(p, n, &pos, &tag, &len) || tag != 0x30)
        return;
    size_t end = pos + len;
    while (pos < end) {
        size_t flen;
        if (!der_hdr(p, end, &pos, &tag, &flen))
            return;
        size_t fend = pos + flen;
        if (tag == 0xa0) {                      /* mechTypes */
            size_t q = pos, sl;
            unsigned t2;
            if (der_hdr(p, fend, &q, &t2, &sl) && t2 == 0x30) {
                int i = 0;
                while (q < fend) {
                    size_t ol;
                    if (!der_hdr(p, fend, &q, &t2, &ol) || t2 != 0x06)
                        break;
                    char oid[96];
                    oid_str(p + q, ol, oid, sizeof(oid));
                    printf("spnego_mech[%d]: %s (%s)\n", i++, oid, oid_name(oid));
                    q += ol;
                }
            }
        } else if (tag == 0xa2) {               /* mechToken OCTET STRING */
            size_t q = pos, ol;
            unsigned t2;
            if (der_hdr(p, fend, &q, &t2, &ol) && t2 == 0x04) {
                printf("spnego_mechtoken_len: %lu\n", (unsigned long)ol);
                describe_inner(p + q, ol, "spnego_mechtoken");
            }
        } else {
            printf("spnego_field: [%u] len %lu\n", tag & 0x1f, (unsigned long)flen);
        }
        pos = fend;
    }
}

static void describe_token(const unsigned char *p, size_t n)
{
    printf("token_len: %lu\n", (unsigned long)n);
    hexline("token_head: ", p, (unsigned long)n, 24);
    size_t pos = 0, len, olen;
    unsigned tag;
    if (n >= 7 && !memcmp(p, "NTLMSSP", 7)) {
        printf("token_kind: raw NTLMSSP (not SPNEGO-wrapped)\n");
        return;
    }
    if (!der_hdr(p, n, &pos, &tag, &len)) {
        printf("token_kind: unparsable\n");
        return;
    }
    if (tag == 0xa1) {
        printf("token_kind: SPNEGO NegTokenResp\n");
        return;
    }
    if (tag != 0x60 || !der_hdr(p, n, &pos, &tag, &olen) || tag != 0x06) {
        printf("token_kind: unknown outer tag 0x%02x\n", p[0]);
        return;
    }
    char oid[96];
    oid_str(p + pos, olen, oid, sizeof(oid));
    printf("token_kind: GSS InitialContextToken, mech %s (%s)\n", oid, oid_name(oid));
    if (!strcmp(oid, "1.3.6.1.5.5.2"))
        describe_negtokeninit(p + pos + olen, n - pos - olen);
    else
        describe_inner(p, n, "token_inner");
}

/* ---- SSPI ---- */
static const char *sec_name(SECURITY_STATUS s)
{
    switch ((unsigned long)s) {
    case 0: return "SEC_E_OK";
    case 0x00090312: return "SEC_I_CONTINUE_NEEDED";
    case 0x00090313: return "SEC_I_COMPLETE_NEEDED";
    case 0x00090314: return "SEC_I_COMPLETE_AND_CONTINUE";
    case 0x80090300: return "SEC_E_INSUFFICIENT_MEMORY";
    case 0x80090301: return "SEC_E_INVALID_HANDLE";
    case 0x80090302: return "SEC_E_UNSUPPORTED_FUNCTION";
    case 0x80090303: return "SEC_E_TARGET_UNKNOWN";
    case 0x80090304: return "SEC_E_INTERNAL_ERROR";
    case 0x80090305: return "SEC_E_SECPKG_NOT_FOUND";
    case 0x80090308: return "SEC_E_INVALID_TOKEN";
    case 0x8009030C: return "SEC_E_LOGON_DENIED";
    case 0x8009030E: return "SEC_E_NO_CREDENTIALS";
    case 0x80090311: return "SEC_E_NO_AUTHENTICATING_AUTHORITY";
    case 0x80090318: return "SEC_E_INCOMPLETE_MESSAGE";
    case 0x80090320: return "SEC_E_INCOMPLETE_CREDENTIALS";
    case 0x80090321: return "SEC_E_WRONG_PRINCIPAL";
    case 0x80090322: return "SEC_E_TIME_SKEW";
    case 0x80090324: return "SEC_E_CONTEXT_EXPIRED";
    default: return "?";
    }
}

static void print_status(const char *what, SECURITY_STATUS s)
{
    printf("%s: 0x%08lx %s\n", what, (unsigned long)s, sec_name(s));
}

static int do_info(void)
{
    static const wchar_t *pkgs[] = {L"Negotiate", L"Kerberos", L"NTLM"};
    int bad = 0;
    for (size_t i = 0; i < 3; i++) {
        PSecPkgInfoW pi = NULL;
        SECURITY_STATUS s = QuerySecurityPackageInfoW((wchar_t *)pkgs[i], &pi);
        printf("package %ls: status 0x%08lx", pkgs[i], (unsigned long)s);
        if (s == SEC_E_OK && pi) {
            printf(" caps 0x%08lx version %u rpcid %u max_token %lu name '%ls' comment '%ls'", pi->fCapabilities,
                   pi->wVersion, pi->wRPCID, pi->cbMaxToken, pi->Name, pi->Comment ? pi->Comment : L"");
            FreeContextBuffer(pi);
        } else {
            bad = 1;
        }
        printf("\n");
    }
    return bad;
}

struct probe {
    CredHandle cred;
    CtxtHandle ctx;
    int have_cred, have_ctx;
    wchar_t *spn;
    SEC_WINNT_AUTH_IDENTITY_W id;
};

static wchar_t *wdup(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? calloc((size_t)n, sizeof(wchar_t)) : NULL;
    if (w)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static SECURITY_STATUS acquire(struct probe *pr, const char *pkg, int argc, char **argv)
{
    void *auth = NULL;
    if (argc >= 2) {
        const char *pw = getenv("PROBE_PASSWORD");
        pr->id.User = (unsigned short *)wdup(argv[0]);
        pr->id.UserLength = (unsigned long)wcslen((wchar_t *)pr->id.User);
        pr->id.Domain = (unsigned short *)wdup(argv[1]);
        pr->id.DomainLength = (unsigned long)wcslen((wchar_t *)pr->id.Domain);
        pr->id.Password = (unsigned short *)wdup(pw ? pw : "");
        pr->id.PasswordLength = (unsigned long)wcslen((wchar_t *)pr->id.Password);
        pr->id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
        auth = &pr->id;
        printf("credentials: explicit SEC_WINNT_AUTH_IDENTITY_W user '%s' domain '%s' password %s\n", argv[0],
               argv[1], pw ? "(from PROBE_PASSWORD)" : "(empty)");
    } else {
        printf("credentials: current user (NULL auth data)\n");
    }
    wchar_t *wpkg = wdup(pkg);
    TimeStamp exp;
    SECURITY_STATUS s = AcquireCredentialsHandleW(NULL, wpkg, SECPKG_CRED_OUTBOUND, NULL, auth, NULL, NULL,
                                                  &pr->cred, &exp);
    free(wpkg);
    if (pr->id.Password) {
        SecureZeroMemory(pr->id.Password, pr->id.PasswordLength * sizeof(wchar_t));
        free(pr->id.Password);
        pr->id.Password = NULL;
    }
    print_status("AcquireCredentialsHandleW", s);
    pr->have_cred = s == SEC_E_OK;
    return s;
}

/* One InitializeSecurityContextW round; *out gets the token (caller frees
 * with FreeContextBuffer). */
static SECURITY_STATUS isc(struct probe *pr, const unsigned char *in, unsigned long inlen, SecBuffer *out,
                           unsigned long *attrs)
{
    SecBuffer ib = {inlen, SECBUFFER_TOKEN, (void *)in};
    SecBufferDesc idesc = {SECBUFFER_VERSION, 1, &ib};
    out->cbBuffer = caller_alloc ? sizeof(outbuf) : 0;
    out->BufferType = SECBUFFER_TOKEN;
    out->pvBuffer = caller_alloc ? outbuf : NULL;
    unsigned long flags = PROBE_ISC_FLAGS | (caller_alloc ? 0 : ISC_REQ_ALLOCATE_MEMORY);
    SecBufferDesc odesc = {SECBUFFER_VERSION, 1, out};
    TimeStamp exp;
    SECURITY_STATUS s = InitializeSecurityContextW(&pr->cred, pr->have_ctx ? &pr->ctx : NULL, pr->spn,
                                                   flags, 0, SECURITY_NATIVE_DREP,
                                                   in ? &idesc : NULL, 0, &pr->ctx, &odesc, attrs, &exp);
    if (s == SEC_E_OK || s == SEC_I_CONTINUE_NEEDED || s == SEC_I_COMPLETE_NEEDED ||
        s == SEC_I_COMPLETE_AND_CONTINUE)
        pr->have_ctx = 1;
    if ((s == SEC_I_COMPLETE_NEEDED || s == SEC_I_COMPLETE_AND_CONTINUE) && pr->have_ctx) {
        SECURITY_STATUS c = CompleteAuthToken(&pr->ctx, &odesc);
        print_status("CompleteAuthToken", c);
    }
    return s;
}

static void query_key(struct probe *pr, int print_key)
{
    SecPkgContext_SessionKey sk;
    memset(&sk, 0, sizeof(sk));
    SECURITY_STATUS s = QueryContextAttributesW(&pr->ctx, SECPKG_ATTR_SESSION_KEY, &sk);
    print_status("QueryContextAttributesW(SESSION_KEY)", s);
    if (s == SEC_E_OK) {
        printf("session_key_len: %lu\n", sk.SessionKeyLength);
        if (print_key)
            hexline("KEY ", sk.SessionKey, sk.SessionKeyLength, 256);
        if (sk.SessionKey) {
            SecureZeroMemory(sk.SessionKey, sk.SessionKeyLength);
            FreeContextBuffer(sk.SessionKey);
        }
    }
    SecPkgContext_PackageInfoW pk;
    memset(&pk, 0, sizeof(pk));
    s = QueryContextAttributesW(&pr->ctx, SECPKG_ATTR_PACKAGE_INFO, &pk);
    if (s == SEC_E_OK && pk.PackageInfo) {
        printf("context_package: %ls\n", pk.PackageInfo->Name);
        FreeContextBuffer(pk.PackageInfo);
    } else {
        print_status("QueryContextAttributesW(PACKAGE_INFO)", s);
    }
}

static int read_reply(unsigned char **buf, unsigned long *len)
{
    static char line[65536 * 2 + 64];
    *buf = NULL;
    *len = 0;
    if (!fgets(line, sizeof(line), stdin) || strncmp(line, "REPLY ", 6))
        return 0;
    char *h = line + 6;
    size_t n = strcspn(h, "\r\n");
    if (n == 1 && h[0] == '-')
        return 1;
    if (n % 2)
        return 0;
    *buf = malloc(n / 2 + 1);
    if (!*buf)
        return 0;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1)
            return 0;
        (*buf)[i] = (unsigned char)v;
    }
    *len = (unsigned long)(n / 2);
    return 1;
}

static int do_isc(const char *pkg, const char *spn, int argc, char **argv, int exchange)
{
    struct probe pr;
    memset(&pr, 0, sizeof(pr));
    pr.spn = wdup(spn);
    const char *al = getenv("PROBE_ALLOC");
    caller_alloc = al && !strcmp(al, "caller");
    printf("package: %s\nspn: %s\nisc_flags: 0x%08lx (%s)\n", pkg, spn,
           (unsigned long)(PROBE_ISC_FLAGS | (caller_alloc ? 0 : ISC_REQ_ALLOCATE_MEMORY)),
           caller_alloc ? "caller-allocated output buffer" : "ISC_REQ_ALLOCATE_MEMORY");
    if (acquire(&pr, pkg, argc, argv) != SEC_E_OK)
        return 1;
    unsigned char *in = NULL;
    unsigned long inlen = 0, attrs = 0;
    int rc = 1;
    for (int round = 1; round <= 6; round++) {
        SecBuffer out;
        SECURITY_STATUS s = isc(&pr, in, inlen, &out, &attrs);
        free(in);
        in = NULL;
        char what[64];
        snprintf(what, sizeof(what), "InitializeSecurityContextW[%d]", round);
        print_status(what, s);
        if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED && s != SEC_I_COMPLETE_NEEDED &&
            s != SEC_I_COMPLETE_AND_CONTINUE)
            break;
        printf("context_attrs[%d]: 0x%08lx\n", round, attrs);
        if (out.cbBuffer) {
            if (round == 1 || !exchange)
                describe_token(out.pvBuffer, out.cbBuffer);
            if (exchange)
                hexline("TOKEN ", out.pvBuffer, out.cbBuffer, 1u << 20);
            if (!caller_alloc)
                FreeContextBuffer(out.pvBuffer);
        } else {
            printf("token_len: 0\n");
            if (exchange && (s == SEC_I_CONTINUE_NEEDED || s == SEC_I_COMPLETE_AND_CONTINUE))
                printf("TOKEN -\n");
        }
        fflush(stdout);
        if (!exchange) {
            query_key(&pr, 0);
            rc = 0;
            break;
        }
        if (s == SEC_E_OK || s == SEC_I_COMPLETE_NEEDED) {
            query_key(&pr, 1);
            printf("DONE\n");
            rc = 0;
            break;
        }
        if (!read_reply(&in, &inlen)) {
            printf("exchange: no REPLY from the peer\n");
            break;
        }
    }
    free(in);
    if (pr.have_ctx)
        DeleteSecurityContext(&pr.ctx);
    if (pr.have_cred)
        FreeCredentialsHandle(&pr.cred);
    free(pr.spn);
    free(pr.id.User);
    free(pr.id.Domain);
    fflush(stdout);
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && !strcmp(argv[1], "info"))
        return do_info();
    if (argc >= 4 && (!strcmp(argv[1], "isc") || !strcmp(argv[1], "exchange")))
        return do_isc(argv[2], argv[3], argc - 4, argv + 4, !strcmp(argv[1], "exchange"));
    fprintf(stderr, "usage: probe info | probe isc|exchange PKG SPN [USER DOMAIN]  (password: PROBE_PASSWORD)\n");
    return 2;
}
