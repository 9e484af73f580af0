/*
 * smb2_connect against a scripted, in-process SMB2 server (no network,
 * tests/smb2_fake_server.h): it replaces dll/net (net_posix.o is then not
 * linked from libcore.a), so every request the client sends is answered by
 * srv_handle(), which speaks real NTLMv2/SPNEGO and signs with the real
 * session keys.  The server
 * then misbehaves on purpose, as a hostile server or a man in the middle
 * would (issue 7):
 *  - guest or null session offered to a logon with credentials -> 1272;
 *  - unsigned or bit-flipped final SESSION_SETUP on 3.1.1 -> 59;
 *  - final SPNEGO token or its mechListMIC missing or wrong -> 59;
 *  - NTLM CHALLENGE without extended session security -> 59;
 *  - FSCTL_VALIDATE_NEGOTIATE_INFO (3.0/3.0.2) mismatch, unsigned, access
 *    denied -> 59; a signed "not supported" is accepted (MS-SMB2 3.2.5.14.12);
 *  - STATUS_PENDING forever -> 121 within the timeout (+ a small margin),
 *    or within the opener's deadline for a pipe's CREATE;
 * and the timed per-server lock (nt_tlock) gives up at its deadline.
 * Pipe READs sent ahead: answered in order; left unread, or waiting at the
 * server until the pipe's CLOSE, they put only their pipe out of step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smb2_fake_server.h"
#include "smb2/smb2_conn.h"

/* ---- helpers ---------------------------------------------------------------------- */

static void srv_reset(uint16_t dialect)
{
    free(g_srv.rx);
    memset(&g_srv, 0, sizeof g_srv);
    g_srv.dialect = dialect;
    g_srv.password = "Password";
}

static uint32_t connect_as(const char *user, smb2_conn **c)
{
    nt_creds cr = {(char *)user, (char *)"Domain", (char *)"Password"};
    nt_creds anon = {0};
    smb2_opts o = {.host = "srv", .unc_server = "srv", .timeout_ms = 2000};
    return smb2_connect(&o, user ? &cr : &anon, c);
}

static void expect_refused(uint32_t want)
{
    smb2_conn *c = NULL;
    assert_int_equal(connect_as("User", &c), want);
    assert_null(c);
}

