/*
 * dist.c -- the distributions of A's payoffs in an `independent` model.
 *
 * Each distribution is either atomic (constant, discrete: a sorted list of
 * distinct values with probabilities) or has a density (uniform, normal,
 * beta, power, exponential); none is mixed, which keeps every integral in
 * amodel.c a plain sum or a plain density integral.  CDFs, densities and
 * sampling come from GSL.  Unbounded supports are cut where the tail mass
 * is below the smallest double (normal: 38.5 sd; exponential: 745/rate),
 * so integrals run over finite intervals with no loss of accuracy.
 *
 * Parameters p[] by kind:
 *   constant    p0 = value
 *   uniform     p0 = low, p1 = high
 *   normal      p0 = mean, p1 = sd
 *   beta        p0 = a, p1 = b, p2 = low, p3 = high
 *   power       p0 = beta, p1 = high            CDF (x/high)^beta on [0,high]
 *   exponential p0 = rate
 */
#include "internal.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ow__dist_is_atomic(const ow__dist *d)
{
    return d->kind == OW_DIST_CONSTANT || d->kind == OW_DIST_DISCRETE;
}

void ow__dist_clear(ow__dist *d)
{
    if (!d) return;
    free(d->x);
    free(d->px);
    d->x = d->px = NULL;
    d->natoms = 0;
}

typedef struct { double x, p; } atom;

static int atom_cmp(const void *a, const void *b)
{
    double x = ((const atom *)a)->x, y = ((const atom *)b)->x;
    return (x > y) - (x < y);
}

int ow__dist_prepare(ow__dist *d, char *msg, size_t len)
{
    const double *p = d->p;
    switch (d->kind) {
    case OW_DIST_CONSTANT:
        d->natoms = 1;
        d->x = malloc(sizeof(double));
        d->px = malloc(sizeof(double));
        if (!d->x || !d->px) { snprintf(msg, len, "out of memory"); return -1; }
        d->x[0] = p[0];
        d->px[0] = 1.0;
        break;
    case OW_DIST_DISCRETE: {
        /* sort by value and merge equal values */
        atom *t = malloc(d->natoms * sizeof *t);
        if (!t) { snprintf(msg, len, "out of memory"); return -1; }
        for (size_t i = 0; i < d->natoms; i++) { t[i].x = d->x[i]; t[i].p = d->px[i]; }
        qsort(t, d->natoms, sizeof *t, atom_cmp);
        size_t n = 0;
        for (size_t i = 0; i < d->natoms; i++) {
            if (n && t[i].x == d->x[n - 1]) { d->px[n - 1] += t[i].p; continue; }
            d->x[n] = t[i].x; d->px[n] = t[i].p; n++;
        }
        d->natoms = n;
        free(t);
        break;
    }
    case OW_DIST_UNIFORM:
        if (!(p[0] < p[1])) { snprintf(msg, len, "expected low < high, found low = %g, high = %g", p[0], p[1]); return -1; }
        d->lo = p[0]; d->hi = p[1];
        break;
    case OW_DIST_NORMAL:
        if (!(p[1] > 0)) { snprintf(msg, len, "expected sd > 0, found %g", p[1]); return -1; }
        d->lo = p[0] - 38.5 * p[1]; d->hi = p[0] + 38.5 * p[1];
        break;
    case OW_DIST_BETA:
        if (!(p[0] > 0)) { snprintf(msg, len, "expected a > 0, found %g", p[0]); return -1; }
        if (!(p[1] > 0)) { snprintf(msg, len, "expected b > 0, found %g", p[1]); return -1; }
        if (!(p[2] < p[3])) { snprintf(msg, len, "expected low < high, found low = %g, high = %g", p[2], p[3]); return -1; }
        d->lo = p[2]; d->hi = p[3];
        break;
    case OW_DIST_POWER:
        if (!(p[0] > 0)) { snprintf(msg, len, "expected beta > 0, found %g", p[0]); return -1; }
        if (!(p[1] > 0)) { snprintf(msg, len, "expected high > 0, found %g", p[1]); return -1; }
        d->lo = 0; d->hi = p[1];
        break;
    case OW_DIST_EXPONENTIAL:
        if (!(p[0] > 0)) { snprintf(msg, len, "expected rate > 0, found %g", p[0]); return -1; }
        d->lo = 0; d->hi = 745.0 / p[0];
        break;
    }
    if (ow__dist_is_atomic(d)) { d->lo = d->x[0]; d->hi = d->x[d->natoms - 1]; }
    return 0;
}

