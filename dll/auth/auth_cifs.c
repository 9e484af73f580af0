/* auth_start_cifs (auth_cifs.h). */
#include "auth_cifs.h"

#include <stdlib.h>
#include <string.h>

uint32_t auth_start_cifs(const auth_mech *mech, const char *server, const nt_creds *creds, auth_ctx **a,
                         uint8_t **tok, size_t *toklen)
{
    char *ws = nt_hostname();
    size_t n = strlen(server);
    char *spn = malloc(n + 6);
    uint32_t st = NT_ERROR_NOT_ENOUGH_MEMORY;
    if (spn) {
        memcpy(spn, "cifs/", 5);
        memcpy(spn + 5, server, n + 1);
        auth_target tg = {ws, spn};
        st = auth_start(mech, creds, &tg, a, tok, toklen);
    }
    free(ws);
    free(spn);
    return st;
}
