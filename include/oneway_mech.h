/*
 * oneway_mech.h -- the mechanism lab: every mechanism worth comparing with
 * the paper's single offer, on the same game.
 *
 *   multi-offer schedules (paper section 6)   multi.c
 *   the second-best direct mechanism and the
 *   least subsidy for efficiency (section 4)  secondbest.c  (GLPK)
 *   Bayesian unit-demand item pricing (sec. 7) pricing.c    (GLPK)
 *   one comparison of them all                compare.c
 *
 * Conventions as in oneway.h: a status and an ow_error on failure, the
 * library never prints, every _alloc/_load has its _free and _free(NULL)
 * is a no-op.  Semantics and the choices the spec leaves open are in
 * docs/mechanisms.md.
 */
#ifndef ONEWAY_MECH_H
#define ONEWAY_MECH_H

#include "oneway.h"
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ multi offer */

#ifndef OW_MAX_OFFERS
#define OW_MAX_OFFERS 32      /* offers in one schedule */
#endif

/* How A answers a schedule. */
typedef enum ow_a_rule {
    OW_RULE_BACKWARD = 0,     /* optimal stopping by backward induction */
    OW_RULE_CONDITION4 = 1    /* the paper's conditions (3) and (4): accept the
                                 first offer that beats both her own choice and
                                 the next offer alone */
} ow_a_rule;

/* A committed schedule (a, gamma_1..gamma_n, p_1..p_n): offer i pays
 * gamma_i max(Delta_B(a), 0) and is made with probability p_i after a
 * rejection of offer i-1; p_1 = 1. */
typedef struct ow_schedule {
    size_t action;
    size_t n;
    double gamma[OW_MAX_OFFERS];
    double prob[OW_MAX_OFFERS];
} ow_schedule;

/* What a schedule of B's type j really yields. */
typedef struct ow_schedule_value {
    size_t type, action, n;
    size_t outside;           /* B's action when no offer is accepted */
    double delta_B, outside_value;
    double payment[OW_MAX_OFFERS];
    double accept_by_step[OW_MAX_OFFERS]; /* Pr[A accepts offer i] (reaching it included) */
    double accept_prob;       /* their sum */
    double payoff_A, payoff_B, welfare;   /* true expectations */
    double objective;         /* what B maximises: the paper's
                                 u^O + sum_i Pr_i (Delta_B - c_i) (model paper)
                                 or payoff_B (model bayes) */
} ow_schedule_value;

/* OW_OK when s is a schedule of g: 1 <= n <= OW_MAX_OFFERS, a valid action,
 * every gamma and p in [0, 1], p_1 = 1.  Otherwise OW_EINPUT and why. */
ow_status ow_schedule_check(const ow_game *g, const ow_schedule *s, ow_error *err);

/* Evaluate schedule s of B's type j exactly (sums for finite A types,
 * integrals for continuous ones).  Model paper: after the last rejection
 * B plays b^O(a); model bayes: the outside action best for B given how A
 * answers.  On error, nothing is written to out. */
ow_status ow_schedule_eval(const ow_workspace *w, size_t j, const ow_schedule *s,
                           ow_model model, ow_a_rule rule, ow_schedule_value *out,
                           ow_error *err);

typedef struct ow_multi_options {
    ow_model model;
    size_t offers;            /* n, 1..OW_MAX_OFFERS (default 3) */
    size_t restarts;          /* Nelder-Mead starts per action (default 24) */
    uint64_t seed;            /* of the random starts (default 1) */
    long action;              /* search only this action; -1: every action */
} ow_multi_options;

void ow_multi_options_default(ow_multi_options *o);

/* Search schedules of o->offers offers for B's type j: GSL's Nelder-Mead
 * simplex from o->restarts starts per action (the single offer repeated,
 * and random schedules), A answering by backward induction.  The best
 * found (largest objective; ties: the earlier start) goes to best and val.
 * Deterministic for a given seed whatever the number of threads. */
ow_status ow_multi_optimise(const ow_workspace *w, size_t j,
                            const ow_multi_options *o, ow_schedule *best,
                            ow_schedule_value *val, ow_error *err);

/* ------------------------------------------------------------- second best */

/* A's types as the linear programs see them: finite (n rows of m payoffs,
 * probabilities).  Finite models are used as they are; continuous ones are
 * discretised into `points` types (docs/mechanisms.md: midpoint quantiles,
 * Latin-hypercube across actions). */
typedef struct ow_atable ow_atable;

#ifndef OW_LP_MAX_POINTS
#define OW_LP_MAX_POINTS 1000     /* A types the programs accept */
#endif
#ifndef OW_LP_MAX_NONZEROS
#define OW_LP_MAX_NONZEROS 30000000  /* constraint entries (GLPK needs ~100 B each) */
#endif
#ifndef OW_LP_MAX_CELLS
#define OW_LP_MAX_CELLS 4000000   /* A types x B types x A's actions */
#endif

ow_atable *ow_atable_alloc(const ow_game *g, size_t points, ow_error *err);
void ow_atable_free(ow_atable *t);
size_t ow_atable_size(const ow_atable *t);     /* number of A types */
int ow_atable_discretised(const ow_atable *t); /* 1 when built from a continuous model */
double ow_atable_prob(const ow_atable *t, size_t i);
double ow_atable_payoff(const ow_atable *t, size_t i, size_t a);

