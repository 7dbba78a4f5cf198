/*
 * amodel.c -- probabilities of A's behaviour in an `independent` model.
 *
 * With u_A(a) drawn independently from D_a, every quantity the engine
 * needs is one integral over one action's payoff x of (g0 + g1 x) times a
 * product over the other actions of F(x + s), F^-(x + s) or f(x + s):
 *
 *   q_a          = int prod_{a'<a} F^-(x) prod_{a'>a} F(x) dF_a(x)
 *   P(a, c)      = Pr[max_{a'!=a} u_a' <= u_a + c] = int prod F(x + c) dF_a
 *   R_{a'}(a, c) = Pr[s^N = a', Delta_A(a) > c]
 *                = int prod_{a''<a'} F^- prod_{a''>a'} F * F_a^-(x - c) dF_a'
 *   E[max (u + s)] = sum_a int (x + s_a) prod ... dF_a
 *
 * An atomic D_a turns the integral into a sum over its atoms (exact); a
 * density is integrated with GSL's QAGS on the pieces between the points
 * where a factor jumps or kinks (the other actions' atoms and support ends,
 * shifted), so each piece is smooth up to integrable end-point
 * singularities, which QAGS's extrapolation handles.  Tolerances give a
 * relative error far below the spec's 1e-9.
 */
#include "internal.h"
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define OW_EPSREL 1e-12
#define OW_ACCEPT_REL 1e-10   /* what we accept when GSL reports round-off */

typedef struct integrand {
    const ow_game *g;
    size_t own;
    double g0, g1;
    const ow__factor *f;
} integrand;

static double product(const integrand *in, double x)
{
    const ow_game *g = in->g;
    double p = in->g0 + in->g1 * x;
    for (size_t a = 0; a < g->m && p != 0.0; a++) {
        if (a == in->own) continue;
        const ow__factor *f = &in->f[a];
        switch (f->kind) {
        case OW_F_ONE: break;
        case OW_F_CDF: p *= ow__dist_cdf(&g->dists[a], x + f->shift, 0); break;
        case OW_F_CDF_STRICT: p *= ow__dist_cdf(&g->dists[a], x + f->shift, 1); break;
        case OW_F_PDF: p *= ow__dist_pdf(&g->dists[a], x + f->shift); break;
        }
    }
    return p;
}

