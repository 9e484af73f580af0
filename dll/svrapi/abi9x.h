/* The 9x session structures of svrapi.h (#pragma pack(1), 32-bit pointers)
 * as literal numbers, used twice: exports_win.c asserts them at compile time
 * against MinGW-w64's <svrapi.h> (i686), and tests/test_svrapi.c checks the
 * layout table of pack9x.c against them (native). */
#ifndef NT_ABI9X_H
#define NT_ABI9X_H

/* S(level, size) */
#define SV9X_ABI_SIZES(S) S(0, 4) S(1, 26) S(2, 30) S(10, 16) S(50, 26)

/* F(level, member, index in the layout, kind, offset) */
#define SV9X_ABI_FIELDS(F)                          \
    F(0, sesi0_cname, 0, K_CNAME, 0)                \
    F(1, sesi1_cname, 0, K_CNAME, 0)                \
    F(1, sesi1_username, 1, K_USERNAME, 4)          \
    F(1, sesi1_num_conns, 2, K_NUM_CONNS, 8)        \
    F(1, sesi1_num_opens, 3, K_NUM_OPENS, 10)       \
    F(1, sesi1_num_users, 4, K_NUM_USERS, 12)       \
    F(1, sesi1_time, 5, K_TIME, 14)                 \
    F(1, sesi1_idle_time, 6, K_IDLE, 18)            \
    F(1, sesi1_user_flags, 7, K_FLAGS, 22)          \
    F(2, sesi2_cname, 0, K_CNAME, 0)                \
    F(2, sesi2_username, 1, K_USERNAME, 4)          \
    F(2, sesi2_num_conns, 2, K_NUM_CONNS, 8)        \
    F(2, sesi2_num_opens, 3, K_NUM_OPENS, 10)       \
    F(2, sesi2_num_users, 4, K_NUM_USERS, 12)       \
    F(2, sesi2_time, 5, K_TIME, 14)                 \
    F(2, sesi2_idle_time, 6, K_IDLE, 18)            \
    F(2, sesi2_user_flags, 7, K_FLAGS, 22)          \
    F(2, sesi2_cltype_name, 8, K_CLTYPE, 26)        \
    F(10, sesi10_cname, 0, K_CNAME, 0)              \
    F(10, sesi10_username, 1, K_USERNAME, 4)        \
    F(10, sesi10_time, 2, K_TIME, 8)                \
    F(10, sesi10_idle_time, 3, K_IDLE, 12)          \
    F(50, sesi50_cname, 0, K_CNAME, 0)              \
    F(50, sesi50_username, 1, K_USERNAME, 4)        \
    F(50, sesi50_key, 2, K_KEY, 8)                  \
    F(50, sesi50_num_conns, 3, K_NUM_CONNS, 12)     \
    F(50, sesi50_num_opens, 4, K_NUM_OPENS, 14)     \
    F(50, sesi50_time, 5, K_TIME, 16)               \
    F(50, sesi50_idle_time, 6, K_IDLE, 20)          \
    F(50, sesi50_protocol, 7, K_PROTOCOL, 24)       \
    F(50, pad1, 8, K_PAD, 25)

#endif
