/*
 * smb2 layer unit tests (no network): header codec, NEGOTIATE request bytes,
 * strict NEGOTIATE response parsing (incl. hostile contexts), key derivation,
 * pre-auth integrity chaining, signing/verification, the SMB3 transform,
 * credits and the NTSTATUS map.
 *
 * Vector sources:
 *  - MS "SMB 3.1.1 Pre-authentication integrity in Windows 10" (Open
 *    Specifications blog, 2015-08-11): NEGOTIATE/SESSION_SETUP messages, the
 *    hash chain, session key 270E1BA8.. and SigningKey 73FE7A9A..
 *  - MS "Encryption in SMB 3.0: a protocol perspective" (2012-10-05): session
 *    key B4546771.., SigningKey F773CD23.., Encryption/Decryption keys, the
 *    encrypted WRITE request and READ response.
 *  - MS "SMB 3.1.1 Encryption in Windows 10" (2015-09-09): AES-128-GCM keys
 *    and transform messages.
 *  - Message signatures (HMAC-SHA256 / AES-CMAC / AES-GMAC over the two
 *    messages of the SMB 3.0 vector, keys from the vectors above) were
 *    computed independently with Python's hmac and the `cryptography`
 *    package (CMAC, AESGCM with an empty plaintext), following MS-SMB2
 *    3.1.4.1; no Microsoft-published full-message signature exists for them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smb2/smb2_int.h"

/* ---- helpers ---- */
static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (h[0] && h[1]) {
        unsigned v;
        char b[3] = { h[0], h[1], 0 };
        v = (unsigned)strtoul(b, NULL, 16);
        assert_true(n < cap);
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

/* ---- MS vectors ---- */
static const char *NEG_REQ_311 =
    "FE534D4240000100000000000000800000000000000000000100000000000000FFFE000000000000"
    "00000000000000000000000000000000000000000000000024000500000000003F000000ECD86F32"
    "6276024F9F7752B89BB33F3A70000000020000000202100200030203110300000100260000000000"
    "010020000100FA49E6578F1F3A9F4CD3E9CC14A67AA884B3D05844E0E5A118225C15887F32FF0000"
    "0200060000000000020002000100";
static const char *NEG_RESP_311 =
    "FE534D4240000100000000000000010001000000000000000100000000000000FFFE000000000000"
    "000000000000000000000000000000000000000000000000410001001103020039CBCAF329714942"
    "BDCE5D60F09AB3FB2F000000000080000000800000008000D8DAE5ADCBAED00109094AB095AED001"
    "80004001C00100006082013C06062B0601050502A08201303082012CA01A3018060A2B0601040182"
    "3702021E060A2B06010401823702020AA282010C048201084E45474F455854530100000000000000"
    "60000000700000007C7CC0FD06D6362D02DDE1CF343BFE292900F49750B4AA97934D9C4296B26E51"
    "FD370471B235E15A50DAE15BD5489C87000000000000000060000000010000000000000000000000"
    "5C33530DEAF90D4DB2EC4AE3786EC3084E45474F4558545303000000010000004000000098000000"
    "7C7CC0FD06D6362D02DDE1CF343BFE295C33530DEAF90D4DB2EC4AE3786EC3084000000058000000"
    "3056A05430523027802530233121301F06035504031318546F6B656E205369676E696E6720507562"
    "6C6963204B65793027802530233121301F06035504031318546F6B656E205369676E696E67205075"
    "626C6963204B6579010026000000000001002000010060A3C3B95C3C7CCD51EC536648D9B3AC74C4"
    "83CA5B65385A251117BEB30712E50000020004000000000001000200";
static const char *SS_REQ1 =
    "FE534D4240000100000000000100800000000000000000000200000000000000FFFE000000000000"
    "00000000000000000000000000000000000000000000000019000001010000000000000058004A00"
    "0000000000000000604806062B0601050502A03E303CA00E300C060A2B06010401823702020AA22A"
    "04284E544C4D5353500001000000978208E200000000000000000000000000000000060380250000"
    "000F";
static const char *SS_RESP1 =
    "FE534D4240000100160000C00100010001000000000000000200000000000000FFFE000000000000"
    "190000000010000000000000000000000000000000000000090000004800B300A181B03081ADA003"
    "0A0101A10C060A2B06010401823702020AA281970481944E544C4D53535000020000000C000C0038"
    "00000015828AE20D1D8BA31179D008000000000000000050005000440000000A0092270000000F53"
    "005500540033003100310002000C0053005500540033003100310001000C00530055005400330031"
    "00310004000C0053005500540033003100310003000C0053005500540033003100310007000800A1"
    "A1F5ADCBAED00100000000";
static const char *SS_REQ2 =
    "FE534D4240000100000000000100800000000000000000000300000000000000FFFE000000000000"
    "1900000000100000000000000000000000000000000000001900000101000000000000005800CF01"
    "0000000000000000A18201CB308201C7A0030A0101A28201AA048201A64E544C4D53535000030000"
    "001800180090000000EE00EE00A80000000C000C00580000001A001A0064000000120012007E0000"
    "001000100096010000158288E2060380250000000FECAC77A5F385A8BF9C38C706EEEDDCD3530055"
    "005400330031003100610064006D0069006E006900730074007200610074006F0072004400520049"
    "0056004500520033003100310000000000000000000000000000000000000000000000000063078E"
    "B639FE03E20A231C3AE3BF23080101000000000000A1A1F5ADCBAED001BC4AD05F223CC90F000000"
    "0002000C0053005500540033003100310001000C0053005500540033003100310004000C00530055"
    "00540033003100310003000C0053005500540033003100310007000800A1A1F5ADCBAED001060004"
    "00020000000800300030000000000000000000000000300000B61FEFCAA857EA57BF1EDCEBF8974B"
    "8E0EBA5A6DFD9D07A31D11B548F8C9D0CC0A00100000000000000000000000000000000000090016"
    "0063006900660073002F005300550054003300310031000000000000000000000000003B9BDFF38F"
    "5EE8F9663F11A0F4C03A78A31204100100000063775A9A5FD97F0600000000";
static const char *PAE[5] = {
    "DD94EFC5321BB618A2E208BA8920D2F422992526947A409B5037DE1E0FE8C7362B8C47122594CDE0"
    "CE26AA9DFC8BCDBDE0621957672623351A7540F1E54A0426",
    "324BFA92A4F3A190E466EBEA08D9C110DC88BFED758D9846ECC6F541CC1D02AE3C94A79F36011E99"
    "7E13F841B91B50957AD07B19C8E2539C0B23FDAE09D2C513",
    "AC0B0F2B9986257700365E416D142A6EDC96DF03594A19E52A15F6BD0D041CD5D432F8ED42C55E33"
    "197A50C9EC00F1462B50C592211B1471A04B56088FDFD5F9",
    "2729E3440DFDDD839E37193F6E8F20C20CEFB3469E453A70CD980EEC06B8835740A7376008563336"
    "4C8989895ECE81BF102DEEB14D4B7D48AFA76901A7A38387",
    "0DD13628CC3ED218EF9DF9772D436D0887AB9814BFAE63A80AA845F36909DB7928622DDDAD522D97"
    "51640A459762C5A9D6BB084CBB3CE6BDADEF5D5BCE3C6C01",
};

/* SMB 3.0 encryption vector */
static const char *K30_SESSION = "B4546771B515F766A86735532DD6C4F0";
static const char *K30_SIGN = "F773CD23C18FD1E08EE510CADA7CF852";
static const char *K30_ENC = "261B72350558F2E9DCF613070383EDBF";
static const char *K30_DEC = "8FE2B57EC34D2DB5B1A9727F526BBDB5";
static const uint64_t SID30 = 0x8E40014000011ull;
static const char *W30_PLAIN =
    "FE534D4240000100000000000900400008000000000000000400000000000000"
    "FFFE0000010000001100001400E4080000000000000000000000000000000000"
    "3100700017000000000000000000000015010000390000020100000039020000"
    "00000000000000007000000000000000536D623320656E6372797074696F6E20"
    "74657374696E67";
static const char *W30_NONCE = "66E69A111892584FB5ED524A744DA3EE";
static const char *W30_TF =
    "FD534D4281A286535415445DAE393921E44FA42E66E69A111892584FB5ED524A"
    "744DA3EE87000000000001001100001400E4080025C8FEE16605A437832D1CD5"
    "2DA9F4645333482A175FE5384563F45FCDAFAEF38BC62BA4D5C62897996625A4"
    "4C29BE5658DE2E6117585779E7B59FFD971278D08580D7FA899E410E910EABF5"
    "AA1DB43050B33B49182637759AC15D84BFCDF5B6B238993C0F4CF4D6012023F6"
    "C627297075D84B7803912D0A9639634453595EF3E33FFE4E7AC2AB";
static const char *R30_TF =
    "FD534D42A6015530A18F6D9AFFE22AFAE8E66484860000000000000011000014"
    "00E4080050000000000001001100001400E40800DBF46435C5F14169293CE079"
    "E344479BF670227E49873F458672C3098DAC467DD5809F369D67409166515787"
    "1483E01F7BECD02064EAC3E235F913668BBC2F097980D4B378F1993EFF6E60D1"
    "77309E5B";
static const char *R30_PLAIN =
    "FE534D4240000100000000000900210009000000000000000400000000000000"
    "FFFE0000010000001100001400E4080000000000000000000000000000000000"
    "11000000170000000000000000000000";

/* SMB 3.1.1 encryption vector */
static const char *K311_SESSION = "419FDDF34C1E001909D362AE7FB6AF79";
static const char *K311_PREAUTH =
    "B23F3CBFD69487D9832B79B1594A367CDD950909B774C3A4C412B4FCEA9EDDDBA7DB256BA2EA30E9"
    "77F11F9B113247578E0E915C6D2A513B8F2FCA5707DC8770";
static const char *K311_ENC = "A2F5E80E5D59103034F32E52F698E5EC";
static const char *K311_DEC = "748C50868C90F302962A5C35F5F9A8BF";
static const uint64_t SID311 = 0x100000000025ull;
static const char *W311_PLAIN =
    "FE534D4240000100000000000900010008000000000000000500000000000000FFFE000001000000"
    "25000000001000000000000000000000000000000000000031007000170000000000000000000000"
    "0600000004000000010000000400000000000000000000007000000000000000536D623320656E63"
    "72797074696F6E2074657374696E67";
static const char *W311_NONCE = "C7D6822D269CAF48904C664C00000000";
static const char *W311_TF =
    "FD534D42BD73D97D2BC9001BCAFAC0FDFF5FEEBCC7D6822D269CAF48904C664C0000000087000000"
    "0000010025000000001000006ECDD2A7AFC7B47763057A041B8FD4DAFFE990B70C9E09D36C084E02"
    "D14EF247F8BDE38ACF6256F8B1D3B56F77FBDEB312FEA5E92CBCC1ED8FB2EBBFAA75E49A4A394BB4"
    "4576545567C24D4C014D47C9FBDFDAFD2C4F9B72F8D256452620A299F48E29E53D6B61D1C13A19E9"
    "1AF013F00D17E3ABC2FC3D36C8C1B6B93973253852DBD442E46EE8";
static const char *R311_TF =
    "FD534D42ACBE1CB7ED343ADF1725EF144D90D4B0E06831DD2E8EB7B4000000000000000050000000"
    "00000100250000000010000026BBBF949983A6C1C796559D0F2C510CB651D1F7B6AC8DED32A2A0B8"
    "F2D793A815C6F6B848D69767A215841A42D400AE6DDB5F0B44173A014973321FDD7950DA6179159B"
    "82E03C9E18A050FF0EA1C967";
static const char *R311_PLAIN =
    "FE534D4240000100000000000900010001000000000000000500000000000000FFFE000001000000"
    "25000000001000000000000000000000000000000000000011000000170000000000000000000000";

/* ---- header ---- */
static void test_hdr_encode_matches_vector(void **s)
{
    (void)s;
    uint8_t want[256], got[64];
    unhex(W30_PLAIN, want, sizeof(want));
    smb2_hdr h;
    memset(&h, 0, sizeof(h));
    h.credit_charge = 1;
    h.command = SMB2_WRITE;
    h.credits = 64;
    h.flags = SMB2_FLAGS_SIGNED;
    h.msg_id = 4;
    h.tree_id = 1;
    h.session_id = SID30;
    smb2_hdr_encode(&h, got);
    assert_memory_equal(got, want, 64);
}

static void test_hdr_parse_response(void **s)
{
    (void)s;
    uint8_t m[256];
    size_t n = unhex(R30_PLAIN, m, sizeof(m));
    smb2_hdr h;
    assert_int_equal(smb2_hdr_parse(m, n, &h), NT_OK);
    assert_int_equal(h.command, SMB2_WRITE); /* the WRITE response */
    assert_int_equal(h.credits, 0x21);
    assert_int_equal(h.msg_id, 4);
    assert_int_equal(h.tree_id, 1);
    assert_true(h.session_id == SID30);
    assert_int_equal(h.status, 0);
    assert_int_equal(h.flags, SMB2_FLAGS_SERVER_TO_REDIR | SMB2_FLAGS_SIGNED);
}

static void test_hdr_parse_async(void **s)
{
    (void)s;
    uint8_t m[256];
    size_t n = unhex(R30_PLAIN, m, sizeof(m));
    nt_put_le32(m + 16, SMB2_FLAGS_SERVER_TO_REDIR | SMB2_FLAGS_ASYNC_COMMAND);
    nt_put_le32(m + 8, STATUS_PENDING);
    nt_put_le64(m + 32, 0x1122334455667788ull);
    smb2_hdr h;
    assert_int_equal(smb2_hdr_parse(m, n, &h), NT_OK);
    assert_true(h.async_id == 0x1122334455667788ull);
    assert_int_equal(h.tree_id, 0);
    assert_int_equal(h.status, STATUS_PENDING);
}

static void test_hdr_parse_rejects(void **s)
{
    (void)s;
    uint8_t m[256], t[256];
    size_t n = unhex(R30_PLAIN, m, sizeof(m));
    smb2_hdr h;
    memcpy(t, m, n); t[0] = 0xFF;                     /* SMB1 magic */
    assert_int_equal(smb2_hdr_parse(t, n, &h), NT_ERROR_UNEXP_NET_ERR);
    memcpy(t, m, n); t[0] = 0xFD;                     /* transform where header expected */
    assert_int_equal(smb2_hdr_parse(t, n, &h), NT_ERROR_UNEXP_NET_ERR);
    memcpy(t, m, n); t[4] = 63;                       /* StructureSize */
    assert_int_equal(smb2_hdr_parse(t, n, &h), NT_ERROR_UNEXP_NET_ERR);
    memcpy(t, m, n); nt_put_le32(t + 16, 0);          /* not a response */
    assert_int_equal(smb2_hdr_parse(t, n, &h), NT_ERROR_UNEXP_NET_ERR);
    memcpy(t, m, n); nt_put_le32(t + 20, (uint32_t)n + 8); /* NextCommand: not this element's length */
    assert_int_equal(smb2_hdr_parse(t, n, &h), NT_ERROR_UNEXP_NET_ERR);
    memcpy(t, m, n); nt_put_le32(t + 20, (uint32_t)n); /* an element cut to its NextCommand */
    assert_int_equal(smb2_hdr_parse(t, n, &h), NT_OK);
    memcpy(t, m, n); nt_put_le32(t + 16, 1 | SMB2_FLAGS_RELATED); /* a later element of a compound */
    assert_int_equal(smb2_hdr_parse(t, n, &h), NT_OK);
    assert_int_equal(smb2_hdr_parse(m, 63, &h), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_hdr_parse(NULL, 0, &h), NT_ERROR_UNEXP_NET_ERR);
}

/* ---- negotiate request ---- */
static void build_neg(const smb2_neg_req *req, uint8_t **p, size_t *n)
{
    nt_wr w;
    nt_wr_init(&w, 4096);
    nt_wr_zeros(&w, 64);
    assert_true(smb2_neg_req_body(req, &w));
    *p = nt_wr_take(&w, n);
}

static void test_neg_req_all_dialects(void **s)
{
    (void)s;
    smb2_neg_req req;
    assert_true(smb2_neg_req_init(&req, 0, 0));
    assert_int_equal(req.ndialects, 5);
    memset(req.client_guid, 0xAA, 16);
    memset(req.salt, 0x55, 32);
    uint8_t *p;
    size_t n;
    build_neg(&req, &p, &n);
    const uint8_t *b = p + 64;
    assert_int_equal(nt_le16(b), 36);
    assert_int_equal(nt_le16(b + 2), 5);
    assert_int_equal(nt_le16(b + 4), SMB2_NEGOTIATE_SIGNING_ENABLED);
    assert_int_equal(nt_le32(b + 8), SMB2_GLOBAL_CAP_ENCRYPTION);
    uint8_t guid[16];
    memset(guid, 0xAA, 16);
    assert_memory_equal(b + 12, guid, 16);
    static const uint16_t want[5] = { 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 };
    for (int i = 0; i < 5; i++)
        assert_int_equal(nt_le16(b + 36 + 2 * i), want[i]);
    uint32_t ctxoff = nt_le32(b + 28);
    assert_int_equal(ctxoff % 8, 0);
    assert_int_equal(ctxoff, 112); /* 64 + 36 + 5 * 2 = 110, aligned to 8 */
    assert_int_equal(nt_le16(b + 32), 3);
    /* preauth context */
    const uint8_t *c = p + ctxoff;
    assert_int_equal(nt_le16(c), 1);
    assert_int_equal(nt_le16(c + 2), 38);
    assert_int_equal(nt_le16(c + 8), 1);
    assert_int_equal(nt_le16(c + 10), 32);
    assert_int_equal(nt_le16(c + 12), 1);
    assert_int_equal(c[14], 0x55);
    /* encryption context at the next 8-byte boundary */
    c = p + ((ctxoff + 8 + 38 + 7) & ~7u);
    assert_int_equal(nt_le16(c), 2);
    assert_int_equal(nt_le16(c + 2), 6);
    assert_int_equal(nt_le16(c + 8), 2);
    assert_int_equal(nt_le16(c + 10), SMB2_CIPHER_AES128_GCM);
    assert_int_equal(nt_le16(c + 12), SMB2_CIPHER_AES128_CCM);
    /* signing context */
    c = p + (((size_t)(c - p) + 8 + 6 + 7) & ~(size_t)7);
    assert_int_equal(nt_le16(c), 8);
    assert_int_equal(nt_le16(c + 2), 6);
    assert_int_equal(nt_le16(c + 8), 2);
    assert_int_equal(nt_le16(c + 10), SMB2_SIGN_AES_GMAC);
    assert_int_equal(nt_le16(c + 12), SMB2_SIGN_AES_CMAC);
    assert_int_equal((size_t)(c - p) + 14, n);
    free(p);
}

static void test_neg_req_ranges(void **s)
{
    (void)s;
    smb2_neg_req req;
    uint8_t *p;
    size_t n;
    assert_true(smb2_neg_req_init(&req, 0x0300, 0x0300));
    assert_int_equal(req.ndialects, 1);
    build_neg(&req, &p, &n);
    assert_int_equal(n, 64 + 36 + 2);          /* no contexts below 3.1.1 */
    assert_int_equal(nt_le32(p + 64 + 8), SMB2_GLOBAL_CAP_ENCRYPTION);
    assert_int_equal(nt_le32(p + 64 + 28), 0); /* ClientStartTime */
    free(p);
    assert_true(smb2_neg_req_init(&req, 0, 0x0210));
    assert_int_equal(req.ndialects, 2);
    build_neg(&req, &p, &n);
    assert_int_equal(nt_le32(p + 64 + 8), 0);  /* no ENCRYPTION cap for 2.x only */
    free(p);
    assert_true(smb2_neg_req_init(&req, 0x0302, 0));
    assert_int_equal(req.ndialects, 2);
    assert_false(smb2_neg_req_init(&req, 0x0311, 0x0300));
    assert_false(smb2_neg_req_init(&req, 0x0201, 0));
    assert_false(smb2_neg_req_init(&req, 0, 0x0312));
}

static void test_neg_req_random_guid_salt(void **s)
{
    (void)s;
    smb2_neg_req a, b;
    assert_true(smb2_neg_req_init(&a, 0, 0));
    assert_true(smb2_neg_req_init(&b, 0, 0));
    assert_memory_not_equal(a.client_guid, b.client_guid, 16);
    assert_memory_not_equal(a.salt, b.salt, 32);
}

/* ---- negotiate response ---- */
static size_t neg_resp(uint8_t *m)
{
    return unhex(NEG_RESP_311, m, 1024);
}

static void test_neg_resp_ms_vector(void **s)
{
    (void)s;
    uint8_t m[1024];
    size_t n = neg_resp(m);
    smb2_neg_req req;
    assert_true(smb2_neg_req_init(&req, 0, 0));
    smb2_neg_resp r;
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_OK);
    assert_int_equal(r.dialect, 0x0311);
    assert_int_equal(r.security_mode, 1);
    assert_int_equal(r.cipher, SMB2_CIPHER_AES128_GCM);
    assert_int_equal(r.sign_alg, SMB2_SIGN_AES_CMAC); /* no signing context */
    assert_int_equal(r.max_transact, 0x800000);
    assert_int_equal(r.secbloblen, 0x140);
    assert_ptr_equal(r.secblob, m + 0x80);
}

