/* Native build: there is no Credential Manager. */
#include "api.h"

bool api_credman_lookup(const char *target, nt_creds *out)
{
    (void)target;
    (void)out;
    return false;
}
