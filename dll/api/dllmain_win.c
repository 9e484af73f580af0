/* DllMain of both DLLs built on the API layer: netapi32.dll and svrapi.dll
 * (whose link leaves out exports_win.c but keeps this file). */
#include "api.h"

#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(inst);
    } else if (reason == DLL_PROCESS_DETACH && reserved == NULL) {
        /* FreeLibrary: close sockets without talking (loader lock held).
         * At process exit (reserved != NULL) the OS reclaims everything. */
        api_cache_shutdown();
        api_snapshots_clear();
    }
    return TRUE;
}
