/*
 * solve.c -- everything `oneway solve` reports, assembled from the modules.
 *
 * Nash without payments, the full-information optimum (Definition 1) and
 * the ex-ante benchmark of the paper's examples, the prices of anarchy, and
 * B's single offer with the limited strategy of Theorem 6 for every type.
 * Finite models give exact sums; continuous ones integrals, except
 * Definition 2's E[OPT/SW_N], which is then a Monte Carlo estimate reported
 * with its standard error, seed and sample count.
 */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MC_BLOCK 4096

void ow_solve_options_default(ow_solve_options *o)
{
    o->model = OW_MODEL_PAPER;
    o->seed = 1;
    o->mc_samples = 1000000;
    o->part = 0;
    o->nparts = 1;
    o->mechanisms = 0;
    o->cache_bytes = 0;
}

void ow_solution_free(ow_solution *s)
{
    if (!s) return;
    free(s->q); free(s->nash_B); free(s->offers); free(s->limited);
    free(s->opt_type); free(s->ratio_type); free(s->ratio_type_ok);
    free(s);
}

static size_t argmax_tol(const double *v, size_t n)
{
    double best = v[0];
    for (size_t i = 1; i < n; i++) if (v[i] > best) best = v[i];
    size_t i = 0;
    while (v[i] < best - ow__tol(best)) i++;
    return i;
}

/* Finite: W_OPT and E[OPT/SW_N].  Per B type, OPT_i is row i's own choice
 * M_i + w(s^N_i) plus the largest gain w(a) - Delta_A(a, i) - w(s^N_i) > 0;
 * action a can gain only if Delta_A(a, i) < w(a) - min_a' w(a') (a prefix
 * of a's sorted entries), and the gain is checked from the entry's stored
 * Nash action before the row's slot is touched. */
/* The optimum's updates best[P[t]] = max(best[P[t]], v) land on random
 * rows, and best[] (8 bytes a row) outgrows the cache on big games: an
 * update then costs a miss.  So updates are first appended to one buffer
 * per block of OPT_ROW_BLOCK rows and applied a buffer at a time, while
 * that block of best[] is in cache; only updates that can change best
 * (v > 0) are kept.  Games whose best[] fits the cache update directly:
 * up to OPT_DIRECT_ROWS rows (2 MB) always, and beyond while every
 * thread's best[] fits in half the last-level cache (the bench's large
 * game, 8 MB a thread, on a 32 MB L3: 0.52 -> 0.34 s; a random update
 * that hits L3 costs less than buffering it). */
#ifndef OPT_ROW_SHIFT
#define OPT_ROW_SHIFT 17                       /* 2^17 rows: 1 MB of best[] a block */
#endif
#ifndef OPT_DIRECT_ROWS
#define OPT_DIRECT_ROWS ((size_t)1 << 18)
#endif
#ifndef OPT_BUF_ENTRIES
#define OPT_BUF_ENTRIES ((size_t)1 << 21)      /* buffered updates a thread, all blocks */
#endif

typedef struct opt_buf { size_t nb, cap, *fill; uint32_t *row; double *v; } opt_buf;

static void opt_flush(double *best, opt_buf *ub, size_t b)
{
    const uint32_t *r = ub->row + b * ub->cap;
    const double *v = ub->v + b * ub->cap;
    for (size_t q = 0; q < ub->fill[b]; q++) {
        double x = best[r[q]];
        best[r[q]] = v[q] > x ? v[q] : x;
    }
    ub->fill[b] = 0;
}

