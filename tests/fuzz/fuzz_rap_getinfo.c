/* rap_decode_session_getinfo and rap_decode_session_del: the answers to RAP
 * NetSessionGetInfo / NetSessionDel.  data[0] picks the (RAP level, our
 * level) pair, data[1] the parameter block length; then the parameter
 * block, then the data block (GetInfo); Del reads the same parameters. */
#include "fuzz_common.h"
#include "rap/rap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_rap_input in;
    if (!fuzz_rap_split(data, size, &in))
        return 0;
    sess_info si;
    uint32_t status = 0xDEADBEEFu;
    uint16_t need = 0xBEEF;
    uint32_t st = rap_decode_session_getinfo(in.par, in.plen, in.data, in.dlen, in.rap_level, in.level, &si,
                                             &status, &need);
    if (st == NT_OK && status == NT_OK) {
        const sess_level *lv = sess_level_find(in.level);
        FUZZ_CHECK(lv != NULL && in.dlen >= rap_session_record_size(in.rap_level));
        for (unsigned f = 0; f < SF_COUNT; f++) {
            bool has = sess_level_has(lv, (sess_field)f);
            FUZZ_CHECK(((si.present >> f) & 1u) == (has ? 1u : 0u));
            if (si.str[f])
                FUZZ_CHECK(has && fuzz_wcslen_checked(si.str[f]) <= RAP_MAX_STR);
        }
    } else if (st == NT_OK) {
        FUZZ_CHECK(si.present == 0);
    } else {
        FUZZ_CHECK(st == NT_ERROR_UNEXP_NET_ERR || st == NT_ERROR_NOT_ENOUGH_MEMORY || st == NT_ERROR_INVALID_LEVEL);
        FUZZ_CHECK(si.present == 0);
    }
    sess_info_clear(&si);
    uint32_t dst = 0xDEADBEEFu;
    st = rap_decode_session_del(in.par, in.plen, &dst);
    FUZZ_CHECK(st == (in.plen >= 4 ? NT_OK : NT_ERROR_UNEXP_NET_ERR));
    if (st == NT_OK)
        FUZZ_CHECK(dst == rap_map_status(nt_le16(in.par)));
    return 0;
}
