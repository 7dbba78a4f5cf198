/*
 * equilibrium.c -- the workspace: A's Nash behaviour without payments.
 *
 * s_A^N(theta) = argmax_a u_A(a, theta) (lowest index on ties), q_a its
 * distribution, E[max u_A], and for finite models Delta_A(a, .) sorted once
 * per action with the row it came from and that row's Nash action, plus the
 * paper model's envelope per action (finite.c), so that every B type's
 * offer is a query or a scan of a sorted prefix (offer.c) rather than a
 * pass over all types.  Games read from CSV arrive already sorted.
 * B's sums tot[j][b] = sum_a q_a u_B(a, b, j) give her Nash action and her
 * outside options.  Built once per game and read-only afterwards.
 */
#include "internal.h"
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static ow_status finite_init(ow_workspace *w, ow_error *err)
{
    const ow_game *g = w->g;
    size_t n = g->n, m = g->m;
    if (n > UINT32_MAX) return ow__fail(err, OW_ETOOBIG, "%zu A types exceed the limit of %u", n, UINT32_MAX);
    w->D = ow__malloc(m, sizeof *w->D, err);
    w->P = ow__malloc(m, sizeof *w->P, err);
    w->K = ow__malloc(m, sizeof *w->K, err);
    w->tau = ow__malloc(m, sizeof *w->tau, err);
    w->nzero = ow__malloc(m, sizeof *w->nzero, err);
    w->hull = ow__malloc(m, sizeof *w->hull, err);
    w->nhull = ow__malloc(m, sizeof *w->nhull, err);
    w->nkept = ow__malloc(m, sizeof *w->nkept, err);
    if (!w->D || !w->P || !w->K || !w->tau || !w->nzero || !w->hull || !w->nhull || !w->nkept) return OW_ENOMEM;
    if (g->compact) {
        /* csv.c kept the entries that matter, already sorted */
        w->M = g->M; w->sN = g->sN; w->colmean = g->colmean;
        for (size_t a = 0; a < m; a++) {
            w->D[a] = g->cd[a]; w->P[a] = g->cr[a]; w->K[a] = g->cn[a]; w->tau[a] = g->tau[a];
        }
    } else {
        /* every entry, from the sample matrix */
        w->own = 1;
        w->M = w->M_own = ow__malloc(n, sizeof *w->M_own, err);
        w->sN = w->sN_own = ow__malloc(n, sizeof *w->sN_own, err);
        w->colmean = w->colmean_own = ow__malloc(m, sizeof *w->colmean_own, err);
        if (!w->M_own || !w->sN_own || !w->colmean_own) return OW_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            const double *u = g->u + i * m;
            size_t best = 0;
            for (size_t a = 1; a < m; a++) if (u[a] > u[best]) best = a;
            w->M_own[i] = u[best];
            w->sN_own[i] = (uint32_t)best;
            for (size_t a = 0; a < m; a++) w->colmean_own[a] += g->wt[i] * u[a];
        }
        int fail = 0;
        #pragma omp parallel for schedule(dynamic, 1)
        for (size_t a = 0; a < m; a++) {
            double *d = malloc(n * sizeof *d);
            uint32_t *r = malloc(n * sizeof *r);
            if (d && r) {
                for (size_t i = 0; i < n; i++) { d[i] = w->M[i] - g->u[i * m + a]; r[i] = (uint32_t)i; }
                if (ow__radix_sort(d, r, n)) { 
                    #pragma omp atomic write
                    fail = 1;
                }
            } else {
                #pragma omp atomic write
                fail = 1;
            }
            w->D[a] = d; w->P[a] = r; w->K[a] = n; w->tau[a] = INFINITY;
        }
        if (fail) return ow__fail(err, OW_ENOMEM, "out of memory sorting Delta_A");
    }
    double EM = 0;
    for (size_t i = 0; i < n; i++) {
        w->q[w->sN[i]] += g->wt[i];
        EM += g->wt[i] * w->M[i];
    }
    w->EM = EM;
    if (!g->equal_weights) {
        w->cumw = ow__malloc(m, sizeof *w->cumw, err);
        if (!w->cumw) return OW_ENOMEM;
        for (size_t a = 0; a < m; a++) {
            w->cumw[a] = ow__malloc(w->K[a], sizeof **w->cumw, err);
            if (!w->cumw[a]) return OW_ENOMEM;
            double c = 0;
            for (size_t i = 0; i < w->K[a]; i++) { c += g->wt[w->P[a][i]]; w->cumw[a][i] = c; }
        }
    }
    /* S[a][t] = sN[P[a][t]]: random reads of sN, so they come from a copy
     * one byte a row when the actions allow it (it stays in cache), and
     * are stored a byte each then (a quarter of the memory and traffic) */
    uint8_t *sN8 = NULL;
    if (m <= 256 && (sN8 = malloc(n ? n : 1)))
        for (size_t i = 0; i < n; i++) sN8[i] = (uint8_t)w->sN[i];
    w->sN8 = sN8;                      /* kept: the optimum reads it too */
    if (sN8) w->S8 = ow__malloc(m, sizeof *w->S8, err);
    else w->S = ow__malloc(m, sizeof *w->S, err);
    if (!w->S8 && !w->S) return OW_ENOMEM;
    int fail2 = 0;
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t a = 0; a < m; a++) {
        size_t K = w->K[a];
        const uint32_t *P = w->P[a];
        if (sN8) {
            uint8_t *S = w->S8[a] = malloc(K ? K : 1);
            if (S) for (size_t i = 0; i < K; i++) S[i] = sN8[P[i]];
            else {
                #pragma omp atomic write
                fail2 = 1;
            }
        } else {
            uint32_t *S = w->S[a] = malloc((K ? K : 1) * sizeof *S);
            if (S) for (size_t i = 0; i < K; i++) S[i] = w->sN[P[i]];
            else {
                #pragma omp atomic write
                fail2 = 1;
            }
        }
    }
    if (fail2) return ow__fail(err, OW_ENOMEM, "out of memory");
    for (size_t a = 0; a < m; a++) {
        size_t nz = 0;
        while (nz < w->K[a] && w->D[a][nz] <= 0) nz++;
        w->nzero[a] = nz;
    }
    return OW_OK;
}

