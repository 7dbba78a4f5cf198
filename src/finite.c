/*
 * finite.c -- the data structures behind finite A-type models.
 *
 * For every action a we keep the values Delta_A(a, i) = M_i - u_A(a, i)
 * that can matter, sorted, with the row each came from.  "Can matter"
 * means Delta_A <= tau_a = max_j max(w_j(a) - min u_B(j), 0): no offer of
 * either model pays more (Delta_B <= w - min u_B, and the bayes bound of
 * offer.c), and no action can beat a row's own choice in the optimum
 * beyond it.  Games loaded from CSV keep only those entries (so a large
 * game needs far less memory than its sample matrix); games with their
 * samples inline keep every entry (tau = infinity).
 *
 * Sorting is an LSD radix sort on the IEEE bits of the (non-negative)
 * keys, stable, so ties stay in row order; only the bits that vary between
 * the smallest positive and the largest key are sorted, and passes whose
 * digit is the same for every key are skipped.  Offers in the paper model are queries on the
 * upper envelope of the lines  W_k x - W_k d_k  (k the last entry of each
 * run of equal d), built once per action (the convex-hull trick): the best
 * payment for Delta_B = x is the envelope's line at x, O(log H) per B type.
 */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- sorting */

/* Keys are the IEEE bits of d >= 0, which order like the values.  They are
 * first mapped onto a dense range (0 for d = 0, then 1 + key - smallest
 * positive key) so that only the bits that vary are sorted: RADIX_BITS at
 * most per pass, as few passes as that allows, every histogram counted in
 * one read.  Digits of about 12 bits keep the 2 x 4096 write streams of a
 * pass inside L2; wider digits (the old 16) scatter to lines that miss. */
#ifndef RADIX_BITS
#define RADIX_BITS 12
#endif
#define RADIX_MAXP ((64 + RADIX_BITS - 1) / RADIX_BITS)

int ow__radix_sort_buf(double *d, uint32_t *row, size_t n, double *d2, uint32_t *r2)
{
    if (n < 2) return 0;
    uint64_t *k = (uint64_t *)(void *)d, *k2 = (uint64_t *)(void *)d2;
    uint64_t kmin = UINT64_MAX, kmax = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x;
        memcpy(&x, &d[i], sizeof x);
        if (x == UINT64_C(1) << 63) x = 0;                /* -0 sorts as +0 */
        if (x && x < kmin) kmin = x;
        if (x > kmax) kmax = x;
        k[i] = x;
    }
    if (kmax == 0) return 0;                              /* all zero */
    uint64_t off = kmin - 1;
    int bits = 64 - __builtin_clzll(kmax - off);
    int P = (bits + RADIX_BITS - 1) / RADIX_BITS, wd = (bits + P - 1) / P;
    uint32_t mask = (uint32_t)((UINT64_C(1) << wd) - 1);
    uint32_t *cnt = calloc((size_t)P << wd, sizeof *cnt);
    if (!cnt) return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = k[i];
        x = x ? x - off : 0;
        k[i] = x;
        for (int p = 0; p < P; p++) cnt[((size_t)p << wd) + ((x >> (wd * p)) & mask)]++;
    }
    uint64_t *src = k, *dst = k2;
    uint32_t *rs = row, *rd = r2;
    for (int p = 0; p < P; p++) {
        int sh = wd * p;
        uint32_t *c = cnt + ((size_t)p << wd);
        if (c[(src[0] >> sh) & mask] == n) continue;     /* one digit: nothing moves */
        uint32_t sum = 0;
        for (uint32_t b = 0; b <= mask; b++) { uint32_t t = c[b]; c[b] = sum; sum += t; }
        for (size_t i = 0; i < n; i++) {
            uint64_t x = src[i];
            uint32_t q = c[(x >> sh) & mask]++;
            dst[q] = x;
            rd[q] = rs[i];
        }
        uint64_t *t = src; src = dst; dst = t;
        uint32_t *u = rs; rs = rd; rd = u;
    }
    for (size_t i = 0; i < n; i++) { uint64_t x = src[i]; k[i] = x ? x + off : 0; }
    if (rs != row) memcpy(row, rs, n * sizeof *row);
    free(cnt);
    return 0;
}

