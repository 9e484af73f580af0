/* nbns_parse_answer: one UDP datagram claiming to answer our NAME QUERY.
 * data[0] picks the queried name (three of them), data[1..2] the
 * transaction id (big-endian); the rest is the datagram. */
#include "fuzz_common.h"
#include "net/nbns.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *names[3] = {"NBONLYSRV", "SRV", "NOSUCHNAME"};
    if (size < 3)
        return 0;
    uint8_t name16[16];
    FUZZ_CHECK(nbns_make_name(names[data[0] % 3], 0x20, name16));
    uint16_t trn = (uint16_t)((data[1] << 8) | data[2]);
    nbns_answer a;
    memset(&a, 0xA5, sizeof(a));
    uint32_t st = nbns_parse_answer(size > 3 ? data + 3 : NULL, size - 3, trn, name16, &a);
    if (st == NT_OK) {
        FUZZ_CHECK(a.naddr >= 1 && a.naddr <= NBNS_MAX_ADDRS);
        FUZZ_CHECK(a.rcode == 0);
        for (size_t i = 0; i < a.naddr; i++)
            FUZZ_CHECK(a.addr[i] != 0 && a.addr[i] != 0xFFFFFFFFu);
        /* header + a 34-byte name or a pointer + RR header + one entry */
        FUZZ_CHECK(size - 3 >= 12 + 2 + 10 + 6);
    } else if (st == NT_ERROR_BAD_NETPATH) {
        FUZZ_CHECK(a.rcode != 0 && a.naddr == 0);
    } else {
        FUZZ_CHECK(st == NT_ERROR_INVALID_DATA);
        FUZZ_CHECK(a.naddr == 0);
    }
    return 0;
}
