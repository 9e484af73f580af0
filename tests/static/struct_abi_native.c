/* The literal layouts of struct_abi.h (asserted against MinGW's <lm.h> by
 * struct_abi.c) against the level table's layout functions, for both pointer
 * sizes.  Plain PASS/FAIL lines; built natively by tests/static/struct_abi.sh. */
#include <stdio.h>
#include "srvs/levels.h"
#include "struct_abi.h"

static int fails;

static void result(int ok, const char *name, const char *fmt, size_t a, size_t b)
{
    if (ok) {
        printf("PASS: %s\n", name);
    } else {
        printf("FAIL: %s: ", name);
        printf(fmt, a, b);
        printf("\n");
        fails++;
    }
}

int main(void)
{
    char name[128];
#define SIZE(level, st, nf, s32, s64)                                                             \
    do {                                                                                          \
        const sess_level *l = sess_level_find(level);                                             \
        snprintf(name, sizeof name, "abi_table_" #st "_nfields");                                 \
        result(l && l->nfields == (nf), name, "table has %zu fields, want %zu",                   \
               l ? (size_t)l->nfields : 0, (size_t)(nf));                                         \
        snprintf(name, sizeof name, "abi_table_sizeof_" #st "_x86");                              \
        result(sess_level_struct_size(l, 4) == (s32), name, "table %zu, want %zu",                \
               sess_level_struct_size(l, 4), (size_t)(s32));                                      \
        snprintf(name, sizeof name, "abi_table_sizeof_" #st "_x64");                              \
        result(sess_level_struct_size(l, 8) == (s64), name, "table %zu, want %zu",                \
               sess_level_struct_size(l, 8), (size_t)(s64));                                      \
    } while (0);
#define FIELD(level, st, m, idx, sf, o32, o64)                                                    \
    do {                                                                                          \
        const sess_level *l = sess_level_find(level);                                             \
        snprintf(name, sizeof name, "abi_table_" #m "_field");                                    \
        result(l && (idx) < l->nfields && l->fields[idx] == (sf), name,                           \
               "table field %zu, want %zu", l && (idx) < l->nfields ? (size_t)l->fields[idx] : 99, \
               (size_t)(sf));                                                                     \
        snprintf(name, sizeof name, "abi_table_offsetof_" #m "_x86");                             \
        result(sess_level_field_offset(l, idx, 4) == (o32), name, "table %zu, want %zu",          \
               sess_level_field_offset(l, idx, 4), (size_t)(o32));                                \
        snprintf(name, sizeof name, "abi_table_offsetof_" #m "_x64");                             \
        result(sess_level_field_offset(l, idx, 8) == (o64), name, "table %zu, want %zu",          \
               sess_level_field_offset(l, idx, 8), (size_t)(o64));                                \
    } while (0);
    ABI_SIZES(SIZE)
    ABI_FIELDS(FIELD)
    return fails ? 1 : 0;
}
