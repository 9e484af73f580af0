/* The NTLMSSP CHALLENGE_MESSAGE directly (what the SPNEGO responseToken
 * carries): ntlm_parse_challenge, then ntlm_authenticate building the
 * AUTHENTICATE message from it.
 *   data[0] bit 0: anonymous; bit 1: production path (clock and RNG) instead
 *   of the deterministic test injection; the rest is the CHALLENGE. */
#include <string.h>

#include "fuzz_common.h"
#include "auth/ntlm_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *msg = data + 1;
    size_t len = size - 1;

    ntlm_challenge ch;
    if (ntlm_parse_challenge(msg, len, &ch) == NT_OK && ch.target_info)
        FUZZ_CHECK(ch.target_info >= msg && ch.target_info + ch.target_info_len <= msg + len);

    nt_creds cr = {0};
    char user[] = "User", dom[] = "Domain", pw[] = "Password";
    if (!(data[0] & 1)) {
        cr.user = user;
        cr.domain = dom;
        cr.password = pw;
    }
    ntlm_inject inj = {.time = 0x01d0000000000000ull};
    memset(inj.client_challenge, 0xAA, 8);
    memset(inj.exported_key, 0x55, 16);
    ntlm_ctx n;
    FUZZ_CHECK(ntlm_init(&n, &cr, "WS") == NT_OK);
    uint8_t *neg = NULL, *out = NULL;
    size_t neglen = 0, outlen = 0;
    FUZZ_CHECK(ntlm_negotiate(&n, &neg, &neglen) == NT_OK);
    free(neg);
    uint32_t st = (data[0] & 2) ? ntlm_authenticate(&n, msg, len, &out, &outlen)
                                 : ntlm_authenticate_with(&n, msg, len, &inj, &out, &outlen);
    if (st == NT_OK) {
        FUZZ_CHECK(out && outlen >= 64 && outlen <= NTLM_MAX_MSG * 2u);
        FUZZ_CHECK(memcmp(out, "NTLMSSP\0", 8) == 0 && nt_le32(out + 8) == 3);
        free(out);
    } else {
        FUZZ_CHECK(out == NULL);
    }
    ntlm_free(&n);
    return 0;
}
