/*
 * simulate.c -- playing the protocol round by round (the Monte Carlo check
 * of the exact engine).
 *
 * Each round draws B's type and A's type, then plays (1) the Nash outcome
 * without payments and (2) the single-offer mechanism: B makes the offer
 * the solution computed for her type, A accepts iff Delta_A(a) <= c
 * (Proposition 2), otherwise A plays her Nash action and B her outside
 * action.  Rounds are grouped in blocks of OW_SIM_BLOCK; block b draws from
 * its own GSL stream seeded by mix(seed, b), and block statistics are merged
 * in block order (Chan et al.'s pairwise update), so the output is
 * bit-identical for any number of threads.  Blocks are processed in chunks
 * between which the caller's progress function runs.
 *
 * Finite models play a block in batches of OW_SIM_BATCH rounds: first the
 * batch's draws, in the order a round-by-round loop makes them (so the
 * streams and the output are the same), then the rounds themselves without
 * a branch on A's answer (both outcomes are read and one is picked by
 * index).  A's answer is a coin flip to the branch predictor, and keeping
 * the generator's calls out of the table look-ups lets both overlap.
 */
#define HAVE_INLINE 1   /* GSL's inline gsl_rng_get / gsl_rng_uniform */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define OW_SIM_BLOCK OW_SIM_BLOCK_ROUNDS
#define NSTAT OW_SIM_NSTAT
#ifndef OW_SIM_BATCH
#define OW_SIM_BATCH 256   /* rounds whose draws are made before they are played */
#endif

typedef ow_sim_block stat;

static void merge(stat *into, const stat *b)
{
    if (b->n == 0) return;
    double n = into->n + b->n;
    for (int i = 0; i < NSTAT; i++) {
        double d = b->mean[i] - into->mean[i];
        into->mean[i] += d * b->n / n;
        into->m2[i] += b->m2[i] + d * d * into->n * b->n / n;
    }
    into->n = n;
}

/* Finite models: which rows accept type j's offer, and at what cost to A:
 * a bitmap over rows with a rank per 64-bit word, and Delta_A of each
 * accepting row in row order, followed by one 0 (a rejecting row's index
 * lands on the next accepting row's entry, or on that 0, and is read but
 * not used). */
typedef struct acc_map { uint64_t *bits; uint32_t *rank; double *delta; } acc_map;

static void acc_free(acc_map *am, size_t T)
{
    if (!am) return;
    for (size_t j = 0; j < T; j++) { free(am[j].bits); free(am[j].rank); free(am[j].delta); }
    free(am);
}

static acc_map *acc_build(const ow_workspace *w, const ow_solution *sol, ow_error *err)
{
    const ow_game *g = w->g;
    size_t n = g->n, T = g->T, words = (n + 63) / 64;
    acc_map *am = ow__malloc(T, sizeof *am, err);
    if (!am) return NULL;
    for (size_t j = 0; j < T; j++) {
        const ow_offer *o = &sol->offers[j];
        size_t cnt = ow__count_le(w, o->action, o->payment);
        am[j].bits = calloc(words, sizeof *am[j].bits);
        am[j].rank = malloc(words * sizeof *am[j].rank);
        am[j].delta = malloc((cnt + 1) * sizeof *am[j].delta);
        if (!am[j].bits || !am[j].rank || !am[j].delta) { acc_free(am, T); ow__fail(err, OW_ENOMEM, "out of memory"); return NULL; }
        const uint32_t *P = w->P[o->action];
        for (size_t t = 0; t < cnt; t++) am[j].bits[P[t] >> 6] |= 1ull << (P[t] & 63);
        uint32_t r = 0;
        for (size_t q = 0; q < words; q++) { am[j].rank[q] = r; r += (uint32_t)__builtin_popcountll(am[j].bits[q]); }
        const double *D = w->D[o->action];
        am[j].delta[cnt] = 0;
        for (size_t t = 0; t < cnt; t++) {
            uint32_t i = P[t];
            uint64_t below = am[j].bits[i >> 6] & ((1ull << (i & 63)) - 1);
            am[j].delta[am[j].rank[i >> 6] + (uint32_t)__builtin_popcountll(below)] = D[t];
        }
    }
    return am;
}

/* uniform integer in [0, n) from 32-bit draws (Lemire's method, exact) */
static inline uint32_t draw_below(gsl_rng *r, uint32_t n)
{
    uint64_t x = (uint64_t)gsl_rng_get(r) * n;
    uint32_t lo = (uint32_t)x;
    if (lo < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (lo < t) { x = (uint64_t)gsl_rng_get(r) * n; lo = (uint32_t)x; }
    }
    return (uint32_t)(x >> 32);
}

