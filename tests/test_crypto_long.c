/*
 * Long and odd-length messages through every AES mode, the platform path
 * against the portable one and against block-by-block references, and one
 * key object reused across modes (tests/crypto_long.h; the same checks run
 * under Wine as winetests/core/crypto_long_win.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto_long.h"

static void report(const char *name, const char *why)
{
    if (why)
        print_error("FAIL: %s: %s\n", name, why);
}

static void test_long_messages(void **state)
{
    (void)state;
    assert_int_equal(crypto_long_run(report), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
