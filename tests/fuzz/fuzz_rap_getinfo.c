/* rap_decode_session_getinfo and rap_decode_session_del: the answers to RAP
 * NetSessionGetInfo / NetSessionDel.  data[0] picks the (RAP level, our
 * level) pair, data[1] the parameter block length; then the parameter
 * block, then the data block (GetInfo); Del reads the same parameters. */
#include "fuzz_common.h"
#include "rap/rap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t raps[] = {0, 1, 2, 10, 3};
    if (size < 2)
        return 0;
    uint16_t rap_level = raps[data[0] % 5];
    uint32_t level = fuzz_level((uint8_t)(data[0] / 5));
    size_t plen = data[1] % 16;
    if (plen > size - 2)
        plen = size - 2;
    const uint8_t *par = data + 2, *d = data + 2 + plen;
    size_t dlen = size - 2 - plen;
    sess_info si;
    uint32_t status = 0xDEADBEEFu;
    uint16_t need = 0xBEEF;
    uint32_t st = rap_decode_session_getinfo(plen ? par : NULL, plen, dlen ? d : NULL, dlen, rap_level, level, &si,
                                             &status, &need);
    if (st == NT_OK && status == NT_OK) {
        const sess_level *lv = sess_level_find(level);
        FUZZ_CHECK(lv != NULL && dlen >= rap_session_record_size(rap_level));
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
    st = rap_decode_session_del(plen ? par : NULL, plen, &dst);
    FUZZ_CHECK(st == (plen >= 4 ? NT_OK : NT_ERROR_UNEXP_NET_ERR));
    if (st == NT_OK)
        FUZZ_CHECK(dst == rap_map_status(nt_le16(par)));
    return 0;
}