static int teardown(void **state)
{
    (void)state;
    free(g_srv.rx);
    memset(&g_srv, 0, sizeof g_srv);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------- */

static void user_logon_signs(void **state)
{
    static const uint16_t dialects[] = {SMB2_DIALECT_210, SMB2_DIALECT_300, SMB2_DIALECT_302, SMB2_DIALECT_311};
    for (size_t i = 0; i < 4; i++) {
        srv_reset(dialects[i]);
        smb2_conn *c = NULL;
        assert_int_equal(connect_as("User", &c), NT_OK);
        assert_true(smb2_is_signing(c));
        assert_int_equal(smb2_dialect(c), dialects[i]);
        /* validate negotiate exactly on 3.0 / 3.0.2 */
        assert_int_equal(g_srv.validates, dialects[i] == SMB2_DIALECT_300 || dialects[i] == SMB2_DIALECT_302);
        smb2_disconnect(c);
    }
}

static void wrong_password_is_logon_failure(void **state)
{
    srv_reset(SMB2_DIALECT_311);
    g_srv.password = "Other";
    expect_refused(NT_ERROR_LOGON_FAILURE);
}

static void guest_or_null_with_credentials_refused(void **state)
{
    static const uint16_t dialects[] = {SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300, SMB2_DIALECT_311};
    static const uint16_t flags[] = {SMB2_SESSION_FLAG_IS_GUEST, SMB2_SESSION_FLAG_IS_NULL};
    for (size_t d = 0; d < 4; d++) {
        for (size_t f = 0; f < 2; f++) {
            for (int sign = 0; sign < 2; sign++) { /* a real guest session is unsigned */
                srv_reset(dialects[d]);
                g_srv.sess_flags = flags[f];
                g_srv.final_unsigned = !sign;
                g_srv.no_mic = !sign; /* like Samba's guest fallback: no key, no MIC */
                expect_refused(NT_ERROR_SMB_GUEST_LOGON_BLOCKED);
            }
        }
    }
}

static void anonymous_null_session_allowed(void **state)
{
    srv_reset(SMB2_DIALECT_311);
    g_srv.sess_flags = SMB2_SESSION_FLAG_IS_NULL;
    smb2_conn *c = NULL;
    assert_int_equal(connect_as(NULL, &c), NT_OK);
    assert_false(smb2_is_signing(c));
    smb2_disconnect(c);
}

static void final_setup_unsigned_or_tampered_311(void **state)
{
    srv_reset(SMB2_DIALECT_311);
    g_srv.final_unsigned = true;
    expect_refused(NT_ERROR_UNEXP_NET_ERR);
    /* one flipped bit anywhere the SPNEGO check does not see: header credits,
     * SessionFlags (guest bit: the signature is checked before the flags) */
    static const int bytes[] = {14, 64 + 2, 64 + 3};
    for (size_t i = 0; i < 3; i++) {
        srv_reset(SMB2_DIALECT_311);
        g_srv.final_flip = bytes[i];
        expect_refused(NT_ERROR_UNEXP_NET_ERR);
    }
}

static void final_setup_tampered_300(void **state)
{
    /* 3.0 may leave the final response unsigned (the session still signs) */
    srv_reset(SMB2_DIALECT_300);
    g_srv.final_unsigned = true;
    smb2_conn *c = NULL;
    assert_int_equal(connect_as("User", &c), NT_OK);
    assert_true(smb2_is_signing(c));
    smb2_disconnect(c);
    /* but a signed one must verify */
    srv_reset(SMB2_DIALECT_300);
    g_srv.final_flip = 64 + 2;
    expect_refused(NT_ERROR_UNEXP_NET_ERR);
}

static void server_mechlistmic_required(void **state)
{
    srv_reset(SMB2_DIALECT_311);
    g_srv.no_mic = true;
    expect_refused(NT_ERROR_UNEXP_NET_ERR);
    srv_reset(SMB2_DIALECT_311);
    g_srv.bad_mic = true;
    expect_refused(NT_ERROR_UNEXP_NET_ERR);
    srv_reset(SMB2_DIALECT_210);
    g_srv.no_final_token = true;
    expect_refused(NT_ERROR_UNEXP_NET_ERR);
}

static void challenge_without_ess(void **state)
{
    srv_reset(SMB2_DIALECT_311);
    g_srv.strip_ess = true;
    expect_refused(NT_ERROR_UNEXP_NET_ERR);
}

static void validate_negotiate(void **state)
{
    static const struct {
        int mode;
        uint32_t want;
    } cases[] = {
        {VN_OK, NT_OK},
        {VN_MISMATCH, NT_ERROR_UNEXP_NET_ERR},
        {VN_UNSIGNED, NT_ERROR_UNEXP_NET_ERR},
        {VN_DENIED, NT_ERROR_UNEXP_NET_ERR},
        {VN_NOT_SUPPORTED, NT_OK}, /* signed: MS-SMB2 3.2.5.14.12 accepts it */
    };
    for (size_t d = 0; d < 2; d++) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            srv_reset(d ? SMB2_DIALECT_302 : SMB2_DIALECT_300);
            g_srv.validate = cases[i].mode;
            smb2_conn *c = NULL;
            assert_int_equal(connect_as("User", &c), cases[i].want);
            assert_int_equal(g_srv.validates, 1);
            if (c)
                smb2_disconnect(c);
        }
    }
    /* anonymous sessions cannot sign: nothing to validate with */
    srv_reset(SMB2_DIALECT_300);
    g_srv.sess_flags = SMB2_SESSION_FLAG_IS_NULL;
    smb2_conn *c = NULL;
    assert_int_equal(connect_as(NULL, &c), NT_OK);
    assert_int_equal(g_srv.validates, 0);
    smb2_disconnect(c);
}