typedef struct sim_ctx {
    const ow_workspace *w;
    const ow_solution *sol;
    gsl_ran_discrete_t *pickB, *pickA;
    double *wa, *nb, *ob;   /* T*m: B's payoffs: A takes the offer, Nash, B's outside */
    acc_map *am;
    double ref[NSTAT];
} sim_ctx;

static void ctx_free(sim_ctx *c)
{
    if (c->pickB) gsl_ran_discrete_free(c->pickB);
    if (c->pickA) gsl_ran_discrete_free(c->pickA);
    acc_free(c->am, c->w->g->T);
    free(c->wa); free(c->nb); free(c->ob);
}

static ow_status ctx_init(sim_ctx *c, const ow_workspace *w, const ow_solution *sol, ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m, T = g->T;
    memset(c, 0, sizeof *c);
    c->w = w; c->sol = sol;
    if (g->finite && g->n > UINT32_MAX) return ow__fail(err, OW_ETOOBIG, "too many A types to simulate");
    c->pickB = gsl_ran_discrete_preproc(T, g->pi);
    c->pickA = g->finite && !g->equal_weights ? gsl_ran_discrete_preproc(g->n, g->wt) : NULL;
    c->wa = ow__malloc(T * m, sizeof *c->wa, err);
    c->nb = ow__malloc(T * m, sizeof *c->nb, err);
    c->ob = ow__malloc(T * m, sizeof *c->ob, err);
    c->am = g->finite ? acc_build(w, sol, err) : NULL;
    if (!c->pickB || !c->wa || !c->nb || !c->ob || (g->finite && !c->am) || (g->finite && !g->equal_weights && !c->pickA)) {
        ow_status st = err && err->status ? err->status : ow__fail(err, OW_ENOMEM, "out of memory");
        ctx_free(c);
        return st;
    }
    for (size_t j = 0; j < T; j++)
        for (size_t a = 0; a < m; a++) {
            c->wa[j * m + a] = ow__best_B(g, j, a, NULL);
            c->nb[j * m + a] = ow__ub(g, j, a)[sol->nash_B[j]];
            c->ob[j * m + a] = ow__ub(g, j, a)[sol->offers[j].outside];
        }
    /* each block accumulates deviations from the exact figures (shifted
     * sums keep the variance accurate when it is small) */
    const double ref[NSTAT] = { sol->nash_welfare, sol->nash_payoff_A, sol->nash_payoff_B,
                                sol->so_welfare, sol->so_payoff_A, sol->so_payoff_B, sol->so_accept_prob };
    memcpy(c->ref, ref, sizeof ref);
    return OW_OK;
}

/* adds round x's deviations from the exact figures to the block's sums */
static inline void tally(const double *x, const double *ref, double *s1, double *s2)
{
    for (int q = 0; q < NSTAT; q++) { double d = x[q] - ref[q]; s1[q] += d; s2[q] += d * d; }
}

typedef double v2 __attribute__((vector_size(16)));

/* rounds [lo, hi) of a finite model, drawing from r; s1, s2: the sums of
 * the deviations and of their squares, as tally() makes them */
