/*
 * offer.c -- the single-offer mechanism (paper section 5).
 *
 * For B's type j and an action a, B offers payment c; A accepts iff
 * Delta_A(a) <= c.  Two models of B's choice:
 *   paper  maximise V(a,c) = u^O(a) + P(a,c) (Delta_B(a) - c), c in [0, Delta_B]
 *   bayes  maximise B's true payoff
 *          P(a,c)(w(a) - c) + max_b sum_{a'} R_{a'}(a,c) u_B(a', b)
 * and both are evaluated by the true expectation of what they produce.
 *
 * Finite models: the optimum lies at c = 0 or at a sorted Delta_A value
 * (the last of a run of equal values), so it is found exactly by scanning
 * the sorted prefix (the bayes model needs only c <= w(a) - min u_B: beyond,
 * every extra acceptance costs B more than any rejection could).
 *
 * Continuous models: P(a, .) is right-continuous with jumps only at atoms
 * of Delta_A.  The objective is evaluated on a grid over each piece between
 * jumps; every local maximum of the grid is refined by solving the
 * first-order condition with Brent's method (or golden section when the
 * derivative does not bracket), and the best of all refined maxima and
 * all jump points wins.  The grid is what keeps us out of a local maximum
 * of a multimodal objective; its size is OW_GRID.
 */
#include "internal.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>
#include <stdlib.h>
#include <string.h>

#ifndef OW_GRID
#define OW_GRID 256
#endif

/* ----------------------------------------------------------- evaluation */

double ow_offer_max_payment(const ow_workspace *w, size_t a)
{
    return w->g->finite ? w->tau[a] : INFINITY;
}

ow_status ow_offer_eval(const ow_workspace *w, size_t j, size_t a, double c,
                        size_t b, ow_offer *out, ow_error *err)
{
    const ow_game *g = w->g;
    if (j >= g->T || a >= g->m || b >= g->k)
        return ow__fail(err, OW_EINPUT, "offer index out of range (type %zu, action %zu, outside %zu)", j, a, b);
    if (!(c >= 0) || !isfinite(c))
        return ow__fail(err, OW_EINPUT, "payment must be finite and >= 0, found %g", c);
    size_t sb;
    double wa = ow__best_B(g, j, a, &sb), uO;
    ow_outside_option(w, j, a, NULL, &uO);
    memset(out, 0, sizeof *out);
    out->type = j; out->action = a; out->payment = c; out->outside = b;
    out->outside_value = uO;
    out->delta_B = wa - uO;
    out->gamma = out->delta_B > 0 ? c / out->delta_B : NAN;
    size_t m = g->m, k = g->k;
    if (g->finite) {
        if (c > w->tau[a])
            return ow__fail(err, OW_EINPUT, "payment %g for %s is beyond %g, the largest any offer can use, so this game "
                            "(samples from CSV) does not keep what it would need", c, g->a_names[a], w->tau[a]);
        size_t n = w->n, cnt = ow__count_le(w, a, c);
        const double *D = w->D[a];
        const uint32_t *P = w->P[a];
        const double *ubj = g->ub + j * g->m * k + b;     /* u_B(a', b, j) at ubj[a' * k] */
        double Pacc = 0, sumD = 0, accB = 0;
        if (g->equal_weights) {
            for (size_t i = 0; i < cnt; i++) { sumD += D[i]; accB += ubj[ow__entry_nash(w, a, i) * k]; }
            Pacc = (double)cnt / (double)n;
            sumD /= (double)n;
            accB /= (double)n;
        } else {
            for (size_t i = 0; i < cnt; i++) {
                double wt = g->wt[P[i]];
                Pacc += wt;
                sumD += wt * D[i];
                accB += wt * ubj[ow__entry_nash(w, a, i) * k];
            }
        }
        out->accept_prob = Pacc;
        out->payoff_A = w->EM + Pacc * c - sumD;
        out->payoff_B = Pacc * (wa - c) + (w->tot[j * k + b] - accB);
    } else {
        double *R = ow__malloc(m, sizeof *R, err);
        if (!R) return OW_ENOMEM;
        double Pacc, accA, rejA;
        ow_status s;
        if ((s = ow__accept_prob_cont(w, a, c, &Pacc, NULL, err)) ||
            (s = ow__accepted_A_cont(w, a, c, &accA, err)) ||
            (s = ow__reject_probs_cont(w, a, c, R, NULL, &rejA, err))) { free(R); return s; }
        double rejB = 0;
        for (size_t i = 0; i < m; i++) rejB += R[i] * ow__ub(g, j, i)[b];
        free(R);
        out->accept_prob = Pacc;
        out->payoff_A = accA + rejA;
        out->payoff_B = Pacc * (wa - c) + rejB;
    }
    out->welfare = out->payoff_A + out->payoff_B;
    return OW_OK;
}

