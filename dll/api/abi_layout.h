/* The SESSION_INFO_x layouts every export layer must hand out, checked at
 * compile time against the structures that layer declares (lmshare.h for the
 * DLL, include/netapi32_native.h for libnetapi32.so): members in the level
 * table's order, pointers and DWORDs naturally aligned (levels.c). */
#ifndef NT_API_ABI_LAYOUT_H
#define NT_API_ABI_LAYOUT_H

#include <stddef.h>

#define API_PTR sizeof(void *)
#define API_ASSERT_SESSION_LAYOUTS()                                                                      \
    _Static_assert(sizeof(SESSION_INFO_0) == API_PTR, "SESSION_INFO_0");                                  \
    _Static_assert(sizeof(SESSION_INFO_1) == 2 * API_PTR + 16, "SESSION_INFO_1");                         \
    _Static_assert(sizeof(SESSION_INFO_2) == (API_PTR == 8 ? 40 : 28), "SESSION_INFO_2");                 \
    _Static_assert(sizeof(SESSION_INFO_10) == 2 * API_PTR + 8, "SESSION_INFO_10");                        \
    _Static_assert(sizeof(SESSION_INFO_502) == (API_PTR == 8 ? 48 : 32), "SESSION_INFO_502");             \
    _Static_assert(offsetof(SESSION_INFO_502, sesi502_cltype_name) == 2 * API_PTR + 16, "sesi502_cltype"); \
    _Static_assert(offsetof(SESSION_INFO_502, sesi502_transport) == 3 * API_PTR + 16, "sesi502_transport"); \
    _Static_assert(offsetof(SESSION_INFO_10, sesi10_idle_time) == 2 * API_PTR + 4, "sesi10_idle_time")

#endif
