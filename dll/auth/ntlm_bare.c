/*
 * NTLMv2 without NTLMSSP: the LMv2 and NTLMv2 responses to a bare 8-byte
 * server challenge, as SMB1 SESSION_SETUP_ANDX without extended security
 * carries them (MS-CIFS 2.2.4.53.1 OEMPassword / UnicodePassword), and the
 * session base key that signs such a session.  Built from the same NTLMv2
 * primitives as NTLMSSP (ntlm.c); never LM, NTLMv1 or a plaintext password.
 */
#include "ntlm_internal.h"

#include <string.h>

void ntlm_v2_blob_head(nt_wr *w, uint64_t time, const uint8_t client_challenge[8])
{
    /* MS-NLMP 3.3.2 temp: RespType 1, HiRespType 1, Z(6), Time,
     * ClientChallenge, Z(4); the AV pairs and Z(4) follow. */
    nt_wr_u8(w, 1);
    nt_wr_u8(w, 1);
    nt_wr_zeros(w, 6);
    nt_wr_u64(w, time);
    nt_wr_bytes(w, client_challenge, 8);
    nt_wr_zeros(w, 4);
}

bool ntlm_v2_bare(const nt_creds *creds, const uint8_t server_challenge[8], uint64_t time,
                  const uint8_t client_challenge[8], const uint8_t *av, size_t avlen, ntlm_bare *out)
{
    static const uint8_t eol[4] = {0};
    memset(out, 0, sizeof(*out));
    if (nt_creds_is_anonymous(creds) || (av && (avlen < 4 || avlen > NTLM_BARE_MAX_AV)))
        return false;
    if (!av) {
        av = eol;
        avlen = sizeof(eol);
    }
    uint8_t ntowf[16], proof[16];
    nt_wr w;
    nt_wr_init(&w, 0);
    nt_wr_presize(&w, NTLM_BARE_NT_MAX);
    ntlm_v2_blob_head(&w, time, client_challenge);
    nt_wr_bytes(&w, av, avlen);
    nt_wr_zeros(&w, 4);
    bool ok = !w.bad && w.len + 16 <= sizeof(out->nt) &&
              ntlm_ntowfv2(creds->user, creds->domain ? creds->domain : "",
                           creds->password ? creds->password : "", ntowf) &&
              ntlm_v2_proof(ntowf, server_challenge, w.p, w.len, proof) &&
              ntlm_v2_session_base_key(ntowf, proof, out->base_key) &&
              ntlm_lmv2_response(ntowf, server_challenge, client_challenge, out->lm);
    if (ok) {
        memcpy(out->nt, proof, 16);
        memcpy(out->nt + 16, w.p, w.len);
        out->nt_len = 16 + w.len;
    } else {
        nt_wipe(out, sizeof(*out));
    }
    if (w.p)
        nt_wipe(w.p, w.len);
    nt_wr_free(&w);
    nt_wipe(ntowf, sizeof ntowf);
    nt_wipe(proof, sizeof proof);
    return ok;
}