static double integrand_fn(double x, void *arg)
{
    const integrand *in = arg;
    double d = ow__dist_pdf(&in->g->dists[in->own], x);
    return d == 0.0 ? 0.0 : d * product(in, x);
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

ow_status ow__integrate(const ow_workspace *w, size_t own, double g0,
                        double g1, const ow__factor *f, double *res,
                        ow_error *err)
{
    const ow_game *g = w->g;
    const ow__dist *d = &g->dists[own];
    integrand in = { g, own, g0, g1, f };
    if (ow__dist_is_atomic(d)) {
        double s = 0;
        for (size_t i = 0; i < d->natoms; i++) s += d->px[i] * product(&in, d->x[i]);
        *res = s;
        return OW_OK;
    }
    /* break points: where some factor jumps or kinks */
    size_t nb = 2;
    for (size_t a = 0; a < g->m; a++)
        if (a != own && f[a].kind != OW_F_ONE)
            nb += ow__dist_is_atomic(&g->dists[a]) ? g->dists[a].natoms : 2;
    double *pts = malloc(nb * sizeof *pts);
    if (!pts) return ow__fail(err, OW_ENOMEM, "out of memory");
    size_t np = 0;
    double lo = d->lo, hi = d->hi;
    pts[np++] = lo;
    pts[np++] = hi;
    for (size_t a = 0; a < g->m; a++) {
        if (a == own || f[a].kind == OW_F_ONE) continue;
        const ow__dist *e = &g->dists[a];
        if (ow__dist_is_atomic(e)) {
            for (size_t i = 0; i < e->natoms; i++) {
                double x = e->x[i] - f[a].shift;
                if (x > lo && x < hi) pts[np++] = x;
            }
        } else {
            double x = e->lo - f[a].shift, y = e->hi - f[a].shift;
            if (x > lo && x < hi) pts[np++] = x;
            if (y > lo && y < hi) pts[np++] = y;
        }
    }
    qsort(pts, np, sizeof *pts, dcmp);
    int thread = 0;
#ifdef _OPENMP
    thread = omp_get_thread_num();
#endif
    gsl_integration_workspace *iw = w->iws[(size_t)thread % w->niws];
    gsl_function F = { integrand_fn, &in };
    double scale = fabs(g0) + fabs(g1) * fmax(fabs(lo), fabs(hi));
    double epsabs = 1e-15 * (scale > 0 ? scale : 1.0);
    double total = 0;
    ow_status st = OW_OK;
    for (size_t i = 0; i + 1 < np; i++) {
        if (!(pts[i + 1] > pts[i])) continue;
        double r = 0, e = 0;
        int rc = gsl_integration_qags(&F, pts[i], pts[i + 1], epsabs, OW_EPSREL,
                                      iw->limit, iw, &r, &e);
        if (rc && !(e <= OW_ACCEPT_REL * fabs(r) + 1e-12 * (scale > 0 ? scale : 1.0))) {
            st = ow__fail(err, OW_ENUMERIC, "integration over [%g, %g] failed: %s (estimate %g, error %g)",
                          pts[i], pts[i + 1], gsl_strerror(rc), r, e);
            break;
        }
        total += r;
    }
    free(pts);
    *res = total;
    return st;
}

/* factors of P(a, c): all others F(x + c) */
static void accept_factors(const ow_game *g, size_t a, double c, ow__factor *f)
{
    for (size_t i = 0; i < g->m; i++) { f[i].kind = OW_F_CDF; f[i].shift = c; }
    f[a].kind = OW_F_ONE;
}

ow_status ow__accept_prob_cont(const ow_workspace *w, size_t a, double c,
                               double *P, double *dP, ow_error *err)
{
    const ow_game *g = w->g;
    if (c < 0) { if (P) *P = 0; if (dP) *dP = 0; return OW_OK; }
    ow__factor *f = malloc(g->m * sizeof *f);
    if (!f) return ow__fail(err, OW_ENOMEM, "out of memory");
    ow_status s = OW_OK;
    accept_factors(g, a, c, f);
    if (P) {
        if ((s = ow__integrate(w, a, 1, 0, f, P, err))) goto out;
        if (*P > 1) *P = 1;
        if (*P < 0) *P = 0;
    }
    if (dP) {
        *dP = 0;
        for (size_t b = 0; b < g->m; b++) {
            if (b == a || ow__dist_is_atomic(&g->dists[b])) continue;
            double r;
            f[b].kind = OW_F_PDF;
            if ((s = ow__integrate(w, a, 1, 0, f, &r, err))) goto out;
            f[b].kind = OW_F_CDF;
            *dP += r;
        }
    }
out:
    free(f);
    return s;
}

ow_status ow__reject_probs_cont(const ow_workspace *w, size_t a, double c,
                                double *R, double *dR, double *rejA,
                                ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m;
    ow__factor *f = malloc(m * sizeof *f);
    if (!f) return ow__fail(err, OW_ENOMEM, "out of memory");
    ow_status s = OW_OK;
    if (rejA) *rejA = 0;
    for (size_t o = 0; o < m; o++) {
        if (o == a) { R[o] = 0; if (dR) dR[o] = 0; continue; }
        for (size_t i = 0; i < m; i++) {
            f[i].kind = i < o ? OW_F_CDF_STRICT : OW_F_CDF;
            f[i].shift = 0;
        }
        f[o].kind = OW_F_ONE;
        f[a].kind = OW_F_CDF_STRICT;
        f[a].shift = -c;
        if ((s = ow__integrate(w, o, 1, 0, f, &R[o], err))) break;
        if (rejA) {
            double r;
            if ((s = ow__integrate(w, o, 0, 1, f, &r, err))) break;
            *rejA += r;
        }
        if (dR) {
            if (ow__dist_is_atomic(&g->dists[a])) dR[o] = 0;
            else {
                f[a].kind = OW_F_PDF;
                if ((s = ow__integrate(w, o, 1, 0, f, &dR[o], err))) break;
                dR[o] = -dR[o];
            }
        }
    }
    free(f);
    return s;
}

ow_status ow__accepted_A_cont(const ow_workspace *w, size_t a, double c,
                              double *res, ow_error *err)
{
    const ow_game *g = w->g;
    ow__factor *f = malloc(g->m * sizeof *f);
    if (!f) return ow__fail(err, OW_ENOMEM, "out of memory");
    accept_factors(g, a, c, f);
    ow_status s = ow__integrate(w, a, c, 1, f, res, err);
    free(f);
    return s;
}

/* Over the argmax of u + sh (lowest index on ties): for each action a the
 * integral of (x + sh_a) (with_x) or of 1 over {a wins}; into per[a] and
 * their sum (either may be NULL). */
static ow_status argmax_integrals(const ow_workspace *w, const double *sh, int with_x,
                                  double *per, double *sum, ow_error *err)
{
    const ow_game *g = w->g;
    size_t m = g->m;
    ow__factor *f = malloc(m * sizeof *f);
    if (!f) return ow__fail(err, OW_ENOMEM, "out of memory");
    ow_status s = OW_OK;
    double total = 0;
    for (size_t a = 0; a < m && !s; a++) {
        double sa = sh ? sh[a] : 0;
        for (size_t i = 0; i < m; i++) {
            f[i].kind = i < a ? OW_F_CDF_STRICT : OW_F_CDF;
            f[i].shift = sa - (sh ? sh[i] : 0);
        }
        f[a].kind = OW_F_ONE;
        double r = 0;
        s = ow__integrate(w, a, with_x ? sa : 1, with_x ? 1 : 0, f, &r, err);
        if (per) per[a] = r;
        total += r;
    }
    free(f);
    if (sum) *sum = total;
    return s;
}

ow_status ow__expected_max_cont(const ow_workspace *w, const double *sh,
                                double *res, ow_error *err)
{
    return argmax_integrals(w, sh, 1, NULL, res, err);
}

ow_status ow__choice_probs_cont(const ow_workspace *w, const double *sh, double *P,
                                ow_error *err)
{
    return argmax_integrals(w, sh, 0, P, NULL, err);
}