static void pending_forever_is_bounded(void **state)
{
    /* the request's own timeout */
    srv_reset(SMB2_DIALECT_311);
    g_srv.pending_tree = true;
    smb2_conn *c = NULL;
    nt_creds anon = {0};
    smb2_opts o = {.host = "srv", .unc_server = "srv", .timeout_ms = 300};
    uint64_t t0 = nt_now_ms();
    assert_int_equal(smb2_connect(&o, &anon, &c), NT_ERROR_SEM_TIMEOUT);
    uint64_t took = nt_now_ms() - t0;
    assert_null(c);
    assert_true(g_srv.pendings >= 5);
    assert_true(took >= 280 && took < 300 + 150);
    /* the caller's whole-call deadline, shorter than the request timeout */
    srv_reset(SMB2_DIALECT_311);
    g_srv.pending_tree = true;
    o.timeout_ms = 10000;
    t0 = nt_now_ms();
    o.deadline_ms = t0 + 200;
    assert_int_equal(smb2_connect(&o, &anon, &c), NT_ERROR_SEM_TIMEOUT);
    took = nt_now_ms() - t0;
    assert_true(took >= 180 && took < 200 + 150);
    /* a signed session: the unsigned interim answers are allowed, not endless */
    srv_reset(SMB2_DIALECT_311);
    g_srv.pending_tree = true;
    nt_creds cr = {(char *)"User", (char *)"Domain", (char *)"Password"};
    o.timeout_ms = 300;
    o.deadline_ms = 0;
    t0 = nt_now_ms();
    assert_int_equal(smb2_connect(&o, &cr, &c), NT_ERROR_SEM_TIMEOUT);
    took = nt_now_ms() - t0;
    assert_true(g_srv.have_key && g_srv.pendings >= 5);
    assert_true(took >= 280 && took < 300 + 150);
    /* a deadline already passed: nothing is even sent */
    srv_reset(SMB2_DIALECT_311);
    o.deadline_ms = nt_now_ms() - 1;
    assert_int_equal(smb2_connect(&o, &anon, &c), NT_ERROR_SEM_TIMEOUT);
    assert_int_equal(g_srv.rxlen, 0);
    /* a pipe's CREATE sent when it opens (no compounding) ends at the
     * opener's deadline (smb2_pipe_open_at), not the 10 s request timeout */
    srv_reset(SMB2_DIALECT_311);
    o.timeout_ms = 10000;
    o.deadline_ms = 0;
    assert_int_equal(smb2_connect(&o, &cr, &c), NT_OK);
    g_srv.pending_create = true;
    smb2_pipe *p = NULL;
    t0 = nt_now_ms();
    assert_int_equal(smb2_pipe_open_at(c, "srvsvc", t0 + 200, &p), NT_ERROR_SEM_TIMEOUT);
    took = nt_now_ms() - t0;
    assert_null(p);
    assert_true(g_srv.pendings >= 1);
    assert_true(took >= 180 && took < 3000); /* far from the 10 s timeout, loose for a loaded machine */
    smb2_abort(c);
}

/* ---- the timed lock ---- */

static nt_tlock g_lock = NT_TLOCK_INIT;

static void *holder(void *arg)
{
    (void)arg;
    assert_true(nt_tlock_acquire(&g_lock, 0));
    sleep_ms(600);
    nt_tlock_release(&g_lock);
    return NULL;
}

static void tlock_gives_up_at_deadline(void **state)
{
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, holder, NULL), 0);
    sleep_ms(100); /* the holder has it */
    uint64_t t0 = nt_now_ms();
    assert_false(nt_tlock_acquire(&g_lock, t0 + 200));
    uint64_t took = nt_now_ms() - t0;
    assert_true(took >= 190 && took < 200 + 150);
    /* a later deadline: acquired once the holder lets go */
    assert_true(nt_tlock_acquire(&g_lock, nt_now_ms() + 5000));
    nt_tlock_release(&g_lock);
    pthread_join(th, NULL);
    /* free lock, passed deadline: still acquired (nobody to wait for) */
    assert_true(nt_tlock_acquire(&g_lock, nt_now_ms() - 1));
    nt_tlock_release(&g_lock);
}

/* A signed 3.1.1 connection to a server whose pipe has n messages to
 * give, and a pipe opened on it. */
