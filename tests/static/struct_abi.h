/* Expected SESSION_INFO_* layouts as literal numbers, x86 (32) and x64 (64),
 * from the level table's layout rule: members in table order, pointers and
 * DWORDs naturally aligned, size padded to the largest member.
 * Used by struct_abi.c (compile-time asserts against MinGW-w64's <lm.h>, both
 * architectures) and struct_abi_native.c (the literals against
 * sess_level_struct_size/sess_level_field_offset of dll/srvs/levels.c). */
#ifndef STRUCT_ABI_H
#define STRUCT_ABI_H

/* S(level, struct, nfields, size32, size64) */
#define ABI_SIZES(S)                    \
    S(0, SESSION_INFO_0, 1, 4, 8)       \
    S(1, SESSION_INFO_1, 6, 24, 32)     \
    S(2, SESSION_INFO_2, 7, 28, 40)     \
    S(10, SESSION_INFO_10, 4, 16, 24)   \
    S(502, SESSION_INFO_502, 8, 32, 48)

/* F(level, struct, member, index, table field, off32, off64) */
#define ABI_FIELDS(F)                                                  \
    F(0, SESSION_INFO_0, sesi0_cname, 0, SF_CNAME, 0, 0)               \
    F(1, SESSION_INFO_1, sesi1_cname, 0, SF_CNAME, 0, 0)               \
    F(1, SESSION_INFO_1, sesi1_username, 1, SF_USERNAME, 4, 8)         \
    F(1, SESSION_INFO_1, sesi1_num_opens, 2, SF_NUM_OPENS, 8, 16)      \
    F(1, SESSION_INFO_1, sesi1_time, 3, SF_TIME, 12, 20)               \
    F(1, SESSION_INFO_1, sesi1_idle_time, 4, SF_IDLE_TIME, 16, 24)     \
    F(1, SESSION_INFO_1, sesi1_user_flags, 5, SF_USER_FLAGS, 20, 28)   \
    F(2, SESSION_INFO_2, sesi2_cname, 0, SF_CNAME, 0, 0)               \
    F(2, SESSION_INFO_2, sesi2_username, 1, SF_USERNAME, 4, 8)         \
    F(2, SESSION_INFO_2, sesi2_num_opens, 2, SF_NUM_OPENS, 8, 16)      \
    F(2, SESSION_INFO_2, sesi2_time, 3, SF_TIME, 12, 20)               \
    F(2, SESSION_INFO_2, sesi2_idle_time, 4, SF_IDLE_TIME, 16, 24)     \
    F(2, SESSION_INFO_2, sesi2_user_flags, 5, SF_USER_FLAGS, 20, 28)   \
    F(2, SESSION_INFO_2, sesi2_cltype_name, 6, SF_CLTYPE_NAME, 24, 32) \
    F(10, SESSION_INFO_10, sesi10_cname, 0, SF_CNAME, 0, 0)            \
    F(10, SESSION_INFO_10, sesi10_username, 1, SF_USERNAME, 4, 8)      \
    F(10, SESSION_INFO_10, sesi10_time, 2, SF_TIME, 8, 16)             \
    F(10, SESSION_INFO_10, sesi10_idle_time, 3, SF_IDLE_TIME, 12, 20)  \
    F(502, SESSION_INFO_502, sesi502_cname, 0, SF_CNAME, 0, 0)                 \
    F(502, SESSION_INFO_502, sesi502_username, 1, SF_USERNAME, 4, 8)           \
    F(502, SESSION_INFO_502, sesi502_num_opens, 2, SF_NUM_OPENS, 8, 16)        \
    F(502, SESSION_INFO_502, sesi502_time, 3, SF_TIME, 12, 20)                 \
    F(502, SESSION_INFO_502, sesi502_idle_time, 4, SF_IDLE_TIME, 16, 24)       \
    F(502, SESSION_INFO_502, sesi502_user_flags, 5, SF_USER_FLAGS, 20, 28)     \
    F(502, SESSION_INFO_502, sesi502_cltype_name, 6, SF_CLTYPE_NAME, 24, 32)   \
    F(502, SESSION_INFO_502, sesi502_transport, 7, SF_TRANSPORT, 28, 40)

#endif
