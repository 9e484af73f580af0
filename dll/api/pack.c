/* Packing of session entries into ONE NetApiBuffer block: the structure
 * array first, then every UTF-16 string, all inside the block that
 * NetApiBufferSize reports, so one NetApiBufferFree frees everything.
 * Member offsets come from the level table (levels.h) for this process's
 * pointer size; tests/static proves they match lmshare.h for x86 and x64. */
#include "api.h"

#include <string.h>

static size_t str_bytes(const nt_wchar *s)
{
    return s ? (nt_wcslen(s) + 1) * sizeof(nt_wchar) : 0;
}

size_t api_entry_size(const sess_level *l, const sess_info *s)
{
    size_t n = sess_level_struct_size(l, sizeof(void *));
    for (unsigned i = 0; i < l->nfields; i++) {
        sess_field f = (sess_field)l->fields[i];
        if (sess_field_is_string(f))
            n += str_bytes(s->str[f]);
    }
    return n;
}

uint32_t api_pack(const sess_level *l, sess_info *const *v, uint32_t n, uint8_t **block)
{
    *block = NULL;
    const size_t ssize = sess_level_struct_size(l, sizeof(void *));
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t e = api_entry_size(l, v[i]);
        if (e > (size_t)NT_MAX_ALLOC || total > (size_t)NT_MAX_ALLOC * 4u - e)
            return NT_ERROR_NOT_ENOUGH_MEMORY;
        total += e;
    }
    uint8_t *b = nt_block_alloc(total ? total : 1);
    if (!b)
        return NT_ERROR_NOT_ENOUGH_MEMORY;
    memset(b, 0, total ? total : 1);
    /* Strings follow the array; 2-byte alignment holds since struct sizes
     * are multiples of 4. */
    uint8_t *strings = b + (size_t)n * ssize;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *rec = b + (size_t)i * ssize;
        for (unsigned k = 0; k < l->nfields; k++) {
            sess_field f = (sess_field)l->fields[k];
            size_t off = sess_level_field_offset(l, k, sizeof(void *));
            if (sess_field_is_string(f)) {
                void *ptr = NULL;
                const nt_wchar *s = v[i]->str[f];
                if (s) {
                    size_t sb = str_bytes(s);
                    memcpy(strings, s, sb);
                    ptr = strings;
                    strings += sb;
                }
                memcpy(rec + off, &ptr, sizeof(ptr));
            } else {
                uint32_t val = v[i]->num[f];
                memcpy(rec + off, &val, sizeof(val));
            }
        }
    }
    *block = b;
    return NT_OK;
}
