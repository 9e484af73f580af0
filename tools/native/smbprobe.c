/*
 * smbprobe: native development/test client for the smb2 layer.
 *
 *   smbprobe HOST [--port N] [--user U --password P] [--unc NAME]
 *            [--min-dialect 0x0202] [--max-dialect 0x0311] [--timeout MS]
 *            [--hold N --seconds S] [--compound 0|1]
 *
 * Connects (anonymous without --user), opens \PIPE\srvsvc, sends a hand-built
 * DCE/RPC BIND (srvsvc v3.0, NDR 2.0) through FSCTL_PIPE_TRANSCEIVE and
 * prints the dialect, signing/encryption state and the bind_ack length.
 * With --hold N it opens N sessions in parallel (sequentially set up), keeps
 * them for S seconds, then closes them: the test harness uses it to create
 * sessions to enumerate.  --compound 0 sends TREE_CONNECT, CREATE and the
 * bind one at a time instead of as one compound (the default, as the DLL).
 *
 * Output: "OK dialect=0x0311 signing=1 encryption=0 bind_ack=68" per session,
 * or "ERROR <win32 code>".  Exit status: 0 on success, else the Win32 code
 * modulo 256 (1 if that is 0); the printed code is the reliable one.
 */
#include "smb2/smb2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint8_t bind_pdu[72] = {
    5, 0, 11, 0x03, 0x10, 0, 0, 0, /* v5.0 BIND, first|last, little-endian NDR */
    72, 0, 0, 0, 1, 0, 0, 0,       /* frag_len 72, auth_len 0, call_id 1 */
    0xb8, 0x10, 0xb8, 0x10, 0, 0, 0, 0, /* max_xmit/recv 4280, assoc group 0 */
    1, 0, 0, 0,                    /* one context */
    0, 0, 1, 0,                    /* context id 0, one transfer syntax */
    /* srvsvc 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0 */
    0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88, 3, 0, 0, 0,
    /* NDR 8a885d04-1ceb-11c9-9fe8-08002b104860 v2 */
    0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 2, 0, 0, 0,
};

static void usage(void)
{
    fprintf(stderr, "usage: smbprobe HOST [--port N] [--user U --password P] [--unc NAME]\n"
                    "       [--min-dialect 0xNNNN] [--max-dialect 0xNNNN] [--timeout MS] [--hold N --seconds S]\n"
                    "       [--compound 0|1]\n");
    exit(2);
}

static int finish(uint32_t st)
{
    if (st == NT_OK)
        return 0;
    printf("ERROR %u\n", (unsigned)st);
    int rc = (int)(st & 0xff);
    return rc ? rc : 1;
}

/* One session: connect, open srvsvc, bind.  Leaves *out connected on success. */
static uint32_t probe(const smb2_opts *o, const nt_creds *cr, smb2_conn **out, smb2_pipe **pout)
{
    smb2_conn *c = NULL;
    smb2_pipe *p = NULL;
    *out = NULL;
    *pout = NULL;
    uint32_t st = smb2_connect(o, cr, &c);
    if (st)
        return st;
    st = smb2_pipe_open(c, "srvsvc", &p);
    if (st) {
        smb2_disconnect(c);
        return st;
    }
    uint8_t resp[4280];
    size_t got = 0;
    st = smb2_pipe_transceive(p, bind_pdu, sizeof(bind_pdu), resp, sizeof(resp), &got);
    if (st == NT_OK && (got < 16 || resp[0] != 5 || resp[2] != 12 /* bind_ack */)) {
        fprintf(stderr, "smbprobe: reply is not a bind_ack (%zu bytes, type %u)\n", got, got > 2 ? resp[2] : 0);
        st = NT_RPC_S_PROTOCOL_ERROR;
    }
    if (st) {
        smb2_pipe_close(p);
        smb2_disconnect(c);
        return st;
    }
    printf("OK dialect=0x%04x signing=%d encryption=%d bind_ack=%zu round_trips=%u\n", smb2_dialect(c),
           (int)smb2_is_signing(c), (int)smb2_is_encrypting(c), got, (unsigned)smb2_round_trips(c));
    fflush(stdout);
    *out = c;
    *pout = p;
    return NT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-')
        usage();
    smb2_opts o;
    memset(&o, 0, sizeof(o));
    o.host = argv[1];
    o.compound = true;
    const char *user = NULL, *password = NULL;
    unsigned hold = 0, seconds = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!strcmp(a, "--port"))
            o.port = (uint16_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--user"))
            user = v;
        else if (!strcmp(a, "--password"))
            password = v;
        else if (!strcmp(a, "--unc"))
            o.unc_server = v;
        else if (!strcmp(a, "--min-dialect"))
            o.min_dialect = (uint16_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--max-dialect"))
            o.max_dialect = (uint16_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--timeout"))
            o.connect_timeout_ms = o.timeout_ms = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--hold"))
            hold = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--seconds"))
            seconds = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--compound"))
            o.compound = strcmp(v, "0") != 0;
        else
            usage();
        i++;
    }
    nt_creds cr;
    memset(&cr, 0, sizeof(cr));
    if (user && !nt_creds_set_user(&cr, user))
        return finish(NT_ERROR_NOT_ENOUGH_MEMORY);
    if (password) {
        cr.password = strdup(password);
        if (!cr.password)
            return finish(NT_ERROR_NOT_ENOUGH_MEMORY);
    }
    if (hold == 0)
        hold = 1;
    if (hold > 256)
        usage();
    smb2_conn **conns = calloc(hold, sizeof(*conns));
    smb2_pipe **pipes = calloc(hold, sizeof(*pipes));
    if (!conns || !pipes)
        return finish(NT_ERROR_NOT_ENOUGH_MEMORY);
    uint32_t st = NT_OK;
    for (unsigned i = 0; i < hold && st == NT_OK; i++)
        st = probe(&o, &cr, &conns[i], &pipes[i]);
    if (st == NT_OK && seconds) {
        printf("HOLDING %u sessions for %u s\n", hold, seconds);
        fflush(stdout);
        sleep(seconds);
    }
    for (unsigned i = 0; i < hold; i++) {
        if (pipes[i])
            smb2_pipe_close(pipes[i]);
        if (conns[i])
            smb2_disconnect(conns[i]);
    }
    free(conns);
    free(pipes);
    nt_creds_clear(&cr);
    return finish(st);
}
