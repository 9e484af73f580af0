/*
 * SMB1 codecs (dll/smb1/smb1_proto.c): MD5 signing against a vector computed
 * independently (Python hashlib: MD5(key || message with the sequence number
 * in SecuritySignature), first 8 bytes; interoperability with Samba's own
 * signing is proven by winetests/smb1), AndX chain walking against hostile
 * chains (loops, backward and out-of-message offsets, overlong chains,
 * truncated blocks), TRANSACTION / READ_ANDX / NEGOTIATE response parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "smb1/smb1_int.h"
#include "test_hex.h"

static const char *SIGN_MSG = "ff534d422e000000009807c80000000000000000000000000108341264000700000000";
static const char *SIGN_SEQ5 = "3f1f56ea48077064";

static void test_sign_vector(void **state)
{
    (void)state;
    uint8_t key[16], m[64], want[8];
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)(i + 1);
    size_t n = test_unhex(SIGN_MSG, m, sizeof(m));
    test_unhex(SIGN_SEQ5, want, sizeof(want));
    assert_true(smb1_sign(key, 16, 5, m, n));
    assert_memory_equal(m + 14, want, 8);
    assert_true(m[10] & SMB1_FLAGS2_SIGNATURE); /* already set in the vector */
    assert_true(smb1_verify(key, 16, 5, m, n));
    assert_false(smb1_verify(key, 16, 6, m, n)); /* wrong sequence number */
    m[n - 1] ^= 1;
    assert_false(smb1_verify(key, 16, 5, m, n)); /* tampered */
    m[n - 1] ^= 1;
    m[14] ^= 0x80;
    assert_false(smb1_verify(key, 16, 5, m, n)); /* tampered signature */
    assert_false(smb1_verify(key, 16, 5, m, 20)); /* shorter than a header */
}

/* A response header for command cmd, then the blocks appended by the test. */
static size_t hdr(uint8_t *m, uint8_t cmd)
{
    smb1_hdr h = {0};
    h.command = cmd;
    h.flags = SMB1_FLAGS_REPLY;
    h.flags2 = SMB1_FLAGS2_NT_STATUS | SMB1_FLAGS2_UNICODE;
    smb1_hdr_encode(&h, m);
    return SMB1_HDR_LEN;
}

/* An AndX block at m+off: wc words (first 4 bytes AndX), bc bytes; returns the end. */
static size_t andx_block(uint8_t *m, size_t off, uint8_t wc, uint8_t next_cmd, uint16_t next_off, uint16_t bc)
{
    m[off] = wc;
    memset(m + off + 1, 0, wc * 2u);
    m[off + 1] = next_cmd;
    nt_put_le16(m + off + 3, next_off);
    nt_put_le16(m + off + 1 + wc * 2u, bc);
    memset(m + off + 3 + wc * 2u, 0xAB, bc);
    return off + 3 + wc * 2u + bc;
}