/* ------------------------------------------- continuous: 1-D maximisation */

/* f(c) and f'(c) of the objective being maximised (continuous models) */
typedef struct objective {
    const ow_workspace *w;
    size_t j, a, b;          /* b: bayes outside action */
    int bayes;
    double x;                /* paper: Delta_B;  bayes: w(a) */
    double *R, *dR;          /* m scratch */
    ow_error *err;
    ow_status st;
} objective;

static double obj_eval(objective *o, double c, double *deriv, double *bvals)
{
    const ow_game *g = o->w->g;
    double P, dP;
    ow_status s = ow__accept_prob_cont(o->w, o->a, c, &P, deriv ? &dP : NULL, o->err);
    if (s) { o->st = s; return NAN; }
    if (!o->bayes) {
        if (deriv) *deriv = dP * (o->x - c) - P;
        return P * (o->x - c);
    }
    s = ow__reject_probs_cont(o->w, o->a, c, o->R, deriv ? o->dR : NULL, NULL, o->err);
    if (s) { o->st = s; return NAN; }
    double acc = P * (o->x - c);
    if (bvals) {              /* all outside actions at once */
        for (size_t b = 0; b < g->k; b++) {
            double r = 0;
            for (size_t i = 0; i < g->m; i++) r += o->R[i] * ow__ub(g, o->j, i)[b];
            bvals[b] = acc + r;
        }
    }
    double r = 0, dr = 0;
    for (size_t i = 0; i < g->m; i++) {
        r += o->R[i] * ow__ub(g, o->j, i)[o->b];
        if (deriv) dr += o->dR[i] * ow__ub(g, o->j, i)[o->b];
    }
    if (deriv) *deriv = dP * (o->x - c) - P + dr;
    return acc + r;
}

static double fprime(double c, void *p) { double d = 0; obj_eval(p, c, &d, NULL); return d; }
static double fneg(double c, void *p) { return -obj_eval(p, c, NULL, NULL); }

