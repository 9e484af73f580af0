/* srvs_decode_session_enum: a NetrSessionEnum response stub from the server.
 * data[0] picks the level (0, 1, 2, 10, 502 or an invalid one); the rest is
 * the stub. */
#include "fuzz_common.h"
#include "srvs/srvs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t level = fuzz_level(data[0]);
    sess_list l;
    uint32_t werr = 0xDEADBEEFu;
    uint32_t st = srvs_decode_session_enum(data + 1, size - 1, level, &l, &werr);
    FUZZ_CHECK(l.level == level);
    if (st == NT_OK) {
        FUZZ_CHECK(sess_level_find(level) != NULL);
        FUZZ_CHECK(l.count <= SRVS_MAX_ENTRIES);
        FUZZ_CHECK((l.count == 0) == (l.v == NULL));
        if (werr != NT_OK && werr != NT_ERROR_MORE_DATA)
            FUZZ_CHECK(l.count == 0); /* an error status carries no entries */
        /* Each entry takes at least one DWORD per field on the wire. */
        FUZZ_CHECK((size_t)l.count * 4 <= size);
        const sess_level *lv = sess_level_find(level);
        for (uint32_t i = 0; i < l.count; i++) {
            for (unsigned k = 0; k < lv->nfields; k++) {
                sess_field f = (sess_field)lv->fields[k];
                FUZZ_CHECK(l.v[i].present & (1u << f));
                if (sess_field_is_string(f) && l.v[i].str[f])
                    FUZZ_CHECK(fuzz_wcslen_checked(l.v[i].str[f]) * 2 < size);
            }
        }
    } else {
        FUZZ_CHECK(st == NT_ERROR_UNEXP_NET_ERR || st == NT_ERROR_NOT_ENOUGH_MEMORY);
        FUZZ_CHECK(l.count == 0 && l.v == NULL);
    }
    sess_list_free(&l);
    return 0;
}