static void test_neg_resp_dialect_not_offered(void **s)
{
    (void)s;
    uint8_t m[1024];
    size_t n = neg_resp(m);
    smb2_neg_req req;
    smb2_neg_resp r;
    assert_true(smb2_neg_req_init(&req, 0, 0x0302));
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_ERROR_UNEXP_NET_ERR);
    assert_true(smb2_neg_req_init(&req, 0, 0));
    nt_put_le16(m + 64 + 4, 0x02FF);   /* wildcard: we never sent SMB1 */
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_ERROR_UNEXP_NET_ERR);
}

static void test_neg_resp_hostile(void **s)
{
    (void)s;
    uint8_t m[1024], t[1024];
    size_t n = neg_resp(m);
    smb2_neg_req req;
    smb2_neg_resp r;
    assert_true(smb2_neg_req_init(&req, 0, 0));
    const size_t ctxoff_pos = 64 + 60, ctxcnt_pos = 64 + 6, secoff_pos = 64 + 56;
    uint32_t ctxoff = nt_le32(m + ctxoff_pos);
    assert_int_equal(ctxoff, 0x1C0);

#define EXPECT_BAD(len) assert_int_equal(smb2_neg_resp_parse(t, (len), &req, &r), NT_ERROR_UNEXP_NET_ERR)
    memcpy(t, m, n); nt_put_le32(t + ctxoff_pos, (uint32_t)n + 8);        /* offset past the end */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le32(t + ctxoff_pos, 0xFFFFFFF8u);             /* huge offset */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le32(t + ctxoff_pos, 0x44);                    /* inside the fixed part */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le32(t + ctxoff_pos, ctxoff + 1);              /* unaligned */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + ctxcnt_pos, 0xFFFF);                  /* count huge */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + ctxcnt_pos, 0);                       /* no preauth context */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + ctxoff + 2, 0x7FFF);                  /* context length overrun */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + ctxoff + 8, 2);                       /* two hash algorithms */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + ctxoff + 12, 2);                      /* unknown hash */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + ctxoff + 10, 0x40);                   /* salt overruns the context */
    EXPECT_BAD(n);
    /* encryption context: at ctxoff + 8 + 38 aligned = ctxoff + 48 */
    const size_t enc = ctxoff + 48;
    assert_int_equal(nt_le16(m + enc), 2);
    memcpy(t, m, n); nt_put_le16(t + enc + 8, 2);                          /* CipherCount 2 */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + enc + 10, 7);                         /* unknown cipher */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + enc, 1);                              /* duplicate preauth */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + enc, 0x1234);                         /* unknown type: ignored */
    assert_int_equal(smb2_neg_resp_parse(t, n, &req, &r), NT_OK);
    assert_int_equal(r.cipher, SMB2_CIPHER_NONE);
    memcpy(t, m, n); nt_put_le16(t + enc + 10, 0);                         /* no common cipher */
    assert_int_equal(smb2_neg_resp_parse(t, n, &req, &r), NT_OK);
    assert_int_equal(r.cipher, SMB2_CIPHER_NONE);
    /* truncated at every length */
    for (size_t l = 0; l < n; l++) {
        memcpy(t, m, n);
        int st = (int)smb2_neg_resp_parse(t, l, &req, &r);
        assert_int_equal(st, NT_ERROR_UNEXP_NET_ERR);
    }
    memcpy(t, m, n); nt_put_le16(t + secoff_pos + 2, 0xFFFF);              /* security blob overrun */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + secoff_pos, 8);                       /* blob inside the header */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le16(t + 64, 64);                              /* StructureSize */
    EXPECT_BAD(n);
    memcpy(t, m, n); nt_put_le32(t + 64 + 28, 0);                          /* MaxTransactSize 0 */
    EXPECT_BAD(n);