static void play_finite(const sim_ctx *cx, gsl_rng *r, uint64_t lo, uint64_t hi, double *s1, double *s2)
{
    const ow_workspace *w = cx->w;
    const ow_game *g = w->g;
    const ow_solution *sol = cx->sol;
    const size_t m = g->m, T = g->T;
    const uint32_t n = (uint32_t)g->n;
    const double *wa = cx->wa, *nb = cx->nb, *ob = cx->ob, *ref = cx->ref, *Mv = w->M;
    const uint32_t *sN = w->sN;
    const acc_map *am = cx->am;
    gsl_ran_discrete_t *pickA = cx->pickA, *pickB = cx->pickB;
    uint32_t J[OW_SIM_BATCH], I[OW_SIM_BATCH];
    /* the seven figures in pairs (the last pair padded with 0 - 0), the
     * sums in registers: each lane adds what tally() adds, in the same order */
    const v2 r01 = { ref[0], ref[1] }, r23 = { ref[2], ref[3] }, r45 = { ref[4], ref[5] }, r6 = { ref[6], 0 };
    v2 a01 = { 0, 0 }, a23 = a01, a45 = a01, a6 = a01, q01 = a01, q23 = a01, q45 = a01, q6 = a01;
    for (uint64_t t0 = lo; t0 < hi; t0 += OW_SIM_BATCH) {
        size_t nk = hi - t0 < OW_SIM_BATCH ? (size_t)(hi - t0) : OW_SIM_BATCH;
        for (size_t k = 0; k < nk; k++) {       /* B's type, then A's, round by round */
            J[k] = T == 1 ? 0 : (uint32_t)ow__discrete_draw(r, pickB);
            I[k] = pickA ? (uint32_t)ow__discrete_draw(r, pickA) : draw_below(r, n);
        }
        for (size_t k = 0; k < nk; k++) {
            size_t j = J[k];
            uint32_t i = I[k];
            const ow_offer *o = &sol->offers[j];
            const acc_map *A = &am[j];
            uint64_t word = A->bits[i >> 6], below = word & ((1ull << (i & 63)) - 1);
            unsigned acc = (unsigned)(word >> (i & 63)) & 1;
            double dA = A->delta[A->rank[i >> 6] + (uint32_t)__builtin_popcountll(below)];
            double M = Mv[i];
            size_t sn = sN[i];
            const double x4[2] = { M, M + (o->payment - dA) };
            const double x5[2] = { ob[j * m + sn], wa[j * m + o->action] - o->payment };
            double x2 = nb[j * m + sn], x4s = x4[acc], x5s = x5[acc];
            v2 d01 = (v2){ M + x2, M } - r01, d23 = (v2){ x2, x4s + x5s } - r23;
            v2 d45 = (v2){ x4s, x5s } - r45, d6 = (v2){ (double)acc, 0 } - r6;
            a01 += d01; q01 += d01 * d01;
            a23 += d23; q23 += d23 * d23;
            a45 += d45; q45 += d45 * d45;
            a6 += d6; q6 += d6 * d6;
        }
    }
    s1[0] = a01[0]; s1[1] = a01[1]; s1[2] = a23[0]; s1[3] = a23[1]; s1[4] = a45[0]; s1[5] = a45[1]; s1[6] = a6[0];
    s2[0] = q01[0]; s2[1] = q01[1]; s2[2] = q23[0]; s2[3] = q23[1]; s2[4] = q45[0]; s2[5] = q45[1]; s2[6] = q6[0];
}

/* rounds [lo, hi) of a model with continuous A types; u: m doubles */
static void play_continuous(const sim_ctx *cx, gsl_rng *r, double *u, uint64_t lo, uint64_t hi,
                            double *s1, double *s2)
{
    const ow_game *g = cx->w->g;
    const ow_solution *sol = cx->sol;
    const size_t m = g->m, T = g->T;
    for (uint64_t t = lo; t < hi; t++) {
        size_t j = T == 1 ? 0 : ow__discrete_draw(r, cx->pickB);
        const ow_offer *o = &sol->offers[j];
        double x[NSTAT];
        size_t sn = 0;
        for (size_t a = 0; a < m; a++) {
            u[a] = ow__dist_sample(&g->dists[a], r);
            if (u[a] > u[sn]) sn = a;
        }
        double M = u[sn];
        int accept = M - u[o->action] <= o->payment;
        x[1] = M;
        x[2] = cx->nb[j * m + sn];
        x[0] = x[1] + x[2];
        if (accept) {
            x[4] = M + (u[o->action] + o->payment - M);   /* A's gain added to her Nash payoff */
            x[5] = cx->wa[j * m + o->action] - o->payment;
        } else {
            x[4] = M;
            x[5] = cx->ob[j * m + sn];
        }
        x[6] = accept;
        x[3] = x[4] + x[5];
        tally(x, cx->ref, s1, s2);
    }
}

/* blocks [first, first + count) into cs[0..count-1], in parallel */
static ow_status run_blocks(const sim_ctx *cx, uint64_t rounds, uint64_t seed, uint64_t first,
                            size_t count, stat *cs, ow_error *err)
{
    const ow_game *g = cx->w->g;
    const double *ref = cx->ref;
    int fail = 0;
    memset(cs, 0, count * sizeof *cs);
    #pragma omp parallel
    {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
        double *u = g->finite ? NULL : malloc(g->m * sizeof *u);
        if (!r || (!g->finite && !u)) {
            #pragma omp atomic write
            fail = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < count; c++) {
            if (!r || (!g->finite && !u)) continue;
            uint64_t blk = first + c;
            gsl_rng_set(r, (unsigned long)ow__mix64(seed ^ ow__mix64(blk)));
            uint64_t lo = blk * OW_SIM_BLOCK, hi = lo + OW_SIM_BLOCK < rounds ? lo + OW_SIM_BLOCK : rounds;
            double s1[NSTAT] = { 0 }, s2[NSTAT] = { 0 };
            if (g->finite) play_finite(cx, r, lo, hi, s1, s2);
            else play_continuous(cx, r, u, lo, hi, s1, s2);
            double nn = (double)(hi - lo);
            cs[c].n = nn;
            for (int q = 0; q < NSTAT; q++) {
                cs[c].mean[q] = ref[q] + s1[q] / nn;
                cs[c].m2[q] = fmax(s2[q] - s1[q] * s1[q] / nn, 0);
            }
        }
        free(u);
        gsl_rng_free(r);
    }
    if (fail) return ow__fail(err, OW_ENOMEM, "out of memory in the simulation");
    return OW_OK;
}