static smb2_conn *conn_with_msgs(const uint8_t *const *msg, const size_t *len, unsigned n, smb2_pipe **p)
{
    srv_reset(SMB2_DIALECT_311);
    for (unsigned i = 0; i < n; i++)
        g_srv.pipe_msg[i] = msg[i], g_srv.pipe_len[i] = len[i];
    g_srv.npipe_msgs = n;
    smb2_conn *c = NULL;
    assert_int_equal(connect_as("User", &c), NT_OK);
    assert_int_equal(smb2_pipe_open(c, "srvsvc", p), NT_OK);
    return c;
}

/* Pipe READs sent ahead (smb2_pipe_read_ahead, issue 10): all requests
 * leave before the first answer is read, the answers come back in order
 * even when the server sends them swapped, an answer larger than the
 * caller's buffer is handed out in parts, and a read past the ones sent
 * ahead is a plain READ again.  The fake server fails the test on a READ
 * it has no message for.  Signed 3.1.1 session: the kept key objects sign
 * and verify every message. */
static void read_ahead_in_order(void **state)
{
    (void)state;
    static const uint8_t m1[] = "first message", m2[] = "second, a longer message", m3[] = "third";
    static const uint8_t *const msg[] = {m1, m2, m3};
    static const size_t len[] = {sizeof m1, sizeof m2, sizeof m3};
    for (int swap = 0; swap < 2; swap++) {
        smb2_pipe *p = NULL;
        smb2_conn *c = conn_with_msgs(msg, len, 3, &p);
        g_srv.swap_reads = swap;
        uint32_t rt = smb2_round_trips(c), rq = smb2_requests(c);
        assert_int_equal(smb2_pipe_read_ahead(p, 2, 100), NT_OK);
        assert_int_equal(g_srv.reads, 2); /* both sent before any answer is read */
        uint8_t buf[64];
        size_t got = 0;
        assert_int_equal(smb2_pipe_read(p, buf, sizeof buf, &got), NT_OK);
        assert_int_equal(got, sizeof m1);
        assert_memory_equal(buf, m1, sizeof m1);
        assert_int_equal(smb2_pipe_read(p, buf, 10, &got), NT_ERROR_MORE_DATA); /* in parts */
        assert_int_equal(got, 10);
        assert_memory_equal(buf, m2, 10);
        assert_int_equal(smb2_pipe_read(p, buf, sizeof buf, &got), NT_OK);
        assert_int_equal(got, sizeof m2 - 10);
        assert_memory_equal(buf, m2 + 10, sizeof m2 - 10);
        assert_int_equal(smb2_round_trips(c) - rt, 1); /* sent together: one round trip */
        assert_int_equal(smb2_requests(c) - rq, 2);
        assert_int_equal(smb2_pipe_read(p, buf, sizeof buf, &got), NT_OK); /* a plain READ */
        assert_int_equal(got, sizeof m3);
        assert_int_equal(g_srv.reads, 3);
        assert_false(smb2_is_dead(c));
        smb2_pipe_close(p);
        smb2_disconnect(c);
    }
}

/* Answers sent ahead and never read leave the pipe out of step: the pipe
 * says it is dead, and the next request on it is not sent
 * (NT_ERROR_NETNAME_DELETED, so the API drops the pipe and repeats an
 * enumeration on another).  The connection, which other pipes share, stays
 * in step: dropped, the pipe's READs are given up and their answers
 * discarded by message id, and a new pipe on the same connection works. */