#undef EXPECT_BAD
}

static void test_neg_resp_signing_context(void **s)
{
    (void)s;
    /* The MS response plus a SIGNING_CAPABILITIES context selecting GMAC. */
    uint8_t m[1100];
    size_t n = neg_resp(m);
    while (n % 8) m[n++] = 0;
    static const uint8_t sc[] = { 8, 0, 4, 0, 0, 0, 0, 0, 1, 0, 2, 0 };
    memcpy(m + n, sc, sizeof(sc));
    n += sizeof(sc);
    nt_put_le16(m + 64 + 6, 3);
    smb2_neg_req req;
    smb2_neg_resp r;
    assert_true(smb2_neg_req_init(&req, 0, 0));
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_OK);
    assert_int_equal(r.sign_alg, SMB2_SIGN_AES_GMAC);
    m[n - 2] = 0; /* HMAC-SHA256 is not allowed for 3.1.1 */
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_ERROR_UNEXP_NET_ERR);
    m[n - 2] = 1;
    m[n - 4] = 2; /* count 2 */
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_ERROR_UNEXP_NET_ERR);
}

static void test_neg_resp_300_algorithms(void **s)
{
    (void)s;
    /* Turn the MS response into a 3.0 / 2.1 one (contexts are then ignored). */
    uint8_t m[1024];
    size_t n = neg_resp(m);
    smb2_neg_req req;
    smb2_neg_resp r;
    assert_true(smb2_neg_req_init(&req, 0, 0));
    nt_put_le16(m + 64 + 4, 0x0300);
    nt_put_le32(m + 64 + 24, SMB2_GLOBAL_CAP_ENCRYPTION);
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_OK);
    assert_int_equal(r.sign_alg, SMB2_SIGN_AES_CMAC);
    assert_int_equal(r.cipher, SMB2_CIPHER_AES128_CCM);
    nt_put_le32(m + 64 + 24, 0);
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_OK);
    assert_int_equal(r.cipher, SMB2_CIPHER_NONE);
    nt_put_le16(m + 64 + 4, 0x0210);
    assert_int_equal(smb2_neg_resp_parse(m, n, &req, &r), NT_OK);
    assert_int_equal(r.sign_alg, SMB2_SIGN_HMAC_SHA256);
}

