/*
 * bench/ndr_bench.c -- CPU cost of decoding a NetrSessionEnum level-1
 * response and packing it into one NetApiBuffer block, against a baseline
 * that only copies the same bytes and scans them for UTF-16 terminators.
 *
 *   ndr_bench baseline|decode|decode_pack [ENTRIES] [REPS]
 *
 * Each mode runs its work in one noinline function (bench_baseline,
 * bench_decode, bench_decode_pack) REPS times; run.sh runs it under
 * `valgrind --tool=callgrind --toggle-collect=<that function>` so only the
 * instructions of the measured work are counted (the stub is built outside).
 * Without valgrind it just runs (a smoke test: prints the stub size and a
 * checksum so the work cannot be optimised away).
 */
#include "api/api.h"
#include "srvs/srvs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A level-1 response stub exactly as Samba 4.17 lays it out (NDR, conformant
 * array of SESSION_INFO_1, then the deferred strings, each 4-aligned). */
static uint8_t *build_stub(uint32_t n, size_t *len)
{
    nt_wr w;
    nt_wr_init(&w, 0);
    uint32_t ref = 0x00020000;
    nt_wr_u32(&w, 1);          /* Level */
    nt_wr_u32(&w, 1);          /* union discriminant */
    nt_wr_u32(&w, ref += 4);   /* SESSION_INFO_1_CONTAINER* */
    nt_wr_u32(&w, n);          /* EntriesRead */
    nt_wr_u32(&w, ref += 4);   /* Buffer* */
    nt_wr_u32(&w, n);          /* max_count */
    for (uint32_t i = 0; i < n; i++) {
        nt_wr_u32(&w, ref += 4);       /* cname */
        nt_wr_u32(&w, ref += 4);       /* username */
        nt_wr_u32(&w, i % 7);          /* num_opens */
        nt_wr_u32(&w, 100 + i);        /* time */
        nt_wr_u32(&w, i % 60);         /* idle_time */
        nt_wr_u32(&w, 0);              /* user_flags */
    }
    for (uint32_t i = 0; i < n; i++) {
        char s[2][40];
        snprintf(s[0], sizeof(s[0]), "\\\\10.0.%u.%u", (unsigned)(i / 250), (unsigned)(i % 250 + 1));
        snprintf(s[1], sizeof(s[1]), "benchuser%04u", (unsigned)i);
        for (int k = 0; k < 2; k++) {
            size_t units = 0;
            nt_wchar *ws = nt_utf8_to_utf16(s[k], &units);
            nt_wr_u32(&w, (uint32_t)units + 1);   /* max_count */
            nt_wr_u32(&w, 0);                     /* offset */
            nt_wr_u32(&w, (uint32_t)units + 1);   /* actual_count */
            for (size_t c = 0; c <= units; c++)
                nt_wr_u16(&w, ws[c]);
            nt_wr_align(&w, 4);
            free(ws);
        }
    }
    nt_wr_u32(&w, n);          /* TotalEntries */
    nt_wr_u32(&w, 0);          /* ResumeHandle: null */
    nt_wr_u32(&w, 0);          /* WERROR */
    if (w.bad)
        return NULL;
    return nt_wr_take(&w, len);
}

static volatile uint64_t g_sink;

/* Baseline: the least any decoder must do -- copy the bytes once and find
 * every UTF-16 terminator (a memcpy and a wcslen-style scan). */
__attribute__((noinline)) static void bench_baseline(const uint8_t *stub, size_t len, uint32_t reps)
{
    uint8_t *copy = malloc(len);
    if (!copy)
        exit(3);
    uint64_t acc = 0;
    for (uint32_t r = 0; r < reps; r++) {
        memcpy(copy, stub, len);
        const uint16_t *u = (const uint16_t *)(const void *)copy;
        size_t units = len / 2, i = 0;
        while (i < units) {
            size_t j = i;
            while (j < units && u[j])
                j++;
            acc += j - i;
            i = j + 1;
        }
    }
    free(copy);
    g_sink += acc;
}

static uint64_t decode_once(const uint8_t *stub, size_t len, bool pack)
{
    sess_list l;
    memset(&l, 0, sizeof(l));
    uint32_t werr = 0xFFFFFFFFu;
    uint32_t st = srvs_decode_session_enum(stub, len, 1, &l, &werr);
    if (st != NT_OK || werr != 0) {
        fprintf(stderr, "decode failed: st=%u werr=%u\n", (unsigned)st, (unsigned)werr);
        exit(1);
    }
    uint64_t acc = l.count;
    if (pack) {
        const sess_level *lv = sess_level_find(1);
        sess_info **ptrs = malloc((l.count ? l.count : 1) * sizeof(*ptrs));
        if (!ptrs)
            exit(3);
        for (uint32_t i = 0; i < l.count; i++)
            ptrs[i] = &l.v[i];
        uint8_t *block = NULL;
        st = api_pack(lv, ptrs, l.count, &block);
        free(ptrs);
        if (st != NT_OK) {
            fprintf(stderr, "pack failed: %u\n", (unsigned)st);
            exit(1);
        }
        acc += nt_block_size(block);
        nt_block_free(block);
    }
    sess_list_free(&l);
    return acc;
}

/* What a real call does with the stub: decode (then free). */
__attribute__((noinline)) static void bench_decode(const uint8_t *stub, size_t len, uint32_t reps)
{
    for (uint32_t r = 0; r < reps; r++)
        g_sink += decode_once(stub, len, false);
}

/* Decode, pack into one NetApiBuffer block, free both. */
__attribute__((noinline)) static void bench_decode_pack(const uint8_t *stub, size_t len, uint32_t reps)
{
    for (uint32_t r = 0; r < reps; r++)
        g_sink += decode_once(stub, len, true);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ndr_bench baseline|decode|decode_pack [ENTRIES] [REPS]\n");
        return 2;
    }
    uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 1000;
    uint32_t reps = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 5;
    size_t len = 0;
    uint8_t *stub = build_stub(n, &len);
    if (!stub)
        return 3;
    /* Warm-up outside the measured function: first-touch costs of malloc
     * and of lazily initialised tables do not belong to any one mode. */
    g_sink += decode_once(stub, len, true);
    if (!strcmp(argv[1], "baseline"))
        bench_baseline(stub, len, reps);
    else if (!strcmp(argv[1], "decode"))
        bench_decode(stub, len, reps);
    else if (!strcmp(argv[1], "decode_pack"))
        bench_decode_pack(stub, len, reps);
    else
        return 2;
    printf("entries=%u reps=%u stub_bytes=%zu sink=%llu\n", (unsigned)n, (unsigned)reps, len,
           (unsigned long long)g_sink);
    free(stub);
    return 0;
}
