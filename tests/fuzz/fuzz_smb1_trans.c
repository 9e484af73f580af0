/* The SMB1 response bodies: TRANSACTION (TransactNmPipe and RAP answers:
 * one part, and its reassembly), READ_ANDX and NEGOTIATE, each parsed from
 * the first block of the message;
 * whatever they accept lies inside the message and within the caps. */
#include <string.h>

#include "fuzz_common.h"
#include "smb1/smb1_int.h"

static void inside(const uint8_t *data, size_t size, const uint8_t *p, size_t n)
{
    if (n)
        FUZZ_CHECK(p >= data && (size_t)(p - data) <= size && n <= size - (size_t)(p - data));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    smb1_block b;
    size_t n = 0;
    if (smb1_walk(data, size, &b, 1, &n) != NT_OK)
        return 0;
    smb1_trans_resp tr;
    if (smb1_trans_parse(data, size, &b, &tr) == NT_OK) {
        FUZZ_CHECK(tr.param_disp + tr.paramlen <= tr.total_param && tr.data_disp + tr.datalen <= tr.total_data);
        inside(data, size, tr.param, tr.paramlen);
        inside(data, size, tr.data, tr.datalen);
    }
    /* the same message fed twice to one reassembly (a first part, then a
     * "next part" that must continue where the first ended) */
    smb1_trans_acc a;
    smb1_trans_acc_init(&a, 8, 4280);
    bool done = false;
    for (int k = 0; k < 2 && !done && smb1_trans_acc_add(&a, data, size, &b, &done) == NT_OK; k++)
        FUZZ_CHECK(a.got_param <= a.total_param && a.total_param <= 8 && a.got_data <= a.total_data &&
                   a.total_data <= 4280 && a.parts <= SMB1_MAX_TRANS_PARTS);
    smb1_trans_acc_free(&a);
    const uint8_t *d;
    size_t dl;
    if (smb1_read_parse(data, size, &b, 4096, &d, &dl) == NT_OK) {
        FUZZ_CHECK(dl <= 4096);
        inside(data, size, d, dl);
    }
    smb1_neg_resp nr;
    if (smb1_neg_parse(data, size, &nr) == NT_OK) {
        FUZZ_CHECK(nr.extsec == ((nr.capabilities & SMB1_CAP_EXTENDED_SECURITY) != 0));
        if (nr.extsec)
            inside(data, size, nr.secblob, nr.secbloblen);
        else
            FUZZ_CHECK(nr.challenge_len == 0 || nr.challenge_len == 8);
    }
    return 0;
}