static void read_ahead_unread_drops_pipe(void **state)
{
    (void)state;
    static const uint8_t m1[] = "one", m2[] = "two", m3[] = "three";
    static const uint8_t *const msg[] = {m1, m2, m3};
    static const size_t len[] = {sizeof m1, sizeof m2, sizeof m3};
    for (int by_close = 0; by_close < 2; by_close++) {
        smb2_pipe *p = NULL;
        smb2_conn *c = conn_with_msgs(msg, len, 3, &p);
        assert_int_equal(smb2_pipe_read_ahead(p, 2, 100), NT_OK);
        uint8_t buf[16];
        size_t got = 0;
        assert_true(smb2_pipe_is_dead(p)); /* to the probe before a deletion */
        assert_int_equal(smb2_pipe_transceive(p, (const uint8_t *)"x", 1, buf, sizeof buf, &got),
                         NT_ERROR_NETNAME_DELETED); /* nothing sent: an enumeration is repeated */
        assert_false(smb2_is_dead(c));
        size_t sent = g_srv.rxlen;
        if (by_close)
            smb2_pipe_close(p); /* a CLOSE goes out, its answer not awaited */
        else
            smb2_pipe_drop(p);
        assert_true(g_srv.rxlen > sent);
        assert_int_equal(smb2_pipe_open(c, "srvsvc", &p), NT_OK);
        assert_int_equal(smb2_pipe_transceive(p, (const uint8_t *)"x", 1, buf, sizeof buf, &got), NT_OK);
        assert_int_equal(got, sizeof m3);
        assert_memory_equal(buf, m3, sizeof m3);
        assert_false(smb2_is_dead(c));
        smb2_pipe_close(p);
        smb2_disconnect(c);
    }
}

/* READs sent ahead on a pipe with nothing to read wait at the server;
 * the pipe refuses its next request.  Dropped, the pipe sends its CLOSE,
 * and the server then ends the waiting READs (STATUS_PIPE_BROKEN) before
 * answering the CLOSE: those three answers were due and are dropped (the
 * count of answers due is back to 0), and a new pipe on the connection
 * works. */
static void read_ahead_answered_at_close(void **state)
{
    (void)state;
    static const uint8_t m1[] = "after the close";
    static const uint8_t *const msg[] = {m1};
    static const size_t len[] = {sizeof m1};
    smb2_pipe *p = NULL;
    smb2_conn *c = conn_with_msgs(msg, len, 1, &p);
    g_srv.reads_wait = true;
    assert_int_equal(smb2_pipe_read_ahead(p, 2, 100), NT_OK);
    assert_int_equal(g_srv.nwaiting, 2);
    uint8_t buf[32];
    size_t got = 0;
    assert_true(smb2_pipe_is_dead(p));
    assert_int_equal(smb2_pipe_transceive(p, (const uint8_t *)"x", 1, buf, sizeof buf, &got),
                     NT_ERROR_NETNAME_DELETED);
    smb2_pipe_drop(p);
    assert_int_equal(g_srv.nwaiting, 0); /* the CLOSE ended them */
    g_srv.reads_wait = false;
    smb2_lock(c);
    unsigned due = c->late;
    smb2_unlock(c);
    assert_int_equal(due, 3); /* two READs and the CLOSE */
    assert_int_equal(smb2_pipe_open(c, "srvsvc", &p), NT_OK);
    assert_int_equal(smb2_pipe_transceive(p, (const uint8_t *)"x", 1, buf, sizeof buf, &got), NT_OK);
    assert_int_equal(got, sizeof m1);
    assert_memory_equal(buf, m1, sizeof m1);
    smb2_lock(c);
    due = c->late;
    smb2_unlock(c);
    assert_int_equal(due, 0);
    assert_false(smb2_is_dead(c));
    smb2_pipe_close(p);
    smb2_disconnect(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(user_logon_signs, teardown),
        cmocka_unit_test_teardown(wrong_password_is_logon_failure, teardown),
        cmocka_unit_test_teardown(guest_or_null_with_credentials_refused, teardown),
        cmocka_unit_test_teardown(anonymous_null_session_allowed, teardown),
        cmocka_unit_test_teardown(final_setup_unsigned_or_tampered_311, teardown),
        cmocka_unit_test_teardown(final_setup_tampered_300, teardown),
        cmocka_unit_test_teardown(server_mechlistmic_required, teardown),
        cmocka_unit_test_teardown(challenge_without_ess, teardown),
        cmocka_unit_test_teardown(validate_negotiate, teardown),
        cmocka_unit_test_teardown(pending_forever_is_bounded, teardown),
        cmocka_unit_test(tlock_gives_up_at_deadline),
        cmocka_unit_test_teardown(read_ahead_in_order, teardown),
        cmocka_unit_test_teardown(read_ahead_unread_drops_pipe, teardown),
        cmocka_unit_test_teardown(read_ahead_answered_at_close, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
