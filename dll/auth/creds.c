/* Credentials helpers (auth.h). */
#include "auth.h"

#include <stdlib.h>
#include <string.h>

void nt_creds_clear(nt_creds *c)
{
    if (!c)
        return;
    nt_free_secret(c->user);
    nt_free_secret(c->domain);
    nt_free_secret(c->password);
    c->user = c->domain = c->password = NULL;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* "user", "DOMAIN\user" or "user@domain".  The user and domain fields are
 * replaced (domain becomes NULL when the spec names none); the password is
 * left alone.  NULL or "" selects the anonymous logon.  Empty user or domain
 * parts ("DOM\", "\user", "@dom", "user@") and more than one '\' are
 * rejected, leaving c unchanged. */
bool nt_creds_set_user(nt_creds *c, const char *spec)
{
    if (!c)
        return false;
    char *user = NULL, *domain = NULL;
    if (spec && *spec) {
        size_t n = strlen(spec);
        const char *bs = strchr(spec, '\\');
        const char *at = strrchr(spec, '@');
        if (bs) {
            if (strchr(bs + 1, '\\') || bs == spec || !bs[1])
                return false;
            domain = dup_n(spec, (size_t)(bs - spec));
            user = dup_n(bs + 1, n - (size_t)(bs - spec) - 1);
        } else if (at) {
            if (at == spec || !at[1])
                return false;
            user = dup_n(spec, (size_t)(at - spec));
            domain = dup_n(at + 1, n - (size_t)(at - spec) - 1);
        } else {
            user = dup_n(spec, n);
        }
        if (!user || (!domain && (bs || at))) {
            nt_free_secret(user);
            nt_free_secret(domain);
            return false;
        }
    }
    nt_free_secret(c->user);
    nt_free_secret(c->domain);
    c->user = user;
    c->domain = domain;
    return true;
}

bool nt_creds_is_anonymous(const nt_creds *c)
{
    return !c || !c->user || !c->user[0];
}
