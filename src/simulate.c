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
 */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#ifndef OW_SIM_BLOCK
#define OW_SIM_BLOCK 65536
#endif
#define NSTAT 7

typedef struct stat { double n, mean[NSTAT], m2[NSTAT]; } stat;

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

static void push(stat *s, const double *x)
{
    s->n += 1;
    for (int i = 0; i < NSTAT; i++) {
        double d = x[i] - s->mean[i];
        s->mean[i] += d / s->n;
        s->m2[i] += d * (x[i] - s->mean[i]);
    }
}

static size_t pick(const double *cum, size_t n, double x)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x < cum[mid]) hi = mid; else lo = mid + 1;
    }
    return lo;
}

ow_status ow_simulate(const ow_workspace *w, const ow_solution *sol,
                      uint64_t rounds, uint64_t seed, ow_progress_fn progress,
                      void *progress_arg, ow_sim_result *out, ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m, T = g->T;
    if (rounds < 2) return ow__fail(err, OW_EINPUT, "need at least 2 rounds, found %llu", (unsigned long long)rounds);
    double *cumB = ow__malloc(T, sizeof *cumB, err);
    double *cumA = g->finite && !g->equal_weights ? ow__malloc(g->n, sizeof *cumA, err) : NULL;
    double *wa = ow__malloc(T * m, sizeof *wa, err);
    uint64_t nblocks = (rounds + OW_SIM_BLOCK - 1) / OW_SIM_BLOCK;
    int nt = 1;
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    size_t chunk = (size_t)nt * 4;
    stat *cs = ow__malloc(chunk, sizeof *cs, err);
    ow_status st = OW_OK;
    if (!cumB || !wa || !cs || (g->finite && !g->equal_weights && !cumA)) { st = OW_ENOMEM; goto out; }
    double acc = 0;
    for (size_t j = 0; j < T; j++) { acc += g->pi[j]; cumB[j] = acc; }
    cumB[T - 1] = INFINITY;
    if (cumA) {
        acc = 0;
        for (size_t i = 0; i < g->n; i++) { acc += g->wt[i]; cumA[i] = acc; }
        cumA[g->n - 1] = INFINITY;
    }
    for (size_t j = 0; j < T; j++)
        for (size_t a = 0; a < m; a++) wa[j * m + a] = ow__best_B(g, j, a, NULL);
    stat total;
    memset(&total, 0, sizeof total);
    int fail = 0;
    for (uint64_t b0 = 0; b0 < nblocks; b0 += chunk) {
        size_t nc = (size_t)(nblocks - b0 < chunk ? nblocks - b0 : chunk);
        memset(cs, 0, nc * sizeof *cs);
        #pragma omp parallel
        {
            gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
            double *u = malloc((g->finite ? 1 : m) * sizeof *u);
            if (!r || !u) {
                #pragma omp atomic write
                fail = 1;
            }
            #pragma omp for schedule(static)
            for (size_t c = 0; c < nc; c++) {
                if (!r || !u) continue;
                uint64_t blk = b0 + c;
                gsl_rng_set(r, (unsigned long)ow__mix64(seed ^ ow__mix64(blk)));
                uint64_t lo = blk * OW_SIM_BLOCK, hi = lo + OW_SIM_BLOCK < rounds ? lo + OW_SIM_BLOCK : rounds;
                stat s;
                memset(&s, 0, sizeof s);
                for (uint64_t t = lo; t < hi; t++) {
                    size_t j = T == 1 ? 0 : pick(cumB, T, gsl_rng_uniform(r));
                    const double *ua;
                    if (g->finite) {
                        size_t i = g->equal_weights ? (size_t)gsl_rng_uniform_int(r, g->n)
                                                    : pick(cumA, g->n, gsl_rng_uniform(r));
                        ua = g->u + i * m;
                    } else {
                        for (size_t a = 0; a < m; a++) u[a] = ow__dist_sample(&g->dists[a], r);
                        ua = u;
                    }
                    size_t sn = 0;
                    for (size_t a = 1; a < m; a++) if (ua[a] > ua[sn]) sn = a;
                    double M = ua[sn], x[NSTAT];
                    x[1] = M;
                    x[2] = ow__ub(g, j, sn)[sol->nash_B[j]];
                    x[0] = x[1] + x[2];
                    const ow_offer *o = &sol->offers[j];
                    if (M - ua[o->action] <= o->payment) {
                        x[4] = ua[o->action] + o->payment;
                        x[5] = wa[j * m + o->action] - o->payment;
                        x[6] = 1;
                    } else {
                        x[4] = M;
                        x[5] = ow__ub(g, j, sn)[o->outside];
                        x[6] = 0;
                    }
                    x[3] = x[4] + x[5];
                    push(&s, x);
                }
                cs[c] = s;
            }
            free(u);
            gsl_rng_free(r);
        }
        if (fail) { st = ow__fail(err, OW_ENOMEM, "out of memory in the simulation"); goto out; }
        for (size_t c = 0; c < nc; c++) merge(&total, &cs[c]);
        uint64_t done = (b0 + nc) * OW_SIM_BLOCK;
        if (progress && progress(done < rounds ? done : rounds, rounds, progress_arg)) {
            st = ow__fail(err, OW_EINPUT, "stopped");
            goto out;
        }
    }
    out->rounds = rounds;
    out->seed = seed;
    ow_estimate *e[NSTAT] = { &out->nash_welfare, &out->nash_payoff_A, &out->nash_payoff_B,
                              &out->so_welfare, &out->so_payoff_A, &out->so_payoff_B, &out->so_accept };
    for (int i = 0; i < NSTAT; i++) {
        e[i]->mean = total.mean[i];
        e[i]->se = sqrt(total.m2[i] / (total.n - 1) / total.n);
    }
out:
    free(cumB); free(cumA); free(wa); free(cs);
    return st;
}