/* Called with the text GLPK reports as it solves (iterations, objective),
 * from the calling thread.  GLPK's terminal hook is process-wide: solve
 * one program at a time per process when a progress function is set. */
typedef void (*ow_lp_progress_fn)(const char *text, void *arg);

typedef struct ow_secondbest_options {
    ow_lp_progress_fn progress;   /* NULL: quiet */
    void *progress_arg;
    int exact;                    /* 1: re-solve with GLPK's exact rational
                                     simplex; -1: never; 0 (default): when small */
    int signed_payments;          /* 0 (default): payments go from B to A and are
                                     never negative (spec section 3), report by
                                     report; 1: any sign */
} ow_secondbest_options;

/* One constraint of the programs that holds with equality. */
typedef struct ow_binding {
    char kind[8];             /* "IR_A", "IR_B", "IC_A", "IC_B" */
    size_t i, i2;             /* the type (and for IC the report) */
} ow_binding;

typedef struct ow_secondbest {
    size_t nA, T, m;
    int signed_payments;      /* the option the programs were solved with */
    /* first best (efficient allocation, no payments) and Nash */
    double fb_welfare, fb_payoff_A, fb_payoff_B;
    double nash_welfare, nash_payoff_A, nash_payoff_B;
    /* second best: welfare-maximising, BNIC, interim IR, budget balanced */
    double sb_welfare, sb_payoff_A, sb_payoff_B;
    double *x;                /* nA*T*m: x[(i*T + j)*m + a], the lottery */
    double *t;                /* nA*T: payment from B to A for reports (i, j) */
    ow_binding *binding;      /* constraints that bind */
    size_t nbinding;
    double sb_violation;      /* the largest violation found by re-checking
                                 every constraint on x and t directly */
    /* least subsidy that makes the efficient allocation BNIC and interim IR */
    double subsidy, ls_payoff_A, ls_payoff_B;
    double ls_violation;
    /* GLPK's exact rational simplex, when it ran */
    int exact_checked;
    double exact_sb_welfare, exact_subsidy;
    size_t lp_rows, lp_cols;
} ow_secondbest;

/* Solve both programs for the types of table t (from game g).  On error,
 * NULL is returned. */
ow_secondbest *ow_secondbest_solve(const ow_game *g, const ow_atable *t,
                                   const ow_secondbest_options *o, ow_error *err);
void ow_secondbest_free(ow_secondbest *s);

/* ----------------------------------------------------------------- pricing */

#ifndef OW_PRICING_EXACT_MAX
#define OW_PRICING_EXACT_MAX 4000   /* A types x actions searched exactly (MIP) */
#endif
#ifndef OW_PRICING_TIME_LIMIT_MS
#define OW_PRICING_TIME_LIMIT_MS 60000  /* per B type, for the exact search */
#endif

/* B posts a reward r_a >= 0 for each of A's actions; A plays the action
 * maximising u_A(a) + r_a (ties: the one B prefers, then the lowest index);
 * B best-responds to the action played. */
typedef struct ow_pricing {
    size_t m, T;
    double *rewards;          /* T*m: rewards[j*m + a] */
    int *optimal;             /* T: 1 when proved optimal (exact search) */
    int all_optimal;
    double *payoff_B_type;    /* T */
    double welfare, payoff_A, payoff_B;
    double paid;              /* expected reward paid */
} ow_pricing;

typedef struct ow_pricing_options {
    size_t restarts;          /* local search starts (default 32) */
    uint64_t seed;
    int exact;                /* 1 always, -1 never, 0 (default) when small */
} ow_pricing_options;

void ow_pricing_options_default(ow_pricing_options *o);

/* B's optimal rewards per type: a mixed-integer program (GLPK) where the
 * instance is small enough, else the best of a coordinate search from many
 * starts (optimal = 0).  On error, NULL is returned. */
ow_pricing *ow_pricing_solve(const ow_workspace *w, const ow_pricing_options *o,
                             ow_error *err);
void ow_pricing_free(ow_pricing *p);

/* The outcome of rewards r (m values) for B's type j: A's and B's payoffs. */
ow_status ow_pricing_eval(const ow_workspace *w, size_t j, const double *r,
                          double *payoff_A, double *payoff_B, ow_error *err);

/* ----------------------------------------------------------------- compare */

typedef struct ow_compare_options {
    size_t offers;            /* schedule length searched (default 2) */
    size_t restarts;
    size_t points;            /* discretisation of continuous models (default 64) */
    uint64_t seed;
    ow_lp_progress_fn progress;   /* a line per step of the comparison; NULL: quiet */
    void *progress_arg;
} ow_compare_options;

void ow_compare_options_default(ow_compare_options *o);

/* One row per mechanism: {"name", "welfare", "payoff_A", "payoff_B", "poa",
 * "budget_balanced", "incentive_compatible", "individually_rational",
 * "properties": {...}, "note"}.  Returns a new document or NULL. */
json_t *ow_compare(const ow_workspace *w, const ow_compare_options *o, ow_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ONEWAY_MECH_H */
