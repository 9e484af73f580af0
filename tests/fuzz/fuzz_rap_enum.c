/* rap_decode_session_enum_buf: the TRANSACTION parameter and data blocks of a
 * RAP NetSessionEnum answer.  data[0] picks the (RAP level, our level) pair
 * (including pairs that must be refused), data[1] the parameter block
 * length; then the parameter block, then the data block. */
#include "fuzz_common.h"
#include "rap/rap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rap_input in;
    if (!fuzz_rap_split(data, size, &in))
        return 0;
    sess_list l;
    uint32_t status = 0xDEADBEEFu;
    /* the buffer asked for: unknown, or exactly the data block (then a
     * string ending on its last byte may be a cut one) */
    size_t bufsize = (in.dlen & 1) ? in.dlen : 0;
    uint32_t st = rap_decode_session_enum_buf(in.par, in.plen, in.data, in.dlen, bufsize, in.rap_level, in.level,
                                              &l, &status);
    if (st == NT_OK) {
        const sess_level *lv = sess_level_find(in.level);
        FUZZ_CHECK(lv != NULL && l.level == in.level);
        FUZZ_CHECK((l.count == 0) == (l.v == NULL));
        FUZZ_CHECK(l.total_entries >= l.count);
        FUZZ_CHECK(l.missing == (status == NT_ERROR_MORE_DATA ? l.total_entries - l.count : 0));
        if (status != NT_OK && status != NT_ERROR_MORE_DATA)
            FUZZ_CHECK(l.count == 0);
        FUZZ_CHECK((size_t)l.count * rap_session_record_size(in.rap_level) <= in.dlen);
        for (uint32_t i = 0; i < l.count; i++) {
            for (unsigned f = 0; f < SF_COUNT; f++) {
                bool has = sess_level_has(lv, (sess_field)f);
                FUZZ_CHECK(((l.v[i].present >> f) & 1u) == (has ? 1u : 0u));
                if (l.v[i].str[f])
                    FUZZ_CHECK(has && fuzz_wcslen_checked(l.v[i].str[f]) <= RAP_MAX_STR);
            }
        }
    } else {
        FUZZ_CHECK(st == NT_ERROR_UNEXP_NET_ERR || st == NT_ERROR_NOT_ENOUGH_MEMORY ||
                   st == NT_ERROR_INVALID_LEVEL);
        FUZZ_CHECK(l.count == 0 && l.v == NULL);
    }
    sess_list_free(&l);
    return 0;
}
