/* Encrypted responses (SMB2 TRANSFORM_HEADER + ciphertext): smb2_decrypt
 * with the session's cipher, key and session id, then, as the connection
 * does, smb2_hdr_parse on the plaintext.
 *   data[0] bit 0: 0 = AES-128-CCM with the SMB 3.0 vector's server->client
 *   key and session id, 1 = AES-128-GCM with the SMB 3.1.1 vector's (the
 *   MS "Encryption in SMB 3.x" examples, as in tests/test_smb2.c); the rest
 *   is the message.  The seeds are those vectors' responses, so the fuzzer
 *   also reaches the paths after a successful decryption. */
#include <string.h>

#include "fuzz_common.h"
#include "smb2/smb2_int.h"

static const uint8_t K30_DEC[16] = {0x8F, 0xE2, 0xB5, 0x7E, 0xC3, 0x4D, 0x2D, 0xB5,
                                    0xB1, 0xA9, 0x72, 0x7F, 0x52, 0x6B, 0xBD, 0xB5};
static const uint8_t K311_DEC[16] = {0x74, 0x8C, 0x50, 0x86, 0x8C, 0x90, 0xF3, 0x02,
                                     0x96, 0x2A, 0x5C, 0x35, 0xF5, 0xF9, 0xA8, 0xBF};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool gcm = data[0] & 1;
    uint16_t cipher = gcm ? SMB2_CIPHER_AES128_GCM : SMB2_CIPHER_AES128_CCM;
    const uint8_t *key = gcm ? K311_DEC : K30_DEC;
    uint64_t sid = gcm ? 0x100000000025ull : 0x8E40014000011ull;
    uint8_t *plain = NULL;
    size_t plen = 0;
    uint32_t st = smb2_decrypt(cipher, key, sid, data + 1, size - 1, &plain, &plen);
    if (st != NT_OK) {
        FUZZ_CHECK(plain == NULL && plen == 0);
        return 0;
    }
    FUZZ_CHECK(plain && plen + SMB2_TF_LEN == size - 1);
    smb2_hdr h;
    (void)smb2_hdr_parse(plain, plen, &h);
    free(plain);
    return 0;
}
