/* The NDR -> levels derive -> pack path of NetSessionEnum against a server
 * that lacks the requested level: a NetrSessionEnum stub decoded at the level
 * the server offered (`from`), every entry derived to the level the program
 * asked for (`to`) through the level table, then packed into one NetApiBuffer
 * block whose pointers and strings are walked.
 * data[0]: from = level[data[0] % 5], to = level[(data[0] / 5) % 5]; the
 * rest is the stub. */
#include <string.h>

#include "fuzz_common.h"
#include "api/api.h"
#include "srvs/levels.h"
#include "srvs/srvs.h"

static const uint32_t LEVELS[5] = {0, 1, 2, 10, 502};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint32_t from = LEVELS[data[0] % 5], to = LEVELS[(data[0] / 5) % 5];
    const sess_level *lf = sess_level_find(from), *lt = sess_level_find(to);
    FUZZ_CHECK(lf && lt);
    sess_list l;
    uint32_t werr = 0;
    if (srvs_decode_session_enum(data + 1, size - 1, from, &l, &werr) != NT_OK)
        return 0;
    bool derivable = from == to || lt->derive_from == from;
    sess_info **v = calloc(l.count ? l.count : 1, sizeof(*v));
    FUZZ_CHECK(v);
    uint32_t n = 0;
    for (uint32_t i = 0; i < l.count; i++) {
        bool ok = sess_info_derive(&l.v[i], from, to);
        FUZZ_CHECK(ok == derivable);
        if (!ok)
            continue;
        for (unsigned k = 0; k < lt->nfields; k++)
            FUZZ_CHECK(l.v[i].present & (1u << lt->fields[k]));
        v[n++] = &l.v[i];
    }
    if (n > 0) {
        uint8_t *block = NULL;
        uint32_t st = api_pack(lt, v, n, &block);
        if (st == NT_OK) {
            FUZZ_CHECK(block != NULL);
            size_t bsize = nt_block_size(block);
            size_t ssize = sess_level_struct_size(lt, sizeof(void *));
            FUZZ_CHECK(ssize > 0 && (size_t)n * ssize <= bsize);
            for (uint32_t i = 0; i < n; i++) {
                const uint8_t *rec = block + (size_t)i * ssize;
                for (unsigned k = 0; k < lt->nfields; k++) {
                    sess_field f = (sess_field)lt->fields[k];
                    size_t off = sess_level_field_offset(lt, k, sizeof(void *));
                    FUZZ_CHECK(off + (sess_field_is_string(f) ? sizeof(void *) : 4) <= ssize);
                    if (sess_field_is_string(f)) {
                        const nt_wchar *p;
                        memcpy(&p, rec + off, sizeof(p));
                        FUZZ_CHECK((p == NULL) == (v[i]->str[f] == NULL));
                        if (!p)
                            continue;
                        /* inside the block, after the structure array */
                        FUZZ_CHECK((const uint8_t *)p >= block + (size_t)n * ssize &&
                                   (const uint8_t *)p < block + bsize);
                        size_t len = fuzz_wcslen_checked(p);
                        FUZZ_CHECK((const uint8_t *)(p + len + 1) <= block + bsize);
                        FUZZ_CHECK(len == nt_wcslen(v[i]->str[f]) &&
                                   memcmp(p, v[i]->str[f], len * sizeof(nt_wchar)) == 0);
                    } else {
                        uint32_t val;
                        memcpy(&val, rec + off, 4);
                        FUZZ_CHECK(val == v[i]->num[f]);
                    }
                }
            }
            nt_block_free(block);
        } else {
            FUZZ_CHECK(st == NT_ERROR_NOT_ENOUGH_MEMORY && block == NULL);
        }
    }
    free(v);
    sess_list_free(&l);
    return 0;
}