static void test_walk(void **state)
{
    (void)state;
    uint8_t m[512];
    smb1_block b[8];
    size_t n = 0;
    /* one block, no AndX */
    size_t e = hdr(m, SMB1_COM_TREE_CONNECT);
    e = andx_block(m, e, 3, SMB1_NO_ANDX, 0, 4);
    assert_int_equal(smb1_walk(m, e, b, 8, &n), NT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b[0].wordcount, 3);
    assert_int_equal(b[0].bytecount, 4);
    /* two blocks, advancing */
    size_t first = SMB1_HDR_LEN;
    size_t second = first + 3 + 2 * 3 + 4 + 2;
    e = andx_block(m, first, 3, SMB1_COM_TREE_CONNECT, (uint16_t)second, 4);
    e = andx_block(m, second, 3, SMB1_NO_ANDX, 0, 2);
    assert_int_equal(smb1_walk(m, e, b, 8, &n), NT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(b[1].offset, second);
    /* a loop: the second block points back at the first */
    andx_block(m, second, 3, SMB1_COM_TREE_CONNECT, (uint16_t)first, 2);
    assert_int_equal(smb1_walk(m, e, b, 8, &n), NT_ERROR_UNEXP_NET_ERR);
    /* pointing at itself */
    andx_block(m, second, 3, SMB1_COM_TREE_CONNECT, (uint16_t)second, 2);
    assert_int_equal(smb1_walk(m, e, b, 8, &n), NT_ERROR_UNEXP_NET_ERR);
    /* pointing inside the current block's bytes */
    andx_block(m, first, 3, SMB1_COM_TREE_CONNECT, (uint16_t)(second - 2), 4);
    assert_int_equal(smb1_walk(m, e, b, 8, &n), NT_ERROR_UNEXP_NET_ERR);
    /* beyond the message */
    andx_block(m, first, 3, SMB1_COM_TREE_CONNECT, (uint16_t)(e + 10), 4);
    assert_int_equal(smb1_walk(m, e, b, 8, &n), NT_ERROR_UNEXP_NET_ERR);
    /* a chain longer than SMB1_MAX_ANDX (each block advancing) */
    size_t off = SMB1_HDR_LEN;
    for (int i = 0; i < 10; i++) {
        size_t next = off + 3 + 4 + 0;
        off = andx_block(m, off, 2, SMB1_COM_TREE_CONNECT, (uint16_t)next, 0);
    }
    m[off] = 0;
    m[off + 1] = m[off + 2] = 0;
    assert_int_equal(smb1_walk(m, off + 3, b, 8, &n), NT_ERROR_UNEXP_NET_ERR);
}

static void test_walk_truncated(void **state)
{
    (void)state;
    uint8_t m[128];
    smb1_block b;
    size_t n;
    size_t e = hdr(m, SMB1_COM_TREE_CONNECT);
    e = andx_block(m, e, 3, SMB1_NO_ANDX, 0, 6);
    for (size_t len = 0; len < e; len++)
        assert_int_equal(smb1_walk(m, len, &b, 1, &n), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(smb1_walk(m, e, &b, 1, &n), NT_OK);
    m[SMB1_HDR_LEN] = 200; /* WordCount beyond the message */
    assert_int_equal(smb1_walk(m, e, &b, 1, &n), NT_ERROR_UNEXP_NET_ERR);
    /* an error answer: no words, no bytes, AndX command or not */
    e = hdr(m, SMB1_COM_NT_CREATE_ANDX);
    m[e] = 0;
    m[e + 1] = m[e + 2] = 0;
    assert_int_equal(smb1_walk(m, e + 3, &b, 1, &n), NT_OK);
    assert_int_equal(b.wordcount, 0);
}

/* A TRANSACTION response part: pc parameter bytes (value 0x11 + pd + i) at
 * displacement pd of tpc, dc data bytes (0x22 + dd + i) at dd of tdc. */
static size_t trans_part(uint8_t *m, uint16_t tpc, uint16_t tdc, uint16_t pc, uint16_t pd, uint16_t dc, uint16_t dd,
                         smb1_block *b)
{
    size_t e = hdr(m, SMB1_COM_TRANSACTION);
    uint8_t *w = m + e + 1;
    m[e] = 10;
    memset(w, 0, 20);
    size_t bytes = e + 1 + 20 + 2;
    size_t po = bytes + 1, dof = po + pc;
    nt_put_le16(w, tpc);
    nt_put_le16(w + 2, tdc);
    nt_put_le16(w + 6, pc);
    nt_put_le16(w + 8, (uint16_t)po);
    nt_put_le16(w + 10, pd);
    nt_put_le16(w + 12, dc);
    nt_put_le16(w + 14, (uint16_t)dof);
    nt_put_le16(w + 16, dd);
    nt_put_le16(m + e + 21, (uint16_t)(1 + pc + dc));
    m[bytes] = 0;
    for (uint16_t i = 0; i < pc; i++)
        m[po + i] = (uint8_t)(0x11 + pd + i);
    for (uint16_t i = 0; i < dc; i++)
        m[dof + i] = (uint8_t)(0x22 + dd + i);
    size_t len = dof + dc;
    size_t n;
    assert_int_equal(smb1_walk(m, len, b, 1, &n), NT_OK);
    return len;
}

static size_t trans_resp(uint8_t *m, uint16_t pc, uint16_t dc, smb1_block *b)
{
    return trans_part(m, pc, dc, pc, 0, dc, 0, b);
}

static void test_trans_parse(void **state)
{
    (void)state;
    uint8_t m[256];
    smb1_block b;
    smb1_trans_resp r;
    size_t len = trans_resp(m, 8, 40, &b);
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_OK);
    assert_int_equal(r.paramlen, 8);
    assert_int_equal(r.datalen, 40);
    assert_int_equal(r.total_data, 40);
    assert_ptr_equal(r.param + 8, r.data);
    uint8_t *w = (uint8_t *)b.words;
    /* a part of a longer answer is fine; beyond its total is not */
    nt_put_le16(w + 2, 80);
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_OK);
    nt_put_le16(w + 16, 40);
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_OK);
    assert_int_equal(r.data_disp, 40);
    nt_put_le16(w + 16, 41);
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 16, 0xFFFF);
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 16, 0);
    nt_put_le16(w + 2, 40);
    nt_put_le16(w + 10, 1); /* parameter displacement 1 + 8 > total 8 */
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 10, 0);
    /* data past the end, offset into the header or the words */
    uint16_t dof = nt_le16(w + 14);
    nt_put_le16(w + 14, (uint16_t)(dof + 1));
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 14, 4);
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 14, dof);
    nt_put_le16(w + 8, 0xFFFF);
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 8, (uint16_t)(dof - 8));
    /* SetupCount disagreeing with WordCount */
    w[18] = 2;
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
    w[18] = 0;
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_OK);
    b.wordcount = 9;
    assert_int_equal(smb1_trans_parse(m, len, &b, &r), NT_ERROR_UNEXP_NET_ERR);
}

