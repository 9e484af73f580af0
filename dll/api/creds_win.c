/* Windows Credential Manager lookup (CredReadW, CRED_TYPE_DOMAIN_PASSWORD),
 * as written by `netsess /cred:add`. */
#include "api.h"

#include <windows.h>
#include <wincred.h>
#include <stdlib.h>
#include <string.h>

bool api_credman_lookup(const char *target, nt_creds *out)
{
    nt_wchar *wt = nt_utf8_to_utf16(target, NULL);
    if (!wt)
        return false;
    PCREDENTIALW cred = NULL;
    BOOL found = CredReadW((LPCWSTR)wt, CRED_TYPE_DOMAIN_PASSWORD, 0, &cred);
    free(wt);
    if (!found || !cred)
        return false;
    bool ok = false;
    if (cred->UserName && cred->UserName[0]) {
        char *user = nt_utf16_to_utf8((const nt_wchar *)cred->UserName, nt_wcslen((const nt_wchar *)cred->UserName));
        /* The blob is UTF-16LE without terminator (some writers add one);
         * copied to an aligned buffer before conversion. */
        size_t units = cred->CredentialBlobSize / 2;
        char *pass = NULL;
        if (cred->CredentialBlob) {
            nt_wchar *w = nt_calloc(units + 1, sizeof(nt_wchar));
            if (w) {
                memcpy(w, cred->CredentialBlob, units * sizeof(nt_wchar));
                while (units && w[units - 1] == 0)
                    units--;
                pass = nt_utf16_to_utf8(w, units);
                nt_wipe(w, (units + 1) * sizeof(nt_wchar));
                free(w);
            }
        }
        if (!pass && !cred->CredentialBlob) {
            pass = malloc(1);
            if (pass)
                pass[0] = 0;
        }
        if (user && pass && nt_creds_set_user(out, user)) {
            out->password = pass;
            pass = NULL;
            ok = true;
        }
        free(user);
        nt_free_secret(pass);
    }
    if (cred->CredentialBlob && cred->CredentialBlobSize)
        SecureZeroMemory(cred->CredentialBlob, cred->CredentialBlobSize);
    CredFree(cred);
    if (!ok)
        nt_creds_clear(out);
    return ok;
}