uint64_t ow_sim_num_blocks(uint64_t rounds)
{
    return (rounds + OW_SIM_BLOCK - 1) / OW_SIM_BLOCK;
}

static void finish(const stat *total, uint64_t rounds, uint64_t seed, ow_sim_result *out)
{
    out->rounds = rounds;
    out->seed = seed;
    ow_estimate *e[NSTAT] = { &out->nash_welfare, &out->nash_payoff_A, &out->nash_payoff_B,
                              &out->so_welfare, &out->so_payoff_A, &out->so_payoff_B, &out->so_accept };
    for (int i = 0; i < NSTAT; i++) {
        e[i]->mean = total->mean[i];
        e[i]->se = sqrt(total->m2[i] / (total->n - 1) / total->n);
    }
}

void ow_sim_combine(const ow_sim_block *blocks, uint64_t count, uint64_t rounds,
                    uint64_t seed, ow_sim_result *out)
{
    stat total;
    memset(&total, 0, sizeof total);
    for (uint64_t b = 0; b < count; b++) merge(&total, &blocks[b]);
    finish(&total, rounds, seed, out);
}

/* the chunked driver behind ow_simulate and ow_simulate_blocks: blocks
 * [first, first+count), each chunk either merged into *total or copied out */
static ow_status drive(const ow_workspace *w, const ow_solution *sol, uint64_t rounds, uint64_t seed,
                       uint64_t first, uint64_t count, stat *total, ow_sim_block *out,
                       ow_progress_fn progress, void *progress_arg, ow_error *err)
{
    if (rounds < 2) return ow__fail(err, OW_EINPUT, "need at least 2 rounds, found %llu", (unsigned long long)rounds);
    if (first + count > ow_sim_num_blocks(rounds)) return ow__fail(err, OW_EINPUT, "blocks out of range");
    sim_ctx cx;
    ow_status st = ctx_init(&cx, w, sol, err);
    if (st) return st;
    int nt = 1;
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    size_t chunk = (size_t)nt * 32;     /* blocks between progress calls: few barriers */
    stat *cs = ow__malloc(chunk, sizeof *cs, err);
    if (!cs) { ctx_free(&cx); return OW_ENOMEM; }
    for (uint64_t b0 = 0; b0 < count; b0 += chunk) {
        size_t nc = (size_t)(count - b0 < chunk ? count - b0 : chunk);
        if ((st = run_blocks(&cx, rounds, seed, first + b0, nc, cs, err))) break;
        if (total) for (size_t c = 0; c < nc; c++) merge(total, &cs[c]);
        else memcpy(out + b0, cs, nc * sizeof *cs);
        if (progress && progress(b0 + nc, count, progress_arg)) { st = ow__fail(err, OW_EINPUT, "stopped"); break; }
    }
    free(cs);
    ctx_free(&cx);
    return st;
}

ow_status ow_simulate_blocks(const ow_workspace *w, const ow_solution *sol,
                             uint64_t rounds, uint64_t seed, uint64_t first,
                             uint64_t count, ow_sim_block *out,
                             ow_progress_fn progress, void *progress_arg,
                             ow_error *err)
{
    return drive(w, sol, rounds, seed, first, count, NULL, out, progress, progress_arg, err);
}

typedef struct prog { ow_progress_fn f; void *arg; uint64_t rounds; } prog;

static int block_progress(uint64_t done, uint64_t total, void *arg)
{
    prog *p = arg;
    (void)total;
    uint64_t r = done * OW_SIM_BLOCK;
    return p->f(r < p->rounds ? r : p->rounds, p->rounds, p->arg);
}

ow_status ow_simulate(const ow_workspace *w, const ow_solution *sol,
                      uint64_t rounds, uint64_t seed, ow_progress_fn progress,
                      void *progress_arg, ow_sim_result *out, ow_error *err)
{
    stat total;
    memset(&total, 0, sizeof total);
    prog p = { progress, progress_arg, rounds };
    ow_status st = drive(w, sol, rounds, seed, 0, rounds < 2 ? 0 : ow_sim_num_blocks(rounds), &total, NULL,
                         progress ? block_progress : NULL, &p, err);
    if (st) return st;
    finish(&total, rounds, seed, out);
    return OW_OK;
}