int ow__radix_sort(double *d, uint32_t *row, size_t n)
{
    if (n < 2) return 0;
    double *d2 = malloc(n * sizeof *d2);
    uint32_t *r2 = malloc(n * sizeof *r2);
    int rc = d2 && r2 ? ow__radix_sort_buf(d, row, n, d2, r2) : -1;
    free(d2);
    free(r2);
    return rc;
}

/* ------------------------------------------------------ the thresholds */

void ow__thresholds(const ow_game *g, double *tau)
{
    size_t m = g->m, k = g->k;
    for (size_t a = 0; a < m; a++) tau[a] = 0;
    for (size_t j = 0; j < g->T; j++) {
        const double *ub = g->ub + j * m * k;
        double minB = ub[0];
        for (size_t i = 1; i < m * k; i++) if (ub[i] < minB) minB = ub[i];
        for (size_t a = 0; a < m; a++) {
            double v = ow__best_B(g, j, a, NULL) - minB;
            if (v > tau[a]) tau[a] = v;
        }
    }
}

/* ---------------------------------------------------------- the hull */

/* Upper envelope of the lines y = W_k x - W_k d_k over run ends k (and the
 * first run end at d = 0 or, when no entry is 0, the empty prefix).  H
 * holds positions into the sorted list, slopes increasing; for the empty
 * prefix position is (uint32_t)-1. */
static inline double Wat(const ow_workspace *w, size_t a, uint32_t pos)
{
    if (pos == UINT32_MAX) return 0;
    return w->g->equal_weights ? (double)(pos + 1) / (double)w->n : w->cumw[a][pos];
}

static inline double line_at(const ow_workspace *w, size_t a, uint32_t pos, double x)
{
    if (pos == UINT32_MAX) return 0;
    double W = Wat(w, a, pos);
    return W * (x - w->D[a][pos]);
}

/* slope of a hull position in the units used to build it: the count of
 * entries for equal weights (no division), the cumulative weight otherwise */
static inline double slope(const ow_workspace *w, size_t a, uint32_t pos)
{
    if (pos == UINT32_MAX) return 0;
    return w->g->equal_weights ? (double)pos + 1.0 : w->cumw[a][pos];
}

#define HULL_CHUNK 4096         /* entries whose run ends are found at once */
#ifndef OW_HULL_STRIDE
#define OW_HULL_STRIDE 64       /* one sampled run end per this many entries */
#endif

/* The ends of the runs of equal d among D[c0, c1) (K entries in all), into
 * ends; returns how many.  Without a branch per entry: ties are common in
 * sampled data and unpredictable. */
static size_t run_ends(const double *D, size_t c0, size_t c1, size_t K, uint32_t *ends)
{
    size_t ne = 0, last = c1 < K ? c1 : K - 1;          /* D[i + 1] exists below it */
    for (size_t i = c0; i < last; i++) {
        ends[ne] = (uint32_t)i;
        ne += D[i + 1] != D[i];
    }
    if (c1 == K) ends[ne++] = (uint32_t)(K - 1);         /* the last entry ends its run */
    return ne;
}

/* The monotone chain: the lines of the run ends e[0, ne) (increasing
 * positions, so increasing slopes) onto the envelope H, S, B of h lines. */
static size_t chain(const ow_workspace *w, size_t a, const uint32_t *e, size_t ne,
                    uint32_t *H, double *S, double *B, size_t h)
{
    const double *D = w->D[a];
    for (size_t q = 0; q < ne; q++) {
        uint32_t p = e[q];
        double W = slope(w, a, p), b = -W * D[p];
        while (h >= 1) {
            if (W == S[h - 1]) {                         /* same slope: keep the higher */
                if (b > B[h - 1]) { h--; continue; }
                goto skip;
            }
            if (h < 2) break;
            /* the middle line is useless when its neighbours cross above it */
            if ((b - B[h - 2]) * (S[h - 1] - S[h - 2]) > (B[h - 1] - B[h - 2]) * (W - S[h - 2])) h--;
            else break;
        }
        H[h] = p; S[h] = W; B[h] = b; h++;
    skip:;
    }
    return h;
}