/* ---- pre-auth integrity and keys ---- */
static void test_preauth_chain_ms_vector(void **s)
{
    (void)s;
    const char *msgs[5] = { NEG_REQ_311, NEG_RESP_311, SS_REQ1, SS_RESP1, SS_REQ2 };
    uint8_t h[64], want[64], m[1024];
    memset(h, 0, 64);
    for (int i = 0; i < 5; i++) {
        size_t n = unhex(msgs[i], m, sizeof(m));
        assert_true(smb2_preauth_update(h, m, n));
        unhex(PAE[i], want, 64);
        assert_memory_equal(h, want, 64);
    }
    /* 3.1.1 signing key from that hash */
    uint8_t skey[16], wsign[16];
    unhex("270E1BA896585EEB7AF3472D3B4C75A7", skey, 16);
    unhex("73FE7A9A77BEF0BDE49C650D8CCB5F76", wsign, 16);
    smb2_keys k;
    assert_true(smb2_derive_keys(SMB2_DIALECT_311, skey, h, &k));
    assert_memory_equal(k.sign, wsign, 16);
}

static void test_keys_300_ms_vector(void **s)
{
    (void)s;
    uint8_t sk[16], w[16];
    unhex(K30_SESSION, sk, 16);
    smb2_keys k;
    assert_true(smb2_derive_keys(SMB2_DIALECT_300, sk, NULL, &k));
    unhex(K30_SIGN, w, 16);
    assert_memory_equal(k.sign, w, 16);
    unhex(K30_ENC, w, 16);
    assert_memory_equal(k.enc, w, 16);
    unhex(K30_DEC, w, 16);
    assert_memory_equal(k.dec, w, 16);
    assert_true(smb2_derive_keys(SMB2_DIALECT_302, sk, NULL, &k));
    unhex(K30_SIGN, w, 16);
    assert_memory_equal(k.sign, w, 16);
}

