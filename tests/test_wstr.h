/* W("text"): a UTF-16 copy of a UTF-8 literal for the unit tests (the caller
 * frees it); fails the test when the conversion does.  Include after
 * cmocka.h and common/nt.h. */
#ifndef NT_TEST_WSTR_H
#define NT_TEST_WSTR_H

static inline nt_wchar *W(const char *s)
{
    nt_wchar *w = nt_utf8_to_utf16(s, NULL);
    assert_non_null(w);
    return w;
}

#endif