static ow_status optimum_finite(const ow_workspace *w, const double *wj, const double *uBN,
                                const ow_solve_options *opt, ow_solution *s, ow_error *err)
{
    const ow_game *g = w->g;
    size_t n = g->n, m = g->m, T = g->T;
    double *o_j = s->opt_type, *r_j = s->ratio_type;
    /* in place while the threads' best[] fit in half the last-level cache */
    size_t cache = opt->cache_bytes ? opt->cache_bytes : ow__llc_bytes(), nth = 1;
#ifdef _OPENMP
    nth = (size_t)omp_get_max_threads();
#endif
    int direct = n <= OPT_DIRECT_ROWS || nth * n * sizeof(double) <= cache / 2;
    size_t nblk = direct ? 1 : (n + ((size_t)1 << OPT_ROW_SHIFT) - 1) >> OPT_ROW_SHIFT;
    int fail = 0, eqw = g->equal_weights;
    double wt0 = n ? g->wt[0] : 0;
    #pragma omp parallel
    {
        /* zero again after each type; written here, not calloc'ed: the
         * scan reads best[] first, and reads of fresh pages map the zero
         * page that each first write must then unmap on every CPU */
        double *best = malloc((n ? n : 1) * sizeof *best);
        if (best) memset(best, 0, (n ? n : 1) * sizeof *best);
        opt_buf ub = { nblk, OPT_BUF_ENTRIES / (nblk ? nblk : 1), NULL, NULL, NULL };
        if (ub.cap < 4096) ub.cap = 4096;
        if (nblk > 1) {
            ub.fill = calloc(nblk, sizeof *ub.fill);
            ub.row = malloc(nblk * ub.cap * sizeof *ub.row);
            ub.v = malloc(nblk * ub.cap * sizeof *ub.v);
        }
        int bad = !best || (nblk > 1 && (!ub.fill || !ub.row || !ub.v));
        if (bad) {
            #pragma omp atomic write
            fail = 1;
        }
        #pragma omp for schedule(dynamic, 1)
        for (size_t j = 0; j < T; j++) {
            if (bad || j % opt->nparts != opt->part) continue;
            const double *wr = wj + j * m;
            double minw = wr[0];
            for (size_t a = 1; a < m; a++) minw = fmin(minw, wr[a]);
            /* best[i]: how much more than its own choice row i can give.
             * An entry with Delta_A >= w(a) - min w cannot beat its row's own
             * choice, so each action's scan stops there; below, whether an
             * entry wins is unpredictable, so nothing branches on it (best
             * starts at 0: v <= 0 changes nothing). */
            for (size_t a = 0; a < m; a++) {
                double thr = wr[a] - minw;
                const double *D = w->D[a];
                const uint32_t *P = w->P[a];
                size_t K = w->K[a];
                /* the same scan for either width of the stored Nash actions */
#define OPT_SCAN(S)                                                             \
                if (nblk <= 1) {                                                \
                    for (size_t t = 0; t < K && D[t] < thr; t++) {              \
                        double v = wr[a] - D[t] - wr[S[t]], b = best[P[t]];     \
                        best[P[t]] = v > b ? v : b;                             \
                    }                                                           \
                } else {                                                        \
                    for (size_t t = 0; t < K && D[t] < thr; t++) {              \
                        double v = wr[a] - D[t] - wr[S[t]];                     \
                        uint32_t p = P[t];                                      \
                        size_t b = p >> OPT_ROW_SHIFT, q = ub.fill[b];          \
                        ub.row[b * ub.cap + q] = p;                             \
                        ub.v[b * ub.cap + q] = v;                               \
                        ub.fill[b] = q + (v > 0);                               \
                        if (ub.fill[b] == ub.cap) opt_flush(best, &ub, b);      \
                    }                                                           \
                }
                if (w->S8) { const uint8_t *S8 = w->S8[a]; OPT_SCAN(S8) }
                else { const uint32_t *S32 = w->S[a]; OPT_SCAN(S32) }
#undef OPT_SCAN
            }
            for (size_t b = 0; b < ub.nb && nblk > 1; b++) opt_flush(best, &ub, b);
            /* row by row: OPT_i, its share of both sums, and best[] reset
             * for the next type (one pass over best, M and the Nash actions) */
            double os = 0, rs = 0;
            int ok = 1;
            const double *ubn = uBN + j * m, *M = w->M;
            const uint32_t *sN = w->sN;
            const uint8_t *sN8 = w->sN8;
            for (size_t i = 0; i < n; i++) {
                size_t a = sN8 ? sN8[i] : sN[i];
                double b = best[i] + (M[i] + wr[a]), swn = M[i] + ubn[a], wt = eqw ? wt0 : g->wt[i];
                best[i] = 0;
                os += wt * b;
                if (swn > 0) rs += wt * b / swn;
                else if (wt > 0 && g->pi[j] > 0) ok = 0;
            }
            o_j[j] = os;
            r_j[j] = rs;
            s->ratio_type_ok[j] = ok;
        }
        free(best);
        free(ub.fill); free(ub.row); free(ub.v);
    }
    if (fail) return ow__fail(err, OW_ENOMEM, "out of memory computing the optimum");
    return OW_OK;
}

/* Continuous: E[OPT/SW_N] by Monte Carlo, blocks of MC_BLOCK draws each
 * with its own stream, combined in block order (thread-independent). */
