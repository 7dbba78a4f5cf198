/*
 * internal.h -- what the modules of liboneway share and users do not see.
 *
 * The game is stored as flat arrays in file order.  A's type model is kept
 * in one of three forms: FINITE (n rows of m payoffs with probabilities,
 * from `discrete`, inline `samples`, or an `independent` model whose
 * distributions are all finite and whose product is small), COMPACT (a
 * finite model read from CSV: per row only its maximum and Nash action, per
 * action only the Delta_A entries that can matter, see finite.c and csv.c)
 * or INDEPENDENT (one distribution per action, integrated numerically).
 */
#ifndef OW_INTERNAL_H
#define OW_INTERNAL_H

#include "oneway.h"
#include <stdarg.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* ----------------------------------------------------------------- limits
 * Limits on untrusted input; each can be overridden at compile time. */
#ifndef OW_MAX_ACTIONS
#define OW_MAX_ACTIONS 100000          /* actions of either player */
#endif
#ifndef OW_MAX_TYPES_B
#define OW_MAX_TYPES_B 1000000         /* B types */
#endif
#ifndef OW_MAX_ATOMS
#define OW_MAX_ATOMS 100000            /* values of one `discrete` dist */
#endif
#ifndef OW_PRODUCT_LIMIT
#define OW_PRODUCT_LIMIT 200000        /* finite independent -> enumerated */
#endif
#ifndef OW_MEMORY_FRACTION
#define OW_MEMORY_FRACTION 0.8         /* of physical memory, for the engine */
#endif
#ifndef OW_MAX_CONT_ACTIONS
#define OW_MAX_CONT_ACTIONS 128        /* actions of a continuous model: the
                                          integrals cost O(m^2) each */
#endif
#ifndef OW_NAME_MAX
#define OW_NAME_MAX 256                /* bytes in an action or type name */
#endif

/* Two computed values this close are a tie (spec section 3). */
static inline double ow__tol(double x)
{ return isfinite(x) ? 1e-12 * (fabs(x) > 1.0 ? fabs(x) : 1.0) : 0.0; }