/* Whether the run end at slope W (C = W d) may be a vertex: on or below
 * the sample's hull (points (Ss, -Bs), edge slopes Es; *v, the edge at W,
 * only ever advances), left of its first vertex, or past its last. */
static inline int hull_keep(double W, double C, const double *Ss, const double *Bs, const double *Es, size_t hs,
                            size_t *v)
{
    while (*v + 1 < hs && Ss[*v + 1] <= W) (*v)++;
    double hv = -Bs[*v] + (W - Ss[*v]) * Es[*v];
    double tol = 1e-9 * (fabs(hv) + fabs(C)) + 1e-300;
    return (C <= hv + tol) | (*v + 1 >= hs) | (W < Ss[0]);
}

/* The run ends among D[c0, c1) that hull_keep keeps, into ends; returns
 * how many.  Scalar: the run ends first (run_ends), then the test. */
static size_t filter_ends(const ow_workspace *w, size_t a, size_t c0, size_t c1, size_t K, const double *Ss,
                          const double *Bs, const double *Es, size_t hs, size_t *v, uint32_t *ends)
{
    const double *D = w->D[a];
    size_t ne = run_ends(D, c0, c1, K, ends), nk = 0;
    for (size_t q = 0; q < ne; q++) {
        uint32_t p = ends[q];
        double W = slope(w, a, p);
        ends[nk] = p;
        nk += hull_keep(W, W * D[p], Ss, Bs, Es, hs, v);
    }
    return nk;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(OW_NO_AVX512)
#include <immintrin.h>
#define OW_HAVE_AVX512 1
/* filter_ends eight entries a step (AVX-512): run end and test at once,
 * with the same operations in the same order as hull_keep (this file is
 * compiled without contraction into fused multiply-adds, so both round
 * alike and keep the same run ends).  A step whose eight slopes straddle
 * a vertex of the sample's hull goes through hull_keep one by one.  The
 * last few entries, from *done on, are left to filter_ends: the caller
 * runs it, so that no SSE code runs from here with the upper halves of
 * the vector registers in use (on this CPU that slowed every later scalar
 * instruction of the thread twofold and more).  ends needs 8 spare slots. */
__attribute__((target("avx512f,avx512dq")))
static size_t filter_ends512(const ow_workspace *w, size_t a, size_t c0, size_t c1, size_t K, const double *Ss,
                             const double *Bs, const double *Es, size_t hs, size_t *v, uint32_t *ends, size_t *done)
{
    const double *D = w->D[a], *cw = w->g->equal_weights ? NULL : w->cumw[a];
    size_t last = c1 < K ? c1 : K - 1, nk = 0, i = c0;   /* D[i + 1] exists below last */
    const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    const __m512d one = _mm512_set1_pd(1.0), eps = _mm512_set1_pd(1e-9), tiny = _mm512_set1_pd(1e-300);
    const __m512d absmask = _mm512_castsi512_pd(_mm512_set1_epi64(INT64_MAX));
    for (; i + 8 <= last; i += 8) {
        __m512d d0 = _mm512_loadu_pd(D + i);
        __mmask8 end = _mm512_cmp_pd_mask(_mm512_loadu_pd(D + i + 1), d0, _CMP_NEQ_UQ);
        if (!end) continue;
        __m512i idx = _mm512_add_epi64(_mm512_set1_epi64((long long)i), lane);
        __m512d W = cw ? _mm512_loadu_pd(cw + i) : _mm512_add_pd(_mm512_cvtepi64_pd(idx), one);
        double W0 = cw ? cw[i] : (double)i + 1.0, W7 = cw ? cw[i + 7] : (double)(i + 7) + 1.0;
        while (*v + 1 < hs && Ss[*v + 1] <= W0) (*v)++;
        __m512d C = _mm512_mul_pd(W, d0);
        __mmask8 keep;
        if (*v + 1 < hs && Ss[*v + 1] <= W7) {           /* straddles a vertex */
            keep = 0;
            for (int l = 0; l < 8; l++)
                if (end >> l & 1) {
                    double Wl = cw ? cw[i + l] : (double)(i + l) + 1.0;
                    keep |= (__mmask8)(hull_keep(Wl, Wl * D[i + l], Ss, Bs, Es, hs, v) << l);
                }
        } else {
            __m512d hv = _mm512_add_pd(_mm512_set1_pd(-Bs[*v]),
                                       _mm512_mul_pd(_mm512_sub_pd(W, _mm512_set1_pd(Ss[*v])), _mm512_set1_pd(Es[*v])));
            __m512d tol = _mm512_add_pd(_mm512_mul_pd(eps, _mm512_add_pd(_mm512_and_pd(hv, absmask),
                                                                        _mm512_and_pd(C, absmask))), tiny);
            keep = _mm512_cmp_pd_mask(C, _mm512_add_pd(hv, tol), _CMP_LE_OQ);
            if (*v + 1 >= hs) keep = 0xFF;
            keep |= _mm512_cmp_pd_mask(W, _mm512_set1_pd(Ss[0]), _CMP_LT_OQ);
            keep &= end;
        }
        _mm256_storeu_si256((__m256i *)(void *)(ends + nk), _mm512_cvtepi64_epi32(_mm512_maskz_compress_epi64(keep, idx)));
        nk += (size_t)__builtin_popcount(keep);
    }
    *done = i;
    return nk;
}
#endif

/* The envelope of the lines W_p x - W_p d_p is, point for line, the lower
 * convex hull of the points (W_p, W_p d_p); here it has a few hundred
 * vertices among up to millions of run ends.  So the chain first runs over
 * one run end in OW_HULL_STRIDE (and the first and last), and a run end
 * goes to the full chain only when its point lies on or below that
 * sample's hull (up to a relative 1e-9): every vertex of the full hull
 * does, since the full hull lies below the sample's.  The test is one
 * multiply-add a run end; the full chain then sees a few thousand. */
int ow__hull_build(ow_workspace *w, size_t a)
{
    const double *D = w->D[a];
    size_t K = w->K[a];
    {   /* only entries below hmax: a line with d >= hmax is <= 0 wherever
         * it is asked (x <= hmax), and the baseline line is >= 0 with a
         * smaller payment, so it never wins, not even a tie */
        size_t lo = 0, hi = K;
        while (lo < hi) { size_t mid = lo + (hi - lo) / 2; if (D[mid] < w->hmax[a]) lo = mid + 1; else hi = mid; }
        K = lo;
    }
    size_t ns = K / OW_HULL_STRIDE + 2;                  /* sampled run ends, at most */
    uint32_t *H = malloc((K + 1) * sizeof *H), *Hs = malloc((ns + 1) * sizeof *Hs);
    double *S = malloc((K + 1) * sizeof *S), *B = malloc((K + 1) * sizeof *B);
    double *Ss = malloc((ns + 1) * sizeof *Ss), *Bs = malloc((ns + 1) * sizeof *Bs);
    double *Es = malloc((ns + 1) * sizeof *Es);
    uint32_t *smp = malloc(ns * sizeof *smp), *ends = malloc((HULL_CHUNK + 8) * sizeof *ends);
    if (!H || !S || !B || !Hs || !Ss || !Bs || !Es || !smp || !ends) goto fail;
    size_t h = 0, hs = 0, kept = 0;
    if (w->nzero[a] == 0) {
        H[0] = Hs[0] = UINT32_MAX; S[0] = Ss[0] = 0; B[0] = Bs[0] = 0;
        h = hs = 1;
    }
    if (K < 8 * OW_HULL_STRIDE) {                        /* small: every run end */
        for (size_t c0 = 0; c0 < K; c0 += HULL_CHUNK) {
            size_t c1 = c0 + HULL_CHUNK < K ? c0 + HULL_CHUNK : K, ne = run_ends(D, c0, c1, K, ends);
            kept += ne;
            h = chain(w, a, ends, ne, H, S, B, h);
        }
    } else {
        /* the sample: the run ends of entries 0, STRIDE, 2 STRIDE, ..., K - 1 */
        size_t n = 0;
        for (size_t i = 0; i < K; i = (i / OW_HULL_STRIDE + 1) * OW_HULL_STRIDE) {
            size_t p = i;
            while (p + 1 < K && D[p + 1] == D[p]) p++;
            if (n == 0 || p != smp[n - 1]) smp[n++] = (uint32_t)p;
            if (p == K - 1) break;
            if (p >= i) i = p;                           /* the next sample lies past this run */
        }
        if (smp[n - 1] != K - 1) smp[n++] = (uint32_t)(K - 1);
        hs = chain(w, a, smp, n, Hs, Ss, Bs, hs);
        /* the sample's hull as points (Ss, -Bs) and the slope Es of each
         * edge; run ends left of its first vertex are all kept */
        for (size_t v = 0; v + 1 < hs; v++) Es[v] = (Bs[v] - Bs[v + 1]) / (Ss[v + 1] - Ss[v]);
        Es[hs - 1] = 0;
        size_t v = 0;
#ifdef OW_HAVE_AVX512
        int wide = !w->hull_scalar && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#endif
        for (size_t c0 = 0; c0 < K; c0 += HULL_CHUNK) {
            size_t c1 = c0 + HULL_CHUNK < K ? c0 + HULL_CHUNK : K, from = c0, nk = 0;
#ifdef OW_HAVE_AVX512
            if (wide) nk = filter_ends512(w, a, c0, c1, K, Ss, Bs, Es, hs, &v, ends, &from);
#endif
            if (from < c1) nk += filter_ends(w, a, from, c1, K, Ss, Bs, Es, hs, &v, ends + nk);
            kept += nk;
            h = chain(w, a, ends, nk, H, S, B, h);
        }
    }
    free(S); free(B); free(Hs); free(Ss); free(Bs); free(Es); free(smp); free(ends);
    uint32_t *Hr = realloc(H, (h ? h : 1) * sizeof *H);  /* a few hundred of K + 1 */
    w->hull[a] = Hr ? Hr : H;
    w->nhull[a] = h;
    w->nkept[a] = kept;
    return 0;
fail:
    free(H); free(S); free(B); free(Hs); free(Ss); free(Bs); free(Es); free(smp); free(ends);
    return -1;
}

/* max_k W_k (x - d_k) over the prefix, smallest d among ties (tolerance);
 * returns the value and the position (UINT32_MAX: c = 0, nobody accepts).
 * Exact for x <= hmax[a]; beyond, the entries the envelope leaves out may
 * be worth up to W_K (x - hmax[a]) (ow__hull_bound). */
double ow__hull_bound(const ow_workspace *w, size_t a, double x)
{
    uint32_t pos;
    double v = ow__hull_query(w, a, x, &pos);
    if (x > w->hmax[a] && w->K[a] > 0) {
        double WK = w->g->equal_weights ? (double)w->K[a] / (double)w->n : w->cumw[a][w->K[a] - 1];
        v = fmax(v, WK * (x - w->hmax[a]));
    }
    return v;
}

double ow__hull_query(const ow_workspace *w, size_t a, double x, uint32_t *pos)
{
    const uint32_t *H = w->hull[a];
    size_t h = w->nhull[a];
    if (h == 0) { *pos = UINT32_MAX; return 0; }
    size_t lo = 0, hi = h - 1;
    while (lo < hi) {                                /* values along the hull are unimodal */
        size_t mid = lo + (hi - lo) / 2;
        if (line_at(w, a, H[mid + 1], x) > line_at(w, a, H[mid], x)) lo = mid + 1; else hi = mid;
    }
    double best = line_at(w, a, H[lo], x);
    size_t b = lo;
    while (b > 0 && line_at(w, a, H[b - 1], x) >= best - ow__tol(best)) b--;
    *pos = H[b];
    return line_at(w, a, H[b], x);
}