/* Feeds one part; returns the status, *done as the accumulator says. */
static uint32_t feed(smb1_trans_acc *a, uint16_t tpc, uint16_t tdc, uint16_t pc, uint16_t pd, uint16_t dc,
                     uint16_t dd, bool *done)
{
    uint8_t m[512];
    smb1_block b;
    size_t len = trans_part(m, tpc, tdc, pc, pd, dc, dd, &b);
    return smb1_trans_acc_add(a, m, len, &b, done);
}

static void test_trans_acc(void **state)
{
    (void)state;
    smb1_trans_acc a;
    bool done;
    /* a RAP-like answer in three parts: parameters first, data in two */
    smb1_trans_acc_init(&a, 8, 300);
    assert_int_equal(feed(&a, 8, 300, 8, 0, 100, 0, &done), NT_OK);
    assert_false(done);
    assert_int_equal(feed(&a, 8, 300, 0, 8, 150, 100, &done), NT_OK);
    assert_false(done);
    assert_int_equal(feed(&a, 8, 300, 0, 8, 50, 250, &done), NT_OK);
    assert_true(done);
    assert_int_equal(a.got_data, 300);
    assert_int_equal(a.parts, 3);
    for (unsigned i = 0; i < 300; i++)
        assert_int_equal(a.data[i], (uint8_t)(0x22 + i));
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(a.param[i], (uint8_t)(0x11 + i));
    smb1_trans_acc_free(&a);

    /* more than asked for */
    smb1_trans_acc_init(&a, 8, 299);
    assert_int_equal(feed(&a, 8, 300, 8, 0, 100, 0, &done), NT_ERROR_UNEXP_NET_ERR);
    smb1_trans_acc_free(&a);
    /* out of order (a hole), an overlap, a repeated part */
    smb1_trans_acc_init(&a, 8, 300);
    assert_int_equal(feed(&a, 8, 300, 8, 0, 100, 0, &done), NT_OK);
    assert_int_equal(feed(&a, 8, 300, 0, 8, 50, 150, &done), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(feed(&a, 8, 300, 0, 8, 50, 99, &done), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(feed(&a, 8, 300, 8, 0, 100, 0, &done), NT_ERROR_UNEXP_NET_ERR);
    /* no progress, totals raised, totals lowered below what arrived */
    assert_int_equal(feed(&a, 8, 300, 0, 8, 0, 100, &done), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(feed(&a, 8, 301, 0, 8, 50, 100, &done), NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(feed(&a, 8, 99, 0, 8, 0, 100, &done), NT_ERROR_UNEXP_NET_ERR);
    /* totals lowered to what has arrived (MS-CIFS allows it): done */
    assert_int_equal(feed(&a, 8, 150, 0, 8, 50, 100, &done), NT_OK);
    assert_true(done);
    assert_int_equal(a.got_data, 150);
    smb1_trans_acc_free(&a);
    /* an empty answer is whole at once */
    smb1_trans_acc_init(&a, 8, 300);
    assert_int_equal(feed(&a, 0, 0, 0, 0, 0, 0, &done), NT_OK);
    assert_true(done);
    smb1_trans_acc_free(&a);
    /* at most SMB1_MAX_TRANS_PARTS parts */
    smb1_trans_acc_init(&a, 0, 0xFFFF);
    uint32_t st = NT_OK;
    unsigned k;
    for (k = 0; k < SMB1_MAX_TRANS_PARTS + 1 && st == NT_OK; k++)
        st = feed(&a, 0, 0xFFFF, 0, 0, 1, (uint16_t)k, &done);
    assert_int_equal(st, NT_ERROR_UNEXP_NET_ERR);
    assert_int_equal(k, SMB1_MAX_TRANS_PARTS + 1);
    smb1_trans_acc_free(&a);
}

static void test_read_parse(void **state)
{
    (void)state;
    uint8_t m[256];
    size_t e = hdr(m, SMB1_COM_READ_ANDX);
    m[e] = 12;
    uint8_t *w = m + e + 1;
    memset(w, 0, 24);
    w[0] = SMB1_NO_ANDX;
    size_t dof = e + 1 + 24 + 2 + 1;
    nt_put_le16(w + 10, 20);
    nt_put_le16(w + 12, (uint16_t)dof);
    nt_put_le16(m + e + 25, 21);
    memset(m + e + 27, 0x5A, 21);
    size_t len = dof + 20, n;
    smb1_block b;
    const uint8_t *d;
    size_t dl;
    assert_int_equal(smb1_walk(m, len, &b, 1, &n), NT_OK);
    assert_int_equal(smb1_read_parse(m, len, &b, 64, &d, &dl), NT_OK);
    assert_int_equal(dl, 20);
    assert_ptr_equal(d, m + dof);
    assert_int_equal(smb1_read_parse(m, len, &b, 19, &d, &dl), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 14, 1); /* DataLengthHigh: 64 KiB more than there is */
    assert_int_equal(smb1_read_parse(m, len, &b, 1u << 20, &d, &dl), NT_ERROR_UNEXP_NET_ERR);
    nt_put_le16(w + 14, 0);
    nt_put_le16(w + 12, 8); /* into the header */
    assert_int_equal(smb1_read_parse(m, len, &b, 64, &d, &dl), NT_ERROR_UNEXP_NET_ERR);
}

static void test_neg_parse(void **state)
{
    (void)state;
    uint8_t m[256];
    size_t e = hdr(m, SMB1_COM_NEGOTIATE);
    m[e] = 17;
    uint8_t *w = m + e + 1;
    memset(w, 0, 34);
    w[2] = SMB1_SECMODE_USER | SMB1_SECMODE_SIGN_ENABLED;
    nt_put_le32(w + 7, 16644);
    nt_put_le32(w + 19, SMB1_CAP_EXTENDED_SECURITY | SMB1_CAP_UNICODE | SMB1_CAP_STATUS32 | SMB1_CAP_NT_SMBS);
    nt_put_le16(m + e + 35, 20);
    memset(m + e + 37, 0x22, 20);
    size_t len = e + 37 + 20;
    smb1_neg_resp nr;
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_OK);
    assert_int_equal(nr.max_buffer, 16644);
    assert_int_equal(nr.secbloblen, 4);
    nt_put_le32(w + 19, SMB1_CAP_UNICODE); /* no extended security: ChallengeLength 0 */
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_OK);
    assert_false(nr.extsec);
    assert_int_equal(nr.challenge_len, 0);
    w[33] = 20; /* ChallengeLength neither 0 nor 8 (tests/test_smb1_raw.c has the rest) */
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_ERROR_UNEXP_NET_ERR);
    m[e] = 13; /* LM-style answer */
    assert_int_equal(smb1_neg_parse(m, len, &nr), NT_ERROR_UNEXP_NET_ERR);
}

static void test_hdr(void **state)
{
    (void)state;
    uint8_t m[40] = {0};
    smb1_hdr h;
    hdr(m, SMB1_COM_CLOSE);
    assert_int_equal(smb1_hdr_parse(m, 35, &h), NT_OK);
    assert_int_equal(h.command, SMB1_COM_CLOSE);
    m[9] = 0; /* a request, not a reply */
    assert_int_equal(smb1_hdr_parse(m, 35, &h), NT_ERROR_UNEXP_NET_ERR);
    m[9] = SMB1_FLAGS_REPLY;
    m[0] = 0xFE; /* SMB2 */
    assert_int_equal(smb1_hdr_parse(m, 35, &h), NT_ERROR_UNEXP_NET_ERR);
    m[0] = 0xFF;
    assert_int_equal(smb1_hdr_parse(m, 34, &h), NT_ERROR_UNEXP_NET_ERR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_vector), cmocka_unit_test(test_walk),       cmocka_unit_test(test_walk_truncated),
        cmocka_unit_test(test_trans_parse), cmocka_unit_test(test_trans_acc), cmocka_unit_test(test_read_parse), cmocka_unit_test(test_neg_parse),
        cmocka_unit_test(test_hdr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