static void test_keys_311_ms_vector(void **s)
{
    (void)s;
    uint8_t sk[16], pa[64], w[16];
    unhex(K311_SESSION, sk, 16);
    unhex(K311_PREAUTH, pa, 64);
    smb2_keys k;
    assert_true(smb2_derive_keys(SMB2_DIALECT_311, sk, pa, &k));
    unhex(K311_ENC, w, 16);
    assert_memory_equal(k.enc, w, 16);
    unhex(K311_DEC, w, 16);
    assert_memory_equal(k.dec, w, 16);
}

static void test_keys_2x_session_key(void **s)
{
    (void)s;
    uint8_t sk[16];
    unhex(K30_SESSION, sk, 16);
    smb2_keys k;
    assert_true(smb2_derive_keys(SMB2_DIALECT_210, sk, NULL, &k));
    assert_memory_equal(k.sign, sk, 16);
    assert_true(smb2_derive_keys(SMB2_DIALECT_202, sk, NULL, &k));
    assert_memory_equal(k.sign, sk, 16);
}

/* ---- signing ---- */
struct sigcase {
    uint16_t alg;
    const char *key;
    const char *msg;
    const char *sig;
};
static const struct sigcase sigcases[] = {
    { SMB2_SIGN_HMAC_SHA256, "B4546771B515F766A86735532DD6C4F0", "W30", "9FF7C0C69D5F129A97FEB64B95A1BF1D" },
    { SMB2_SIGN_AES_CMAC, "F773CD23C18FD1E08EE510CADA7CF852", "W30", "A7C3978D77323E357F43B9747B7504ED" },
    { SMB2_SIGN_AES_GMAC, "73FE7A9A77BEF0BDE49C650D8CCB5F76", "W30", "5D5462F60EF27B89BF1BFE74454F996C" },
    { SMB2_SIGN_HMAC_SHA256, "B4546771B515F766A86735532DD6C4F0", "R30", "9A13B66E17A09B17FBD68908E65F730A" },
    { SMB2_SIGN_AES_CMAC, "F773CD23C18FD1E08EE510CADA7CF852", "R30", "EF2D3DE02C4A72D70647D9C7CF1F00FD" },
    { SMB2_SIGN_AES_GMAC, "73FE7A9A77BEF0BDE49C650D8CCB5F76", "R30", "890BE0825F4FE3D1CE49D2A089A51E1D" },
};