static void ratio_mc(const ow_workspace *w, const double *wj, const double *uBN,
                     const size_t *unused, uint64_t seed, size_t N,
                     double *mean, double *se, int *ok_out)
{
    const ow_game *g = w->g;
    size_t m = g->m, T = g->T;
    size_t nb = (N + MC_BLOCK - 1) / MC_BLOCK;
    double *bs = calloc(nb, sizeof *bs), *bq = calloc(nb, sizeof *bq);
    double *cum = malloc(T * sizeof *cum);
    int ok = 1;
    (void)unused;
    if (!bs || !bq || !cum) { free(bs); free(bq); free(cum); *ok_out = 0; *mean = NAN; *se = NAN; return; }
    double acc = 0;
    for (size_t j = 0; j < T; j++) { acc += g->pi[j]; cum[j] = acc; }
    #pragma omp parallel reduction(&&:ok)
    {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        double *u = malloc(m * sizeof *u);
        #pragma omp for schedule(static)
        for (size_t b = 0; b < nb; b++) {
            if (!r || !u) { ok = 0; continue; }
            gsl_rng_set(r, (unsigned long)ow__mix64(seed ^ ow__mix64(0x5eedULL + b)));
            size_t lo = b * MC_BLOCK, hi = lo + MC_BLOCK < N ? lo + MC_BLOCK : N;
            double s = 0, q = 0;
            for (size_t t = lo; t < hi; t++) {
                double x = gsl_rng_uniform(r);
                size_t j = 0;
                while (j + 1 < T && x >= cum[j]) j++;
                size_t sn = 0;
                for (size_t a = 0; a < m; a++) {
                    u[a] = ow__dist_sample(&g->dists[a], r);
                    if (u[a] > u[sn]) sn = a;
                }
                double best = -INFINITY;
                for (size_t a = 0; a < m; a++) if (u[a] + wj[j * m + a] > best) best = u[a] + wj[j * m + a];
                double swn = u[sn] + uBN[j * m + sn];
                if (!(swn > 0)) { ok = 0; continue; }
                double v = best / swn;
                s += v; q += v * v;
            }
            bs[b] = s; bq[b] = q;
        }
        free(u);
        gsl_rng_free(r);
    }
    double s = 0, q = 0;
    for (size_t b = 0; b < nb; b++) { s += bs[b]; q += bq[b]; }
    double mu = s / (double)N, var = q / (double)N - mu * mu;
    *mean = mu;
    *se = N > 1 ? sqrt(fmax(var, 0) / (double)(N - 1)) : NAN;
    *ok_out = ok;
    free(bs); free(bq); free(cum);
}

void ow_solution_finish(ow_solution *s, const ow_workspace *w)
{
    const ow_game *g = w->g;
    size_t T = g->T;
    int ok = 1;
    /* every sum in type order, so the result does not depend on threads or ranks */
    s->opt_welfare = 0;
    double r = 0;
    s->so_welfare = s->so_payoff_A = s->so_payoff_B = 0;
    s->so_payment = s->so_transfer = s->so_accept_prob = 0;
    for (size_t j = 0; j < T; j++) {
        double p = g->pi[j];
        const ow_offer *o = &s->offers[j];
        s->opt_welfare += p * s->opt_type[j];
        r += p * s->ratio_type[j];
        ok = ok && s->ratio_type_ok[j];
        s->so_welfare += p * o->welfare;
        s->so_payoff_A += p * o->payoff_A;
        s->so_payoff_B += p * o->payoff_B;
        s->so_payment += p * o->payment;
        s->so_transfer += p * o->payment * o->accept_prob;
        s->so_accept_prob += p * o->accept_prob;
    }
    s->poa_null_reason = NULL;
    if (g->finite) s->poa_nash_expected = r;
    else if (!s->poa_nash_expected_samples)
        s->poa_null_reason = "E[OPT/SW_N] not estimated (no Monte Carlo samples asked for)";
    if (!ok) {
        s->poa_nash_expected = NAN;
        s->poa_null_reason = "some type pair has a Nash welfare that is not positive";
    }
    s->poa_nash = s->nash_welfare > 0 ? s->opt_welfare / s->nash_welfare : NAN;
    s->poa_single = s->so_welfare > 0 ? s->opt_welfare / s->so_welfare : NAN;
    if (!(s->nash_welfare > 0) || !(s->so_welfare > 0))
        s->poa_null_reason = "a welfare in the denominator is not positive";
}