/* ------------------------------------------------------------------ error */
ow_status ow__fail(ow_error *err, ow_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ----------------------------------------------------------- distribution */
typedef enum ow__dist_kind {
    OW_DIST_CONSTANT, OW_DIST_UNIFORM, OW_DIST_NORMAL, OW_DIST_BETA,
    OW_DIST_POWER, OW_DIST_EXPONENTIAL, OW_DIST_DISCRETE
} ow__dist_kind;

typedef struct ow__dist {
    ow__dist_kind kind;
    double p[4];          /* parameters, by kind (see dist.c) */
    size_t natoms;        /* atomic kinds: sorted distinct values ... */
    double *x, *px;       /* ... and their probabilities */
    double lo, hi;        /* support used for integration (finite) */
} ow__dist;

int ow__dist_is_atomic(const ow__dist *d);
/* Pr[X <= x] (strict = 0) or Pr[X < x] (strict = 1). */
double ow__dist_cdf(const ow__dist *d, double x, int strict);
double ow__dist_pdf(const ow__dist *d, double x);
double ow__dist_mean(const ow__dist *d);
double ow__dist_sample(const ow__dist *d, gsl_rng *r);
/* min {x : F(x) >= u} for u in (0, 1) */
double ow__dist_quantile(const ow__dist *d, double u);
/* Fills lo/hi (and sorts atoms); returns 0 or fills msg. */
int ow__dist_prepare(ow__dist *d, char *msg, size_t len);
void ow__dist_clear(ow__dist *d);

/* One draw from GSL's Walker table d (gsl_ran_discrete_preproc): the
 * index gsl_ran_discrete(r, d) returns from the same generator state, read
 * from the same table without its branches (a slot that needs no alias has
 * itself as alias, so the select covers GSL's early return).  For the
 * simulation's hot loop, where the branch is a coin flip to the predictor;
 * tests/test_simulate.c compares the two draw for draw. */
static inline size_t ow__discrete_draw(const gsl_rng *r, const gsl_ran_discrete_t *d)
{
    double u = gsl_rng_uniform(r);
    size_t c = (size_t)(u * (double)d->K);
    double f = d->F[c];
    size_t alias = d->A[c], keep = (size_t)0 - (size_t)(u < f);   /* all ones: keep c */
    return (c & keep) | (alias & ~keep);
}

/* ------------------------------------------------------------------- game */
struct ow_game {
    char *name;
    size_t m, k, T;
    char **a_names, **b_names, **t_names;
    double *pi;           /* T */
    double *ub;           /* T*m*k: ub[(j*m + a)*k + b] */
    int finite;
    /* FINITE */
    size_t n;
    double *u;            /* n*m row-major */
    double *wt;           /* n probabilities */
    int equal_weights;    /* wt[i] == 1/n for all i */
    /* COMPACT finite model (samples from CSV, csv.c): u is not kept */
    int compact;
    double *M;            /* n: max_a u_A */
    uint32_t *sN;         /* n: A's Nash action */
    double *colmean;      /* m: E[u_A(a)] */
    double *tau;          /* m: entries with Delta_A <= tau_a are kept */
    size_t *cn;           /* m: entries kept */
    double **cd;          /* m: Delta_A, sorted */
    uint32_t **cr;        /* m: their rows */
    /* INDEPENDENT */
    ow__dist *dists;      /* m */
};

static inline const double *ow__ub(const ow_game *g, size_t j, size_t a)
{ return g->ub + (j * g->m + a) * g->k; }

/* Loading from a parsed document (sweep.c varies values in it).  The
 * document is not changed or freed. */
#include <jansson.h>
ow_game *ow__game_from_json(const json_t *doc, const char *label,
                            const char *base_dir, const char *default_name,
                            ow_error *err);
/* Parse a game file into a document; errors as ow_game_load's. */
json_t *ow__json_load_file(const char *path, ow_error *err);
/* dir and base name without ".json" of a path (caller frees); -1 on ENOMEM */
int ow__path_split(const char *path, char **dir, char **base);

/* Tests only: an `independent` model that was enumerated (all its
 * distributions finite) goes back to integration.  Returns -1 if the game
 * was not such a model. */
int ow__game_force_integration(ow_game *g);

/* w(a, theta_j) and s_B(a, theta_j) */
double ow__best_B(const ow_game *g, size_t j, size_t a, size_t *b);

/* ---------------------------------------------------------- A's type model
 * For INDEPENDENT models every probability the engine needs is a single
 * integral over one action's payoff x of g0 + g1 x times a product, over
 * the other actions, of one factor each (amodel.c). */
typedef enum ow__fkind {
    OW_F_ONE,        /* factor 1 (action left out) */
    OW_F_CDF,        /* F(x + shift)            Pr[u <= x + shift] */
    OW_F_CDF_STRICT, /* F^-(x + shift)          Pr[u <  x + shift] */
    OW_F_PDF         /* f(x + shift) (0 for atomic distributions) */
} ow__fkind;

typedef struct ow__factor { ow__fkind kind; double shift; } ow__factor;

struct ow_workspace {
    const ow_game *g;
    size_t m, n;
    double *q;            /* m */
    double EM;            /* E[max u_A] */
    double *tot;          /* T*k: sum_a q_a u_B(a, b, j) */
    /* FINITE (finite.c): per action the kept entries, sorted */
    const double *M;      /* n: max_a u_A */
    const uint32_t *sN;   /* n: A's Nash action (lowest index) */
    uint8_t *sN8;         /* n: the same in a byte when m <= 256 (else NULL) */
    const double *colmean;/* m: E[u_A(a)] */
    double **D;           /* m: Delta_A(a, .) ascending, K[a] entries */
    uint32_t **P;         /* m: the row of each entry */
    uint32_t **S;         /* m: the Nash action of that row (sequential access),
                             when m > 256; else NULL and ... */
    uint8_t **S8;         /* m: ... the same in a byte (ow__entry_nash reads either) */
    size_t *K;            /* m */
    double *tau;          /* m: every Delta_A <= tau[a] is kept (INFINITY: all) */
    double **cumw;        /* m: cumulative weights (unequal weights only) */
    size_t *nzero;        /* m: entries with Delta_A == 0 */
    uint32_t **hull;      /* m: the paper model's upper envelope ... */
    double *hmax;         /* m: ... of the entries with Delta_A < hmax[a] =
                             max_j max(Delta_B(a, theta_j), 0), which are all
                             a paper-model offer for a can use */
    size_t *nhull;
    size_t *nkept;        /* m: run ends the sampled build passed to the full chain */
    int hull_scalar;      /* 1: ow__hull_build without AVX-512 (tests compare) */
    int own;              /* the lists are ours (built from u), not the game's */
    double *M_own, *colmean_own;
    uint32_t *sN_own;
    /* INDEPENDENT */
    gsl_integration_workspace **iws; /* one per OpenMP thread */
    size_t niws;
    double *jumps;        /* per action: atoms of Delta_A in (0, inf) */
    size_t *njumps, *jump_off;
    double *dmax;         /* m: sup Delta_A(a) on the integration support */
};

/* Integral over action `own`'s payoff x of (g0 + g1 x) * prod_f factor. */
ow_status ow__integrate(const ow_workspace *w, size_t own, double g0,
                        double g1, const ow__factor *f, double *res,
                        ow_error *err);

/* P(a, c) and its derivative in c (INDEPENDENT). */
ow_status ow__accept_prob_cont(const ow_workspace *w, size_t a, double c,
                               double *P, double *dP, ow_error *err);
/* R[a'] = Pr[s^N = a', Delta_A(a) > c] for all a' (R[a] = 0); with dR
 * non-NULL also d/dc.  And E[max u 1{rejected}] in *rejA (may be NULL). */
ow_status ow__reject_probs_cont(const ow_workspace *w, size_t a, double c,
                                double *R, double *dR, double *rejA,
                                ow_error *err);
/* E[1{accepted} (u_a + c)] (INDEPENDENT). */
ow_status ow__accepted_A_cont(const ow_workspace *w, size_t a, double c,
                              double *res, ow_error *err);
/* E[max_a (u_a + s_a)] (INDEPENDENT). */
ow_status ow__expected_max_cont(const ow_workspace *w, const double *s,
                                double *res, ow_error *err);

/* P[a] = Pr[a = the lowest argmax of u + sh] (INDEPENDENT). */
ow_status ow__choice_probs_cont(const ow_workspace *w, const double *sh, double *P,
                                ow_error *err);

/* FINITE: number of sorted Delta_A(a, .) entries <= c (c <= tau[a]). */
size_t ow__count_le(const ow_workspace *w, size_t a, double c);
/* finite.c */
/* sort d >= 0 ascending, carrying row, stable; 0 or -1 (out of memory) */
int ow__radix_sort(double *d, uint32_t *row, size_t n);
/* the same with caller scratch d2, r2 of n entries each (nothing is
 * allocated but a small histogram) */
int ow__radix_sort_buf(double *d, uint32_t *row, size_t n, double *d2, uint32_t *r2);
void ow__thresholds(const ow_game *g, double *tau);
/* the Nash action of the row of entry t in action a's sorted list */
static inline size_t ow__entry_nash(const ow_workspace *w, size_t a, size_t t)
{ return w->S8 ? w->S8[a][t] : w->S[a][t]; }

int ow__hull_build(ow_workspace *w, size_t a);
double ow__hull_query(const ow_workspace *w, size_t a, double x, uint32_t *pos);
/* an upper bound of max_k W_k (x - d_k) over every kept entry, any x */
double ow__hull_bound(const ow_workspace *w, size_t a, double x);
/* util.c: the last-level cache a core can use, in bytes (0: unknown) */
size_t ow__llc_bytes(void);
/* csv.c: one number in [p, end), bit for bit strtod's; NULL if none */
const char *ow__parse_number(const char *p, const char *end, double *out);
/* csv.c: {"csv": FILE} straight into the COMPACT form */
ow_status ow__csv_load(ow_game *g, const char *file, const char *label,
                       const char *path, ow_error *err);
/* the same; how = 0 forces the general path, OW__CSV_FIXED tries the
 * fixed-point path, with OW__CSV_SCALAR never its AVX-512 loop (tests
 * compare them); *used_fixed (may be NULL) tells which path read the file */
#define OW__CSV_FIXED 1
#define OW__CSV_SCALAR 2
ow_status ow__csv_load_as(ow_game *g, const char *file, const char *label,
                          const char *path, int how, int *used_fixed, ow_error *err);

/* atable.c: A's types as a finite table (oneway_mech.h) */
struct ow_atable {
    size_t n, m;
    double *u;      /* n*m */
    double *p;      /* n */
    int discretised;
};

/* Seeding of per-block random streams (simulate.c, equilibrium.c). */
uint64_t ow__mix64(uint64_t x);

/* ----------------------------------------------------------- small helpers */
void *ow__malloc(size_t n, size_t size, ow_error *err);
char *ow__strdup(const char *s);

#endif /* OW_INTERNAL_H */