static size_t sig_msg(const struct sigcase *c, uint8_t *m)
{
    return unhex(strcmp(c->msg, "W30") == 0 ? W30_PLAIN : R30_PLAIN, m, 256);
}

static void test_sign_vectors(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof(sigcases) / sizeof(sigcases[0]); i++) {
        const struct sigcase *c = &sigcases[i];
        uint8_t m[256], key[16], want[16];
        size_t n = sig_msg(c, m);
        nt_put_le32(m + 16, nt_le32(m + 16) & ~SMB2_FLAGS_SIGNED);
        memset(m + 48, 0x77, 16); /* whatever was there is ignored */
        unhex(c->key, key, 16);
        unhex(c->sig, want, 16);
        assert_true(smb2_sign(c->alg, key, m, n));
        assert_true(nt_le32(m + 16) & SMB2_FLAGS_SIGNED);
        assert_memory_equal(m + 48, want, 16);
        assert_true(smb2_verify(c->alg, key, m, n));
    }
}

static void test_verify_rejects_tampering(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof(sigcases) / sizeof(sigcases[0]); i++) {
        const struct sigcase *c = &sigcases[i];
        uint8_t m[256], t[256], key[16];
        size_t n = sig_msg(c, m);
        nt_put_le32(m + 16, nt_le32(m + 16) | SMB2_FLAGS_SIGNED);
        unhex(c->key, key, 16);
        unhex(c->sig, m + 48, 16);
        assert_true(smb2_verify(c->alg, key, m, n));
        /* the in-place variant agrees and leaves the message as it was */
        memcpy(t, m, n);
        assert_true(smb2_verify_mut(c->alg, key, t, n));
        assert_memory_equal(t, m, n);
        /* every single-bit flip of the signature fails */
        for (int b = 0; b < 128; b++) {
            memcpy(t, m, n);
            t[48 + b / 8] ^= (uint8_t)(1u << (b % 8));
            assert_false(smb2_verify(c->alg, key, t, n));
            assert_false(smb2_verify_mut(c->alg, key, t, n));
            assert_int_equal(t[48 + b / 8], (uint8_t)(m[48 + b / 8] ^ (1u << (b % 8))));
        }
        /* a flipped byte anywhere else fails too (header or body) */
        for (size_t p = 0; p < n; p++) {
            if (p >= 48 && p < 64)
                continue;
            memcpy(t, m, n);
            t[p] ^= 0x01;
            assert_false(smb2_verify(c->alg, key, t, n));
        }
        /* zeroed signature, wrong key, truncated, wrong algorithm */
        memcpy(t, m, n);
        memset(t + 48, 0, 16);
        assert_false(smb2_verify(c->alg, key, t, n));
        uint8_t k2[16];
        memcpy(k2, key, 16);
        k2[0] ^= 0x80;
        assert_false(smb2_verify(c->alg, k2, m, n));
        assert_false(smb2_verify(c->alg, key, m, n - 1));
        assert_false(smb2_verify(c->alg, key, m, 63));
        assert_false(smb2_verify((uint16_t)((c->alg + 1) % 3), key, m, n));
    }
}

/* ---- transform ---- */
static void test_encrypt_300_ms_vector(void **s)
{
    (void)s;
    uint8_t plain[256], nonce[16], key[16], want[512];
    size_t pn = unhex(W30_PLAIN, plain, sizeof(plain));
    unhex(W30_NONCE, nonce, 16);
    unhex(K30_ENC, key, 16);
    size_t wn = unhex(W30_TF, want, sizeof(want));
    uint8_t *out = NULL;
    size_t outlen = 0;
    assert_int_equal(smb2_encrypt(SMB2_CIPHER_AES128_CCM, key, SID30, nonce, plain, pn, &out, &outlen), NT_OK);
    assert_int_equal(outlen, wn);
    assert_memory_equal(out, want, wn);
    free(out);
}

