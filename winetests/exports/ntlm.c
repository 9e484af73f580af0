/* secur32's NTLM package (msv1_0, which imports netapi32): acquire outbound
 * credentials and produce the first InitializeSecurityContext token.  Prints
 * the status codes as '#' lines; run.sh compares them with the same program
 * run before installation, so Wine's own outcome is the reference. */
#define SECURITY_WIN32
#include <windows.h>
#include <sspi.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    CredHandle cred;
    CtxtHandle ctx;
    TimeStamp exp;
    unsigned char tok[4096];
    SecBuffer ob = {sizeof tok, SECBUFFER_TOKEN, tok};
    SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
    ULONG attr = 0;
    SECURITY_STATUS st = AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_OUTBOUND, NULL, NULL,
                                                   NULL, NULL, &cred, &exp);
    printf("# AcquireCredentialsHandle(NTLM) = 0x%08lx\n", (unsigned long)st);
    if (st == SEC_E_OK) {
        SECURITY_STATUS st2 = InitializeSecurityContextW(&cred, NULL, (SEC_WCHAR *)L"host/localhost",
                                                         ISC_REQ_CONNECTION, 0, SECURITY_NATIVE_DREP, NULL, 0,
                                                         &ctx, &od, &attr, &exp);
        printf("# InitializeSecurityContext = 0x%08lx\n", (unsigned long)st2);
        if (st2 == SEC_I_CONTINUE_NEEDED || st2 == SEC_E_OK) {
            printf("# token %s\n", ob.cbBuffer >= 8 && !memcmp(tok, "NTLMSSP", 8) ? "NTLMSSP" : "other");
            DeleteSecurityContext(&ctx);
        }
        FreeCredentialsHandle(&cred);
    }
    printf("# netapi32 loaded: %s\n", GetModuleHandleW(L"netapi32.dll") ? "yes" : "no");
    printf("PASS: ntlm_program_ran\n");
    return 0;
}