/* The paper model's envelopes (finite.c), once B's sums are known: each
 * covers only the entries below the largest Delta_B of its action. */
static ow_status finite_hulls(ow_workspace *w, ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m;
    w->hmax = ow__malloc(m, sizeof *w->hmax, err);
    if (!w->hmax) return OW_ENOMEM;
    for (size_t a = 0; a < m; a++) {
        double h = 0;
        for (size_t j = 0; j < g->T; j++) {
            double uO;
            ow_outside_option(w, j, a, NULL, &uO);
            h = fmax(h, ow__best_B(g, j, a, NULL) - uO);
        }
        w->hmax[a] = h;
    }
    int fail = 0;
    #pragma omp parallel for schedule(dynamic, 1)
    for (size_t a = 0; a < m; a++)
        if (ow__hull_build(w, a)) {
            #pragma omp atomic write
            fail = 1;
        }
    if (fail) return ow__fail(err, OW_ENOMEM, "out of memory");
    return OW_OK;
}

static ow_status cont_init(ow_workspace *w, ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m;
    ow__factor *f = ow__malloc(m, sizeof *f, err);
    if (!f) return OW_ENOMEM;
    ow_status s = OW_OK;
    for (size_t a = 0; a < m; a++) {
        for (size_t i = 0; i < m; i++) { f[i].kind = i < a ? OW_F_CDF_STRICT : OW_F_CDF; f[i].shift = 0; }
        f[a].kind = OW_F_ONE;
        if ((s = ow__integrate(w, a, 1, 0, f, &w->q[a], err))) goto out;
    }
    if ((s = ow__expected_max_cont(w, NULL, &w->EM, err))) goto out;
    /* atoms of Delta_A(a) above 0: differences of atoms (a superset) */
    w->njumps = ow__malloc(m, sizeof *w->njumps, err);
    w->jump_off = ow__malloc(m + 1, sizeof *w->jump_off, err);
    w->dmax = ow__malloc(m, sizeof *w->dmax, err);
    if (!w->njumps || !w->jump_off || !w->dmax) { s = OW_ENOMEM; goto out; }
    size_t total = 0;
    for (size_t a = 0; a < m; a++) {
        const ow__dist *d = &g->dists[a];
        double dm = 0;
        for (size_t b = 0; b < m; b++)
            if (b != a && g->dists[b].hi - d->lo > dm) dm = g->dists[b].hi - d->lo;
        w->dmax[a] = dm;
        size_t cnt = 0;
        if (ow__dist_is_atomic(d))
            for (size_t b = 0; b < m; b++)
                if (b != a && ow__dist_is_atomic(&g->dists[b])) cnt += d->natoms * g->dists[b].natoms;
        if (cnt > OW_MAX_ATOMS) { s = ow__fail(err, OW_ETOOBIG, "action %s: %zu possible atoms of Delta_A exceed the limit of %d", g->a_names[a], cnt, OW_MAX_ATOMS); goto out; }
        w->jump_off[a] = total;
        total += cnt;
    }
    w->jump_off[m] = total;
    w->jumps = ow__malloc(total, sizeof *w->jumps, err);
    if (!w->jumps) { s = OW_ENOMEM; goto out; }
    for (size_t a = 0; a < m; a++) {
        const ow__dist *d = &g->dists[a];
        double *J = w->jumps + w->jump_off[a];
        size_t c = 0;
        if (ow__dist_is_atomic(d))
            for (size_t b = 0; b < m; b++) {
                const ow__dist *e = &g->dists[b];
                if (b == a || !ow__dist_is_atomic(e)) continue;
                for (size_t i = 0; i < e->natoms; i++)
                    for (size_t k = 0; k < d->natoms; k++)
                        if (e->x[i] - d->x[k] > 0) J[c++] = e->x[i] - d->x[k];
            }
        w->njumps[a] = c;
    }
out:
    free(f);
    return s;
}

