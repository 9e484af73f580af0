/*
 * libnetapi32.so: the Windows session functions of netapi32.dll for native
 * Linux programs and .NET (Mono) P/Invoke callers.
 *
 *   #include <netapi32_native.h>        cc prog.c $(pkg-config --cflags --libs netapi32)
 *
 * The ABI is the one a P/Invoke caller marshals to on 64-bit Windows, in the
 * platform's C calling convention: strings are NUL-terminated UTF-16
 * (char16_t), every DWORD is a uint32_t, and the SESSION_INFO_x structures
 * have the layouts of lmshare.h (pointers and DWORDs naturally aligned).
 * Results come back in ONE block per call (structures, then their strings),
 * freed with NetApiBufferFree.  Blocks lie below 2 GiB where the platform
 * allows it (see README, "Linux and .NET").
 *
 * Credentials: NETAPI32_USER/NETAPI32_PASSWORD, else NETAPI32_AUTH_FILE
 * (smbclient -A format), else anonymous.  NETAPI32_TRACE=1 traces to stderr.
 * NETAPI32_TIMEOUT_MS bounds every network wait.
 *
 * Do not include this header together with <windows.h>/<lm.h> (Wine's
 * headers): it declares the same names.  A Winelib program includes Wine's
 * <lm.h> instead and links -lnetapi32: the drop-in DLL replaces Wine's
 * builtin at run time, with the same ABI (docs/ARCHITECTURE.md).
 */
#ifndef NETAPI32_NATIVE_H
#define NETAPI32_NATIVE_H

#include <stdint.h>
#ifndef __cplusplus
#include <uchar.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NETAPI32_BUILD) && defined(__GNUC__)
#define NETAPI32_API __attribute__((visibility("default")))
#else
#define NETAPI32_API
#endif

typedef uint32_t NET_API_STATUS;

#define MAX_PREFERRED_LENGTH    ((uint32_t)-1)

/* Return codes (winerror.h / lmerr.h values). */
#define NERR_Success                 0u
#define ERROR_ACCESS_DENIED          5u
#define ERROR_NOT_ENOUGH_MEMORY      8u
#define ERROR_BAD_NETPATH            53u
#define ERROR_UNEXP_NET_ERR          59u
#define ERROR_INVALID_PARAMETER      87u
#define ERROR_SEM_TIMEOUT            121u
#define ERROR_INVALID_LEVEL          124u
#define ERROR_MORE_DATA              234u
#define ERROR_LOGON_FAILURE          1326u
#define RPC_S_SERVER_UNAVAILABLE     1722u
#define NERR_ServerNotStarted        2114u
#define NERR_UserNotFound            2221u
#define NERR_ClientNameNotFound      2312u
#define NERR_InvalidComputer         2351u

typedef struct _SESSION_INFO_0 {
    char16_t *sesi0_cname;
} SESSION_INFO_0;

typedef struct _SESSION_INFO_1 {
    char16_t *sesi1_cname;
    char16_t *sesi1_username;
    uint32_t sesi1_num_opens;
    uint32_t sesi1_time;
    uint32_t sesi1_idle_time;
    uint32_t sesi1_user_flags;
} SESSION_INFO_1;

typedef struct _SESSION_INFO_2 {
    char16_t *sesi2_cname;
    char16_t *sesi2_username;
    uint32_t sesi2_num_opens;
    uint32_t sesi2_time;
    uint32_t sesi2_idle_time;
    uint32_t sesi2_user_flags;
    char16_t *sesi2_cltype_name;
} SESSION_INFO_2;

typedef struct _SESSION_INFO_10 {
    char16_t *sesi10_cname;
    char16_t *sesi10_username;
    uint32_t sesi10_time;
    uint32_t sesi10_idle_time;
} SESSION_INFO_10;

typedef struct _SESSION_INFO_502 {
    char16_t *sesi502_cname;
    char16_t *sesi502_username;
    uint32_t sesi502_num_opens;
    uint32_t sesi502_time;
    uint32_t sesi502_idle_time;
    uint32_t sesi502_user_flags;
    char16_t *sesi502_cltype_name;
    char16_t *sesi502_transport;
} SESSION_INFO_502;

/* sesiX_user_flags */
#define SESS_GUEST        0x00000001u
#define SESS_NOENCRYPTION 0x00000002u

NETAPI32_API NET_API_STATUS NetSessionEnum(const char16_t *servername, const char16_t *UncClientName,
                                           const char16_t *username, uint32_t level, uint8_t **bufptr,
                                           uint32_t prefmaxlen, uint32_t *entriesread,
                                           uint32_t *totalentries, uint32_t *resume_handle);
NETAPI32_API NET_API_STATUS NetSessionGetInfo(const char16_t *servername, const char16_t *UncClientName,
                                              const char16_t *username, uint32_t level, uint8_t **bufptr);
NETAPI32_API NET_API_STATUS NetSessionDel(const char16_t *servername, const char16_t *UncClientName,
                                          const char16_t *username);

NETAPI32_API NET_API_STATUS NetApiBufferAllocate(uint32_t ByteCount, void **Buffer);
NETAPI32_API NET_API_STATUS NetApiBufferFree(void *Buffer);
NETAPI32_API NET_API_STATUS NetApiBufferReallocate(void *OldBuffer, uint32_t NewByteCount, void **NewBuffer);
NETAPI32_API NET_API_STATUS NetApiBufferSize(void *Buffer, uint32_t *ByteCount);

#ifdef __cplusplus
}
#endif

#endif