/* refine a grid maximum at c0 bracketed by (lo, hi) */
static double refine(objective *o, double lo, double c0, double hi, double f0)
{
    double dlo, dhi;
    obj_eval(o, lo, &dlo, NULL);
    obj_eval(o, hi, &dhi, NULL);
    if (o->st) return c0;
    double best = c0;
    if (dlo > 0 && dhi < 0) {
        gsl_function F = { fprime, o };
        gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
        if (!s) return c0;
        if (!gsl_root_fsolver_set(s, &F, lo, hi)) {
            for (int it = 0; it < 200; it++) {
                if (gsl_root_fsolver_iterate(s)) break;
                double l = gsl_root_fsolver_x_lower(s), h = gsl_root_fsolver_x_upper(s);
                if (gsl_root_test_interval(l, h, 0, 4e-16) == GSL_SUCCESS) break;
            }
            best = gsl_root_fsolver_root(s);
        }
        gsl_root_fsolver_free(s);
    } else {
        double flo = obj_eval(o, lo, NULL, NULL), fhi = obj_eval(o, hi, NULL, NULL);
        if (f0 > flo && f0 > fhi) {
            gsl_function F = { fneg, o };
            gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
            if (!s) return c0;
            if (!gsl_min_fminimizer_set_with_values(s, &F, c0, -f0, lo, -flo, hi, -fhi)) {
                for (int it = 0; it < 200; it++) {
                    if (gsl_min_fminimizer_iterate(s)) break;
                    double l = gsl_min_fminimizer_x_lower(s), h = gsl_min_fminimizer_x_upper(s);
                    if (gsl_min_test_interval(l, h, 0, 1e-12) == GSL_SUCCESS) break;
                }
                best = gsl_min_fminimizer_x_minimum(s);
            }
            gsl_min_fminimizer_free(s);
        }
    }
    double fb = obj_eval(o, best, NULL, NULL);
    return (fb >= f0) ? best : c0;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Maximise the objective over [0, cmax]; *cbest, *fbest (and for bayes
 * *bbest).  Ties: smallest c. */
static ow_status maximise(objective *o, double cmax, double *cbest, double *fbest, size_t *bbest)
{
    const ow_workspace *w = o->w;
    const ow_game *g = w->g;
    size_t a = o->a, k = o->bayes ? g->k : 1;
    size_t nj = w->njumps[a];
    double *cut = ow__malloc(nj + 2, sizeof *cut, o->err);
    double *grid = ow__malloc((size_t)OW_GRID + 1, sizeof *grid, o->err);
    double *vals = ow__malloc(((size_t)OW_GRID + 1) * k, sizeof *vals, o->err);
    double *bv = ow__malloc(k, sizeof *bv, o->err);
    ow_status st = OW_OK;
    if (!cut || !grid || !vals || !bv) { st = OW_ENOMEM; goto out; }
    size_t nc = 0;
    cut[nc++] = 0;
    for (size_t i = 0; i < nj; i++) {
        double x = w->jumps[w->jump_off[a] + i];
        if (x > 0 && x < cmax) cut[nc++] = x;
    }
    cut[nc++] = cmax;
    qsort(cut, nc, sizeof *cut, dcmp);
    double fb = -INFINITY, cb = 0;
    size_t bb = 0;
#define CONSIDER(c_, f_, b_) do { double f__ = (f_), c__ = (c_); \
        if (f__ > fb + ow__tol(fb) || (f__ >= fb - ow__tol(fb) && c__ < cb)) { fb = f__; cb = c__; bb = (b_); } } while (0)
    /* every cut point is a candidate (right-continuous jumps) */
    for (size_t i = 0; i < nc; i++) {
        if (i && cut[i] == cut[i - 1]) continue;
        double f = obj_eval(o, cut[i], NULL, o->bayes ? bv : NULL);
        if (o->st) { st = o->st; goto out; }
        if (o->bayes) for (size_t b = 0; b < k; b++) CONSIDER(cut[i], bv[b], b);
        else CONSIDER(cut[i], f, 0);
    }
    size_t npieces = 0;
    for (size_t i = 0; i + 1 < nc; i++) if (cut[i + 1] > cut[i]) npieces++;
    size_t G = npieces ? (size_t)OW_GRID / npieces : 0;
    if (G < 8) G = 8;
    if (G > OW_GRID) G = OW_GRID;
    for (size_t p = 0; p + 1 < nc; p++) {
        double l = cut[p], r = cut[p + 1];
        if (!(r > l)) continue;
        /* grid l = g0 < g1 < ... < gG = r^- */
        for (size_t i = 0; i <= G; i++) {
            grid[i] = l + (r - l) * (double)i / (double)G;
            if (i == G) grid[i] = r - (r - l) * 1e-12;
            double f = obj_eval(o, grid[i], NULL, o->bayes ? bv : NULL);
            if (o->st) { st = o->st; goto out; }
            for (size_t b = 0; b < k; b++) vals[i * k + b] = o->bayes ? bv[b] : f;
        }
        for (size_t b = 0; b < k; b++) {
            for (size_t i = 1; i < G; i++) {
                double f = vals[i * k + b];
                if (!(f >= vals[(i - 1) * k + b] && f >= vals[(i + 1) * k + b])) continue;
                if (f < fb - fabs(fb) * 1e-3 - 1e-300) continue;   /* far from best */
                o->b = b;
                double c = refine(o, grid[i - 1], grid[i], grid[i + 1], f);
                double fc = obj_eval(o, c, NULL, NULL);
                if (o->st) { st = o->st; goto out; }
                CONSIDER(c, fc, b);
            }
        }
    }
#undef CONSIDER
    *cbest = cb; *fbest = fb;
    if (bbest) *bbest = bb;
out:
    free(cut); free(grid); free(vals); free(bv);
    return st;
}

/* --------------------------------------------------------- finite scans */

/* paper model, finite: best c in [0, x] for action a; returns P(c)(x - c).
 * The envelope query of finite.c; for x <= 0 only c = 0 is allowed. */
static double paper_scan(const ow_workspace *w, size_t a, double x, double *cbest)
{
    *cbest = 0;
    if (x <= 0) {
        size_t n0 = w->nzero[a];
        double W = n0 == 0 ? 0 : w->g->equal_weights ? (double)n0 / (double)w->n : w->cumw[a][n0 - 1];
        return W * x;
    }
    uint32_t pos;
    double v = ow__hull_query(w, a, x, &pos);
    if (pos != UINT32_MAX && w->D[a][pos] > 0) *cbest = w->D[a][pos];
    return v;
}