ow_workspace *ow_workspace_alloc(const ow_game *g, ow_error *err)
{
    gsl_set_error_handler_off();   /* GSL must report, never abort */
    ow_workspace *w = ow__malloc(1, sizeof *w, err);
    if (!w) return NULL;
    w->g = g;
    w->m = g->m;
    w->n = g->finite ? g->n : 0;
    w->q = ow__malloc(g->m, sizeof *w->q, err);
    w->tot = ow__malloc(g->T * g->k, sizeof *w->tot, err);
    if (!w->q || !w->tot) goto err;
    int nt = 1;
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    w->niws = (size_t)nt;
    w->iws = ow__malloc(w->niws, sizeof *w->iws, err);
    if (!w->iws) goto err;
    for (size_t i = 0; i < w->niws; i++)
        if (!(w->iws[i] = gsl_integration_workspace_alloc(1000))) { ow__fail(err, OW_ENOMEM, "out of memory"); goto err; }
    if ((g->finite ? finite_init(w, err) : cont_init(w, err)) != OW_OK) goto err;
    for (size_t j = 0; j < g->T; j++)
        for (size_t a = 0; a < g->m; a++) {
            const double *r = ow__ub(g, j, a);
            if (w->q[a] != 0.0)
                for (size_t b = 0; b < g->k; b++) w->tot[j * g->k + b] += w->q[a] * r[b];
        }
    if (g->finite && finite_hulls(w, err)) goto err;
    return w;
err:
    ow_workspace_free(w);
    return NULL;
}

void ow_workspace_free(ow_workspace *w)
{
    if (!w) return;
    if (w->iws)
        for (size_t i = 0; i < w->niws; i++)
            if (w->iws[i]) gsl_integration_workspace_free(w->iws[i]);
    free(w->iws);
    if (w->own && w->D)
        for (size_t a = 0; a < w->m; a++) { free(w->D[a]); free(w->P[a]); }
    if (w->cumw) for (size_t a = 0; a < w->m; a++) free(w->cumw[a]);
    if (w->hull) for (size_t a = 0; a < w->m; a++) free(w->hull[a]);
    free(w->sN8);
    if (w->S) for (size_t a = 0; a < w->m; a++) free(w->S[a]);
    if (w->S8) for (size_t a = 0; a < w->m; a++) free(w->S8[a]);
    free(w->S);
    free(w->S8);
    free(w->cumw); free(w->hull); free(w->nhull); free(w->nkept); free(w->hmax); free(w->tau); free(w->K);
    free(w->M_own); free(w->sN_own); free(w->colmean_own);
    free(w->q); free(w->tot); free(w->D); free(w->P);
    free(w->nzero); free(w->jumps); free(w->njumps); free(w->jump_off); free(w->dmax);
    free(w);
}

double ow_nash_prob(const ow_workspace *w, size_t a) { return w->q[a]; }
double ow_nash_payoff_A(const ow_workspace *w) { return w->EM; }

/* number of sorted entries of action a with Delta_A <= c */
size_t ow__count_le(const ow_workspace *w, size_t a, double c)
{
    const double *D = w->D[a];
    size_t lo = 0, hi = w->K[a];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (D[mid] <= c) lo = mid + 1; else hi = mid;
    }
    return lo;
}

ow_status ow_accept_prob(const ow_workspace *w, size_t a, double c,
                         double *P, ow_error *err)
{
    if (a >= w->m) return ow__fail(err, OW_EINPUT, "action index %zu out of range", a);
    if (!w->g->finite) return ow__accept_prob_cont(w, a, c, P, NULL, err);
    if (c > w->tau[a])
        return ow__fail(err, OW_EINPUT, "payment %g for %s is beyond %g, the largest any offer can use, so this game "
                        "(samples from CSV) does not keep what it would need", c, w->g->a_names[a], w->tau[a]);
    size_t cnt = c < 0 ? 0 : ow__count_le(w, a, c);
    *P = cnt == 0 ? 0 : w->g->equal_weights ? (double)cnt / (double)w->n : w->cumw[a][cnt - 1];
    return OW_OK;
}

void ow_outside_option(const ow_workspace *w, size_t j, size_t a,
                       size_t *b, double *value)
{
    const ow_game *g = w->g;
    size_t k = g->k;
    double qa = w->q[a];
    if (qa >= 1.0 - 1e-12) {  /* A always plays a: the outside option is moot */
        double v = ow__best_B(g, j, a, b);
        if (value) *value = v;
        return;
    }
    const double *tot = w->tot + j * k, *r = ow__ub(g, j, a);
    double best = -INFINITY;
    for (size_t i = 0; i < k; i++) {
        double v = tot[i] - qa * r[i];
        if (v > best) best = v;
    }
    size_t bi = 0;
    while (tot[bi] - qa * r[bi] < best - ow__tol(best)) bi++;
    if (b) *b = bi;
    if (value) *value = best / (1.0 - qa);
}
