/* The exported entry points of svrapi.dll (i686 only: the Windows 95/98
 * API never existed for x64): the signatures of MinGW-w64's <svrapi.h>,
 * stdcall, undecorated names bound by build/i686/svrapi.def (generated from
 * spec/svrapi.exports).  Every other export forwards to Wine's builtin. */
#define _SVRAPI_   /* svrapi.h: declare, not import */
#include "sv9x.h"
#include "abi9x.h"

#include <stddef.h>
#include <windows.h>
#include <svrapi.h>

#ifdef _WIN64
#error "svrapi.dll is 32-bit only"
#endif

/* The 9x structures as <svrapi.h> defines them (pack(1)), against the
 * literal numbers the layout table of pack9x.c is tested with. */
#define CHECK_SIZE(level, size) \
    _Static_assert(sizeof(struct session_info_##level) == (size), "sizeof session_info_" #level);
#define CHECK_FIELD(level, member, idx, kind, off)                                                    \
    _Static_assert(offsetof(struct session_info_##level, member) == (off), #member " offset");       \
    _Static_assert(sizeof(((struct session_info_##level *)0)->member) == sv9x_kind_size_c(kind), #member " size");
#define sv9x_kind_size_c(k) \
    ((k) == K_NUM_CONNS || (k) == K_NUM_OPENS || (k) == K_NUM_USERS ? 2u : (k) == K_PROTOCOL || (k) == K_PAD ? 1u : 4u)
SV9X_ABI_SIZES(CHECK_SIZE)
SV9X_ABI_FIELDS(CHECK_FIELD)

API_RET_TYPE WINAPI NetSessionEnum(const char *pszServer, short sLevel, char *pbBuffer, unsigned short cbBuffer,
                                   unsigned short *pcEntriesRead, unsigned short *pcTotalAvail)
{
    return sv9x_session_enum(pszServer, sLevel, (uint8_t *)pbBuffer, cbBuffer, (uint32_t)(uintptr_t)pbBuffer,
                             pcEntriesRead, pcTotalAvail);
}

API_RET_TYPE WINAPI NetSessionGetInfo(const char *pszServer, const char *pszClientName, short sLevel,
                                      char *pbBuffer, unsigned short cbBuffer, unsigned short *pcbTotalAvail)
{
    return sv9x_session_getinfo(pszServer, pszClientName, sLevel, (uint8_t *)pbBuffer, cbBuffer,
                                (uint32_t)(uintptr_t)pbBuffer, pcbTotalAvail);
}

API_RET_TYPE WINAPI NetSessionDel(const char *pszServer, const char *pszClientName, short sReserved)
{
    return sv9x_session_del(pszServer, pszClientName, sReserved);
}
