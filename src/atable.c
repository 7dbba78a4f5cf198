/*
 * atable.c -- A's types as a finite table, for the linear programs.
 *
 * Finite models are taken as they are.  A continuous (`independent`)
 * model is discretised into K equally likely types: action a's payoff in
 * type r is the midpoint quantile F_a^-1((pi_a(r) + 1/2) / K), with pi_a
 * the identity for the first action whose distribution is not a point mass
 * and a fixed pseudo-random permutation (seeded by the action's index) for
 * every other: a Latin hypercube, so each action's marginal is matched
 * exactly at K strata and, when a single action is random (the bilateral
 * trade reduction), the table is the plain K-point midpoint rule, which
 * converges as K grows.  Trade-off: with several random actions the joint
 * distribution is only sampled, not integrated; docs/mechanisms.md says so.
 */
#include "internal.h"
#include "oneway_mech.h"
#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

void ow_atable_free(ow_atable *t)
{
    if (!t) return;
    free(t->u); free(t->p); free(t);
}

size_t ow_atable_size(const ow_atable *t) { return t->n; }
int ow_atable_discretised(const ow_atable *t) { return t->discretised; }
double ow_atable_prob(const ow_atable *t, size_t i) { return t->p[i]; }
double ow_atable_payoff(const ow_atable *t, size_t i, size_t a) { return t->u[i * t->m + a]; }

ow_atable *ow_atable_alloc(const ow_game *g, size_t points, ow_error *err)
{
    size_t m = g->m, n;
    if (g->finite && g->compact) {
        ow__fail(err, OW_EINPUT, "A's types come from a CSV file, whose full payoff table is not kept; the linear "
                 "programs need it: give the types inline (\"samples\" or \"discrete\")");
        return NULL;
    }
    if (g->finite) n = g->n;
    else {
        if (points < 2) { ow__fail(err, OW_EINPUT, "--points must be at least 2, found %zu", points); return NULL; }
        n = points;
    }
    if (n > OW_LP_MAX_POINTS) {
        ow__fail(err, OW_ETOOBIG, "A has %zu types%s; the linear programs take at most %d (OW_LP_MAX_POINTS)", n,
                 g->finite ? "" : " (--points)", OW_LP_MAX_POINTS);
        return NULL;
    }
    if ((double)n * (double)g->T * (double)m > OW_LP_MAX_CELLS) {
        ow__fail(err, OW_ETOOBIG, "%zu A types x %zu B types x %zu actions is too large for the linear programs "
                 "(at most %d, OW_LP_MAX_CELLS)", n, g->T, m, OW_LP_MAX_CELLS);
        return NULL;
    }
    ow_atable *t = calloc(1, sizeof *t);
    size_t *perm = NULL;
    gsl_rng *rng = NULL;
    if (!t) goto nomem;
    t->n = n; t->m = m;
    t->u = malloc(n * m * sizeof *t->u);
    t->p = malloc(n * sizeof *t->p);
    if (!t->u || !t->p) goto nomem;
    if (g->finite) {
        memcpy(t->u, g->u, n * m * sizeof *t->u);
        for (size_t i = 0; i < n; i++) t->p[i] = g->equal_weights ? 1.0 / (double)n : g->wt[i];
        return t;
    }
    t->discretised = 1;
    perm = malloc(n * sizeof *perm);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!perm || !rng) goto nomem;
    int first = 1;
    for (size_t a = 0; a < m; a++) {
        const ow__dist *d = &g->dists[a];
        for (size_t r = 0; r < n; r++) perm[r] = r;
        if (d->kind != OW_DIST_CONSTANT) {
            if (!first) {
                gsl_rng_set(rng, 20261203UL + a);
                gsl_ran_shuffle(rng, perm, n, sizeof *perm);
            }
            first = 0;
        }
        for (size_t r = 0; r < n; r++)
            t->u[r * m + a] = ow__dist_quantile(d, ((double)perm[r] + 0.5) / (double)n);
    }
    for (size_t r = 0; r < n; r++) t->p[r] = 1.0 / (double)n;
    free(perm);
    gsl_rng_free(rng);
    return t;
nomem:
    free(perm);
    if (rng) gsl_rng_free(rng);
    ow_atable_free(t);
    ow__fail(err, OW_ENOMEM, "out of memory");
    return NULL;
}