/* number of atoms <= x (strict = 0) or < x (strict = 1) */
static size_t atoms_below(const ow__dist *d, double x, int strict)
{
    size_t lo = 0, hi = d->natoms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? d->x[mid] < x : d->x[mid] <= x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

double ow__dist_cdf(const ow__dist *d, double x, int strict)
{
    const double *p = d->p;
    switch (d->kind) {
    case OW_DIST_CONSTANT:
        return strict ? (p[0] < x) : (p[0] <= x);
    case OW_DIST_DISCRETE: {
        size_t n = atoms_below(d, x, strict);
        double s = 0;
        for (size_t i = 0; i < n; i++) s += d->px[i];
        return s > 1.0 ? 1.0 : s;
    }
    case OW_DIST_UNIFORM:
        return x <= p[0] ? 0.0 : x >= p[1] ? 1.0 : (x - p[0]) / (p[1] - p[0]);
    case OW_DIST_NORMAL:
        return gsl_cdf_gaussian_P(x - p[0], p[1]);
    case OW_DIST_BETA:
        if (x <= p[2]) return 0.0;
        if (x >= p[3]) return 1.0;
        return gsl_cdf_beta_P((x - p[2]) / (p[3] - p[2]), p[0], p[1]);
    case OW_DIST_POWER:
        return x <= 0 ? 0.0 : x >= p[1] ? 1.0 : pow(x / p[1], p[0]);
    case OW_DIST_EXPONENTIAL:
        return x <= 0 ? 0.0 : gsl_cdf_exponential_P(x, 1.0 / p[0]);
    }
    return 0;
}

double ow__dist_pdf(const ow__dist *d, double x)
{
    const double *p = d->p;
    switch (d->kind) {
    case OW_DIST_CONSTANT:
    case OW_DIST_DISCRETE:
        return 0.0;
    case OW_DIST_UNIFORM:
        return (x < p[0] || x > p[1]) ? 0.0 : 1.0 / (p[1] - p[0]);
    case OW_DIST_NORMAL:
        return gsl_ran_gaussian_pdf(x - p[0], p[1]);
    case OW_DIST_BETA:
        if (x <= p[2] || x >= p[3]) return 0.0;
        return gsl_ran_beta_pdf((x - p[2]) / (p[3] - p[2]), p[0], p[1]) / (p[3] - p[2]);
    case OW_DIST_POWER:
        if (x <= 0 || x > p[1]) return 0.0;
        return p[0] * pow(x / p[1], p[0] - 1.0) / p[1];
    case OW_DIST_EXPONENTIAL:
        return x < 0 ? 0.0 : gsl_ran_exponential_pdf(x, 1.0 / p[0]);
    }
    return 0;
}

double ow__dist_mean(const ow__dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case OW_DIST_CONSTANT: return p[0];
    case OW_DIST_DISCRETE: {
        double s = 0;
        for (size_t i = 0; i < d->natoms; i++) s += d->x[i] * d->px[i];
        return s;
    }
    case OW_DIST_UNIFORM: return 0.5 * (p[0] + p[1]);
    case OW_DIST_NORMAL: return p[0];
    case OW_DIST_BETA: return p[2] + (p[3] - p[2]) * p[0] / (p[0] + p[1]);
    case OW_DIST_POWER: return p[1] * p[0] / (p[0] + 1.0);
    case OW_DIST_EXPONENTIAL: return 1.0 / p[0];
    }
    return 0;
}

double ow__dist_sample(const ow__dist *d, gsl_rng *r)
{
    const double *p = d->p;
    switch (d->kind) {
    case OW_DIST_CONSTANT: return p[0];
    case OW_DIST_DISCRETE: {
        double u = gsl_rng_uniform(r), s = 0;
        for (size_t i = 0; i + 1 < d->natoms; i++) {
            s += d->px[i];
            if (u < s) return d->x[i];
        }
        return d->x[d->natoms - 1];
    }
    case OW_DIST_UNIFORM: return gsl_ran_flat(r, p[0], p[1]);
    case OW_DIST_NORMAL: return p[0] + gsl_ran_gaussian_ziggurat(r, p[1]);
    case OW_DIST_BETA: return p[2] + (p[3] - p[2]) * gsl_ran_beta(r, p[0], p[1]);
    case OW_DIST_POWER: return p[1] * pow(gsl_rng_uniform_pos(r), 1.0 / p[0]);
    case OW_DIST_EXPONENTIAL: return gsl_ran_exponential(r, 1.0 / p[0]);
    }
    return 0;
}

/* The generalised inverse of the CDF, min {x : F(x) >= u}, u in (0, 1). */
double ow__dist_quantile(const ow__dist *d, double u)
{
    const double *p = d->p;
    switch (d->kind) {
    case OW_DIST_CONSTANT: return p[0];
    case OW_DIST_DISCRETE: {
        double c = 0;
        for (size_t i = 0; i < d->natoms; i++) {
            c += d->px[i];
            if (c >= u - 1e-15) return d->x[i];
        }
        return d->x[d->natoms - 1];
    }
    case OW_DIST_UNIFORM: return p[0] + u * (p[1] - p[0]);
    case OW_DIST_NORMAL: return p[0] + p[1] * gsl_cdf_ugaussian_Pinv(u);
    case OW_DIST_BETA: return p[2] + (p[3] - p[2]) * gsl_cdf_beta_Pinv(u, p[0], p[1]);
    case OW_DIST_POWER: return p[1] * pow(u, 1.0 / p[0]);
    case OW_DIST_EXPONENTIAL: return gsl_cdf_exponential_Pinv(u, 1.0 / p[0]);
    }
    return NAN;
}
