/* Deadlines on the nt_now_ms clock, as every network wait uses them. */
#ifndef NT_DEADLINE_H
#define NT_DEADLINE_H

#include "nt.h"

/* Milliseconds left until `deadline` into *ms; false when it has passed
 * (a 0 timeout would mean "the default" to the net layer). */
static inline bool nt_ms_left(uint64_t deadline, uint32_t *ms)
{
    uint64_t now = nt_now_ms();
    if (now >= deadline)
        return false;
    *ms = deadline - now > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)(deadline - now);
    return true;
}

/* A request's deadline: now + timeout_ms, never past the caller's
 * call_deadline (0 = none). */
static inline uint64_t nt_request_deadline(uint32_t timeout_ms, uint64_t call_deadline)
{
    uint64_t d = nt_now_ms() + timeout_ms;
    return call_deadline && call_deadline < d ? call_deadline : d;
}

#endif
