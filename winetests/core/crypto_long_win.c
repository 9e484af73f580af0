/*
 * The DLL's crypto (CNG bcrypt backend) under Wine with long and odd-length
 * messages: CNG's AES-GCM against the portable GHASH, CMAC/CCM (CNG CBC and
 * ECB in chunks) against block-by-block references, one key object reused
 * across modes.  The checks are tests/crypto_long.h, shared with the native
 * unit test.  Prints PASS:/FAIL: lines; exits 1 on any failure.
 */
#include "crypto_long.h"

static void report(const char *name, const char *why)
{
    if (why)
        printf("FAIL: %s: %s\n", name, why);
    else
        printf("PASS: %s\n", name);
}

int main(void)
{
    int fails = crypto_long_run(report);
    printf("# crypto_long: %d failed\n", fails);
    return fails ? 1 : 0;
}