static void test_decrypt_300_ms_vector(void **s)
{
    (void)s;
    uint8_t tf[512], key[16], want[256];
    size_t tn = unhex(R30_TF, tf, sizeof(tf));
    size_t wn = unhex(R30_PLAIN, want, sizeof(want));
    unhex(K30_DEC, key, 16);
    uint8_t *out = NULL;
    size_t outlen = 0;
    assert_int_equal(smb2_decrypt(SMB2_CIPHER_AES128_CCM, key, SID30, tf, tn, &out, &outlen), NT_OK);
    assert_int_equal(outlen, wn);
    assert_memory_equal(out, want, wn);
    free(out);
}

static void test_encrypt_311_gcm_ms_vector(void **s)
{
    (void)s;
    uint8_t plain[256], nonce[16], key[16], want[512];
    size_t pn = unhex(W311_PLAIN, plain, sizeof(plain));
    unhex(W311_NONCE, nonce, 16);
    unhex(K311_ENC, key, 16);
    size_t wn = unhex(W311_TF, want, sizeof(want));
    uint8_t *out = NULL;
    size_t outlen = 0;
    assert_int_equal(smb2_encrypt(SMB2_CIPHER_AES128_GCM, key, SID311, nonce, plain, pn, &out, &outlen), NT_OK);
    assert_int_equal(outlen, wn);
    assert_memory_equal(out, want, wn);
    free(out);
}

static void test_decrypt_311_gcm_ms_vector(void **s)
{
    (void)s;
    uint8_t tf[512], key[16], want[256];
    size_t tn = unhex(R311_TF, tf, sizeof(tf));
    size_t wn = unhex(R311_PLAIN, want, sizeof(want));
    unhex(K311_DEC, key, 16);
    uint8_t *out = NULL;
    size_t outlen = 0;
    assert_int_equal(smb2_decrypt(SMB2_CIPHER_AES128_GCM, key, SID311, tf, tn, &out, &outlen), NT_OK);
    assert_int_equal(outlen, wn);
    assert_memory_equal(out, want, wn);
    free(out);
}

static void test_decrypt_rejects(void **s)
{
    (void)s;
    uint8_t tf[512], t[512], key[16];
    size_t tn = unhex(R311_TF, tf, sizeof(tf));
    unhex(K311_DEC, key, 16);
    uint8_t *out = NULL;
    size_t outlen = 0;
    /* any flipped byte (signature, nonce, AAD fields, ciphertext) fails */
    for (size_t p = 0; p < tn; p++) {
        memcpy(t, tf, tn);
        t[p] ^= 0x04;
        assert_int_not_equal(smb2_decrypt(SMB2_CIPHER_AES128_GCM, key, SID311, t, tn, &out, &outlen), NT_OK);
        assert_null(out);
    }
    assert_int_equal(smb2_decrypt(SMB2_CIPHER_AES128_GCM, key, SID311 + 1, tf, tn, &out, &outlen),
                     NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_decrypt(SMB2_CIPHER_AES128_CCM, key, SID311, tf, tn, &out, &outlen),
                     NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_decrypt(SMB2_CIPHER_AES128_GCM, key, SID311, tf, tn - 1, &out, &outlen),
                     NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_decrypt(SMB2_CIPHER_AES128_GCM, key, SID311, tf, 60, &out, &outlen),
                     NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_decrypt(SMB2_CIPHER_NONE, key, SID311, tf, tn, &out, &outlen), NT_ERROR_UNEXP_NET_ERR);
}