/* bayes model, finite: best (c, b) for action a; returns B's true payoff.
 * Stops early when no later payment can beat the best found (every
 * rejected type gives B at most tot_b - W minB_b, see ow_offer_solve). */
static double bayes_scan(const ow_workspace *w, size_t j, size_t a, double *acc,
                         double *cbest, size_t *bbest)
{
    const ow_game *g = w->g;
    size_t n = w->n, k = g->k, K = w->K[a];
    const double *D = w->D[a];
    const uint32_t *P = w->P[a];
    const double *tot = w->tot + j * k;
    double wa = ow__best_B(g, j, a, NULL), minB = INFINITY;
    for (size_t i = 0; i < g->m * k; i++) if (g->ub[j * g->m * k + i] < minB) minB = g->ub[j * g->m * k + i];
    double cmax = wa - minB;
    for (size_t b = 0; b < k; b++) acc[b] = 0;
    double best = -INFINITY, cb = 0, W = 0;
    size_t bb = 0;
    /* c = 0 with nobody accepting (when no type has Delta_A = 0) */
    if (w->nzero[a] == 0) {
        for (size_t b = 0; b < k; b++) if (tot[b] > best + ow__tol(best)) { best = tot[b]; bb = b; }
    }
    double wt_eq = 1.0 / (double)n;
    for (size_t i = 0; i < K && D[i] <= cmax; i++) {
        double wt = g->equal_weights ? wt_eq : g->wt[P[i]];
        const double *u = ow__ub(g, j, ow__entry_nash(w, a, i));
        for (size_t b = 0; b < k; b++) acc[b] += wt * u[b];
        W = g->equal_weights ? (double)(i + 1) / (double)n : w->cumw[a][i];
        if (i + 1 < K && D[i + 1] == D[i]) continue;
        double rb = -INFINITY;
        size_t bi = 0;
        for (size_t b = 0; b < k; b++) if (tot[b] - acc[b] > rb) rb = tot[b] - acc[b];
        while (tot[bi] - acc[bi] < rb - ow__tol(rb)) bi++;
        double v = W * (wa - D[i]) + rb;
        if (v > best + ow__tol(best)) { best = v; cb = D[i] > 0 ? D[i] : 0; bb = bi; }
    }
    *cbest = cb;
    *bbest = bb;
    return best;
}

/* ------------------------------------------------------------- solvers */

static ow_status paper_best_c(const ow_workspace *w, size_t j, size_t a,
                              double *c, double *val, ow_error *err)
{
    double uO;
    ow_outside_option(w, j, a, NULL, &uO);
    double x = ow__best_B(w->g, j, a, NULL) - uO;
    if (w->g->finite) { *val = paper_scan(w, a, x, c); return OW_OK; }
    if (x <= 0) {
        double P;
        ow_status s = ow__accept_prob_cont(w, a, 0, &P, NULL, err);
        *c = 0; *val = P * x;
        return s;
    }
    objective o = { w, j, a, 0, 0, x, NULL, NULL, err, OW_OK };
    double cmax = fmin(x, w->dmax[a] > 0 ? w->dmax[a] : x);
    return maximise(&o, cmax, c, val, NULL);
}

ow_status ow_offer_solve_action(const ow_workspace *w, size_t j, size_t a,
                                ow_offer *out, ow_error *err)
{
    if (j >= w->g->T || a >= w->m) return ow__fail(err, OW_EINPUT, "index out of range");
    double c, v;
    size_t b;
    ow_status s = paper_best_c(w, j, a, &c, &v, err);
    if (s) return s;
    ow_outside_option(w, j, a, &b, NULL);
    return ow_offer_eval(w, j, a, c, b, out, err);
}