ow_solution *ow_solve(const ow_workspace *w, const ow_solve_options *opt,
                      ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m, k = g->k, T = g->T;
    ow_solve_options def;
    if (!opt) { ow_solve_options_default(&def); opt = &def; }
    ow_solution *s = ow__malloc(1, sizeof *s, err);
    double *wj = NULL, *uBN = NULL;
    if (!s) return NULL;
    s->model = opt->model;
    s->exact = 1;
    s->m = m; s->k = k; s->T = T;
    s->q = ow__malloc(m, sizeof *s->q, err);
    s->nash_B = ow__malloc(T, sizeof *s->nash_B, err);
    s->offers = ow__malloc(T, sizeof *s->offers, err);
    s->limited = ow__malloc(T, sizeof *s->limited, err);
    s->opt_type = ow__malloc(T, sizeof *s->opt_type, err);
    s->ratio_type = ow__malloc(T, sizeof *s->ratio_type, err);
    s->ratio_type_ok = ow__malloc(T, sizeof *s->ratio_type_ok, err);
    wj = ow__malloc(T * m, sizeof *wj, err);
    uBN = ow__malloc(T * m, sizeof *uBN, err);
    if (!s->q || !s->nash_B || !s->offers || !s->limited || !wj || !uBN ||
        !s->opt_type || !s->ratio_type || !s->ratio_type_ok) goto err;
    if (opt->nparts == 0 || opt->part >= opt->nparts) { ow__fail(err, OW_EINPUT, "part %zu of %zu", opt->part, opt->nparts); goto err; }
    for (size_t j = 0; j < T; j++) s->ratio_type_ok[j] = 1;
    memcpy(s->q, w->q, m * sizeof *s->q);

    /* Nash */
    s->nash_payoff_A = w->EM;
    s->nash_payoff_B = 0;
    for (size_t j = 0; j < T; j++) {
        size_t b = argmax_tol(w->tot + j * k, k);
        s->nash_B[j] = b;
        s->nash_payoff_B += g->pi[j] * w->tot[j * k + b];
        for (size_t a = 0; a < m; a++) {
            wj[j * m + a] = ow__best_B(g, j, a, NULL);
            uBN[j * m + a] = ow__ub(g, j, a)[b];
        }
    }
    s->nash_welfare = s->nash_payoff_A + s->nash_payoff_B;

    /* optimum */
    s->opt_welfare_ex_ante = 0;
    for (size_t j = 0; j < T; j++) {
        double best = -INFINITY;
        for (size_t a = 0; a < m; a++) {
            double mean = g->finite ? w->colmean[a] : ow__dist_mean(&g->dists[a]);
            if (mean + wj[j * m + a] > best) best = mean + wj[j * m + a];
        }
        s->opt_welfare_ex_ante += g->pi[j] * best;
    }
    int ratio_ok = 1;
    if (g->finite) {
        if (optimum_finite(w, wj, uBN, opt, s, err)) goto err;
    } else {
        for (size_t j = 0; j < T; j++) {
            if (j % opt->nparts != opt->part) continue;
            if (ow__expected_max_cont(w, wj + j * m, &s->opt_type[j], err)) goto err;
        }
        if (opt->mc_samples >= 2) {
            s->exact = 0;
            s->poa_nash_expected_samples = opt->mc_samples;
            s->poa_nash_expected_seed = opt->seed;
            if (opt->part == 0)
                ratio_mc(w, wj, uBN, NULL, opt->seed, opt->mc_samples,
                         &s->poa_nash_expected, &s->poa_nash_expected_se, &ratio_ok);
            if (!ratio_ok) s->ratio_type_ok[0] = 0;
        } else {
            s->poa_nash_expected = NAN;
        }
    }

    /* single offer, per B type */
    ow_status st = OW_OK;
    ow_error terr = { OW_OK, "" };
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t j = 0; j < T; j++) {
        if (j % opt->nparts != opt->part) continue;
        ow_error e = { OW_OK, "" };
        ow_status r = ow_offer_solve(w, j, opt->model, &s->offers[j], &e);
        if (!r) r = ow_limited_solve(w, j, &s->limited[j], &e);
        if (r) {
            #pragma omp critical
            { if (!st) { st = r; terr = e; } }
        }
    }
    if (st) { if (err) *err = terr; goto err; }
    if (opt->nparts == 1) ow_solution_finish(s, w);
    free(wj); free(uBN);
    return s;
err:
    free(wj); free(uBN);
    ow_solution_free(s);
    return NULL;
}