static void test_transform_round_trip(void **s)
{
    (void)s;
    uint8_t plain[256], key[16], nonce[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    size_t pn = unhex(W311_PLAIN, plain, sizeof(plain));
    memset(key, 0x3C, 16);
    for (uint16_t cipher = 1; cipher <= 2; cipher++) {
        uint8_t *enc = NULL, *dec = NULL;
        size_t el = 0, dl = 0;
        assert_int_equal(smb2_encrypt(cipher, key, 42, nonce, plain, pn, &enc, &el), NT_OK);
        assert_int_equal(el, pn + 52);
        assert_int_equal(nt_le32(enc + 36), pn);
        assert_true(nt_le64(enc + 44) == 42);
        assert_int_equal(smb2_decrypt(cipher, key, 42, enc, el, &dec, &dl), NT_OK);
        assert_int_equal(dl, pn);
        assert_memory_equal(dec, plain, pn);
        free(enc);
        free(dec);
    }
    uint8_t *e = NULL;
    size_t el = 0;
    assert_int_equal(smb2_encrypt(SMB2_CIPHER_NONE, key, 1, nonce, plain, pn, &e, &el), NT_ERROR_INVALID_PARAMETER);
    assert_int_equal(smb2_encrypt(SMB2_CIPHER_AES128_GCM, key, 1, nonce, plain, 10, &e, &el),
                     NT_ERROR_INVALID_PARAMETER);
}

/* ---- credits ---- */
static void test_credits(void **s)
{
    (void)s;
    smb2_credits cr;
    uint64_t id = 99;
    smb2_credits_init(&cr);
    assert_true(smb2_credits_take(&cr, 1, &id));
    assert_int_equal(id, 0);
    assert_false(smb2_credits_take(&cr, 1, &id)); /* never send with zero credits */
    smb2_credits_grant(&cr, 0);
    assert_false(smb2_credits_take(&cr, 1, &id));
    smb2_credits_grant(&cr, 31);
    for (uint64_t i = 1; i <= 31; i++) {
        assert_true(smb2_credits_take(&cr, 1, &id));
        assert_int_equal(id, i);
    }
    assert_false(smb2_credits_take(&cr, 1, &id));
    smb2_credits_grant(&cr, 4);
    assert_true(smb2_credits_take(&cr, 3, &id)); /* multi-credit charge consumes ids */
    assert_int_equal(id, 32);
    assert_true(smb2_credits_take(&cr, 0, &id)); /* charge 0 (2.0.2) counts as 1 */
    assert_int_equal(id, 35);
    assert_false(smb2_credits_take(&cr, 1, &id));
    for (int i = 0; i < 10; i++)
        smb2_credits_grant(&cr, 65535);
    assert_int_equal(cr.balance, 65535); /* capped */
}

/* ---- status map ---- */
static void test_status_map(void **s)
{
    (void)s;
    assert_int_equal(smb2_map_status(STATUS_SUCCESS), NT_OK);
    assert_int_equal(smb2_map_status(STATUS_LOGON_FAILURE), NT_ERROR_LOGON_FAILURE);
    assert_int_equal(smb2_map_status(STATUS_WRONG_PASSWORD), NT_ERROR_LOGON_FAILURE);
    assert_int_equal(smb2_map_status(STATUS_NO_SUCH_USER), NT_ERROR_LOGON_FAILURE);
    assert_int_equal(smb2_map_status(STATUS_ACCOUNT_DISABLED), NT_ERROR_ACCOUNT_DISABLED);
    assert_int_equal(smb2_map_status(STATUS_ACCOUNT_LOCKED_OUT), NT_ERROR_ACCOUNT_LOCKED_OUT);
    assert_int_equal(smb2_map_status(STATUS_ACCOUNT_EXPIRED), 1793);
    assert_int_equal(smb2_map_status(STATUS_PASSWORD_EXPIRED), NT_ERROR_PASSWORD_EXPIRED);
    assert_int_equal(smb2_map_status(STATUS_PASSWORD_MUST_CHANGE), NT_ERROR_PASSWORD_MUST_CHANGE);
    assert_int_equal(smb2_map_status(STATUS_ACCOUNT_RESTRICTION), NT_ERROR_ACCOUNT_RESTRICTION);
    assert_int_equal(smb2_map_status(STATUS_INVALID_LOGON_HOURS), NT_ERROR_INVALID_LOGON_HOURS);
    assert_int_equal(smb2_map_status(STATUS_INVALID_WORKSTATION), 1329);
    assert_int_equal(smb2_map_status(STATUS_ACCESS_DENIED), NT_ERROR_ACCESS_DENIED);
    assert_int_equal(smb2_map_status(STATUS_BAD_NETWORK_NAME), NT_ERROR_BAD_NET_NAME);
    assert_int_equal(smb2_map_status(STATUS_OBJECT_NAME_NOT_FOUND), NT_RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(smb2_map_status(STATUS_NETWORK_SESSION_EXPIRED), NT_ERROR_NETNAME_DELETED);
    assert_int_equal(smb2_map_status(STATUS_USER_SESSION_DELETED), NT_ERROR_NETNAME_DELETED);
    assert_int_equal(smb2_map_status(STATUS_BUFFER_OVERFLOW), NT_ERROR_MORE_DATA);
    assert_int_equal(smb2_map_status(STATUS_INVALID_PARAMETER), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_map_status(STATUS_MORE_PROCESSING_REQUIRED), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb2_map_status(0xDEADBEEF), NT_ERROR_UNEXP_NET_ERR);
}

static void test_cmd_names(void **s)
{
    (void)s;
    assert_string_equal(smb2_cmd_name(SMB2_IOCTL), "IOCTL");
    assert_string_equal(smb2_cmd_name(SMB2_SESSION_SETUP), "SESSION_SETUP");
    assert_string_equal(smb2_cmd_name(0x77), "?");
}

/* ---- public API argument checks (no network) ---- */
static void test_connect_bad_args(void **s)
{
    (void)s;
    smb2_conn *c = (smb2_conn *)1;
    nt_creds cr = { 0 };
    smb2_opts o;
    memset(&o, 0, sizeof(o));
    assert_int_equal(smb2_connect(&o, &cr, &c), NT_ERROR_INVALID_PARAMETER);
    assert_null(c);
    assert_true(smb2_is_dead(NULL));
    assert_int_equal(smb2_dialect(NULL), 0);
    smb2_disconnect(NULL);
    smb2_abort(NULL);
    smb2_pipe_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hdr_encode_matches_vector),
        cmocka_unit_test(test_hdr_parse_response),
        cmocka_unit_test(test_hdr_parse_async),
        cmocka_unit_test(test_hdr_parse_rejects),
        cmocka_unit_test(test_neg_req_all_dialects),
        cmocka_unit_test(test_neg_req_ranges),
        cmocka_unit_test(test_neg_req_random_guid_salt),
        cmocka_unit_test(test_neg_resp_ms_vector),
        cmocka_unit_test(test_neg_resp_dialect_not_offered),
        cmocka_unit_test(test_neg_resp_hostile),
        cmocka_unit_test(test_neg_resp_signing_context),
        cmocka_unit_test(test_neg_resp_300_algorithms),
        cmocka_unit_test(test_preauth_chain_ms_vector),
        cmocka_unit_test(test_keys_300_ms_vector),
        cmocka_unit_test(test_keys_311_ms_vector),
        cmocka_unit_test(test_keys_2x_session_key),
        cmocka_unit_test(test_sign_vectors),
        cmocka_unit_test(test_verify_rejects_tampering),
        cmocka_unit_test(test_encrypt_300_ms_vector),
        cmocka_unit_test(test_decrypt_300_ms_vector),
        cmocka_unit_test(test_encrypt_311_gcm_ms_vector),
        cmocka_unit_test(test_decrypt_311_gcm_ms_vector),
        cmocka_unit_test(test_decrypt_rejects),
        cmocka_unit_test(test_transform_round_trip),
        cmocka_unit_test(test_credits),
        cmocka_unit_test(test_status_map),
        cmocka_unit_test(test_cmd_names),
        cmocka_unit_test(test_connect_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