ow_status ow_offer_solve(const ow_workspace *w, size_t j, ow_model model,
                         ow_offer *out, ow_error *err)
{
    const ow_game *g = w->g;
    if (j >= g->T) return ow__fail(err, OW_EINPUT, "B type %zu out of range", j);
    size_t m = g->m, k = g->k, abest = 0, bbest = 0;
    double cbest = 0, vbest = -INFINITY, *ubnd = NULL;
    size_t *order = NULL;
    ow_status s = OW_OK;
    double *acc = ow__malloc(k, sizeof *acc, err);
    double *R = ow__malloc(m, sizeof *R, err), *dR = ow__malloc(m, sizeof *dR, err);
    if (!acc || !R || !dR) { s = OW_ENOMEM; goto out; }
    /* bayes, finite: an upper bound per action lets most actions be skipped:
     * B's payoff at (a, c) is at most max_b [H_a(w(a) - minB_b) + tot_b], H_a
     * the envelope of finite.c, minB_b = min over A's actions of u_B(., b) */
    if (model == OW_MODEL_BAYES && g->finite) {
        ubnd = ow__malloc(m, sizeof *ubnd, err);
        order = ow__malloc(m, sizeof *order, err);
        if (!ubnd || !order) { s = OW_ENOMEM; goto out; }
        for (size_t a = 0; a < m; a++) {
            double wa = ow__best_B(g, j, a, NULL), bound = -INFINITY;
            for (size_t b = 0; b < k; b++) {
                double minb = INFINITY;
                for (size_t i = 0; i < m; i++) minb = fmin(minb, ow__ub(g, j, i)[b]);
                double h = ow__hull_bound(w, a, wa - minb);
                bound = fmax(bound, fmax(h, 0) + w->tot[j * k + b]);
            }
            ubnd[a] = bound;
            order[a] = a;
        }
        for (size_t i = 1; i < m; i++)                 /* by bound, descending */
            for (size_t t = i; t > 0 && ubnd[order[t]] > ubnd[order[t - 1]]; t--) {
                size_t x = order[t]; order[t] = order[t - 1]; order[t - 1] = x;
            }
    }
    for (size_t oi = 0; oi < m; oi++) {
        size_t a = order ? order[oi] : oi;
        double c, v, uO;
        size_t b;
        if (order && ubnd[a] < vbest - ow__tol(vbest)) break;   /* no later action can win */
        if (model == OW_MODEL_PAPER) {
            if ((s = paper_best_c(w, j, a, &c, &v, err))) goto out;
            ow_outside_option(w, j, a, &b, &uO);
            v += uO;
        } else if (g->finite) {
            v = bayes_scan(w, j, a, acc, &c, &b);
        } else {
            double wa = ow__best_B(g, j, a, NULL), minB = INFINITY;
            for (size_t i = 0; i < m * k; i++) if (g->ub[j * m * k + i] < minB) minB = g->ub[j * m * k + i];
            double cmax = fmin(wa - minB, w->dmax[a]);
            objective o = { w, j, a, 0, 1, wa, R, dR, err, OW_OK };
            if (cmax <= 0) {
                double *bv = acc;
                obj_eval(&o, 0, NULL, bv);
                if ((s = o.st)) goto out;
                b = 0;
                for (size_t i = 1; i < k; i++) if (bv[i] > bv[b] + ow__tol(bv[b])) b = i;
                c = 0; v = bv[b];
            } else if ((s = maximise(&o, cmax, &c, &v, &b))) goto out;
        }
        if (v > vbest + ow__tol(vbest) || (v >= vbest - ow__tol(vbest) && a < abest)) {
            vbest = v; abest = a; cbest = c; bbest = b;
        }
    }
    s = ow_offer_eval(w, j, abest, cbest, bbest, out, err);
out:
    free(acc); free(R); free(dR); free(ubnd); free(order);
    return s;
}

ow_status ow_limited_solve(const ow_workspace *w, size_t j, ow_limited *out,
                           ow_error *err)
{
    const ow_game *g = w->g;
    if (j >= g->T) return ow__fail(err, OW_EINPUT, "B type %zu out of range", j);
    size_t a = 0;
    double best = ow__best_B(g, j, 0, NULL);
    for (size_t i = 1; i < g->m; i++) {
        double v = ow__best_B(g, j, i, NULL);
        if (v > best + ow__tol(best)) { best = v; a = i; }
    }
    ow_status s = ow_offer_solve_action(w, j, a, &out->offer, err);
    if (s) return s;
    double gm = out->offer.gamma, P = out->offer.accept_prob;
    out->bound = (isnan(gm) || gm <= 0) ? NAN : ((gm + 1) / gm) * (1 - P * (1 - gm));
    return OW_OK;
}

int ow_schedule_accepts(double delta, const double *c, const double *p, size_t n, size_t i)
{
    if (i >= n) return 0;
    double later = 0;                              /* p_{j+1} U_{j+1}, built from the end */
    for (size_t j = n; j-- > i + 1;) {
        double U = fmax(c[j] - delta, later);
        later = p[j] * U;
    }
    return c[i] - delta >= later;
}
