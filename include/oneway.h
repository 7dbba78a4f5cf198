/*
 * oneway.h -- public interface of liboneway, the engine behind `oneway`.
 *
 * A one-way game has two players: A, whose payoff depends only on her own
 * action, and B, whose payoff depends on what A does.  This library loads a
 * game file (docs/game-format.md, spec oneway-games.md section 2), computes
 * the Nash equilibrium without payments, the optimum, the price of anarchy
 * and the single-offer bargaining mechanism of the paper exactly, plays the
 * mechanism by Monte Carlo, and reproduces the paper's checkable claims.
 *
 * Conventions
 *   - Every function that can fail returns an ow_status (or NULL) and, when
 *     the caller passes a non-NULL ow_error, fills it with a message.  The
 *     library never prints and never exits.
 *   - Every _alloc/_load has a matching _free; _free(NULL) is a no-op.
 *   - A figure that does not exist (a ratio whose denominator is not
 *     positive, gamma when Delta_B <= 0) is NaN; ow_isnull() tests for it.
 *   - Indices are 0-based and refer to file order (A's actions, B's actions,
 *     B's types).
 */
#ifndef ONEWAY_H
#define ONEWAY_H

#include <stddef.h>
#include <stdint.h>
#include <math.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ONEWAY_VERSION "0.1.0"

/* ---------------------------------------------------------------- status */

typedef enum ow_status {
    OW_OK = 0,      /* success */
    OW_EINPUT,      /* the game file or an argument violates the spec */
    OW_ETOOBIG,     /* a declared or implied size exceeds a limit or memory */
    OW_EIO,         /* a file could not be opened or read */
    OW_ENOMEM,      /* an allocation failed */
    OW_ENUMERIC,    /* a numerical method did not reach its tolerance */
    OW_EINTERNAL,   /* a bug: an invariant of the library does not hold */
    OW_EAUTH,       /* broker: no key, or a key of no party */
    OW_EFORBIDDEN,  /* broker: the party may not see or do this */
    OW_ENOTFOUND,   /* broker: no such negotiation or party */
    OW_ESTATE,      /* broker: the step is out of order (answered, closed) */
    OW_ECORRUPT     /* broker: the ledger file is damaged or not a ledger */
} ow_status;

#ifndef OW_ERRMSG_MAX
#define OW_ERRMSG_MAX 1024
#endif

/* Where a failing call explains itself.  Owned by the caller. */
typedef struct ow_error {
    ow_status status;
    char msg[OW_ERRMSG_MAX];
} ow_error;

/* Static name of a status ("input error", ...). */
const char *ow_status_str(ow_status s);

/* True when x stands for a figure that does not exist (JSON null). */
static inline int ow_isnull(double x) { return isnan(x); }

/* ------------------------------------------------------------------ game */

typedef struct ow_game ow_game;     /* opaque, immutable once loaded */

/* Load a game file.  On error, NULL is returned and err says which file,
 * where (line:column or the path of the value) and what was wrong. */
ow_game *ow_game_load(const char *path, ow_error *err);

/* Load a game from JSON text.  label names it in messages and is the
 * default game name; base_dir resolves {"csv": ...} paths (NULL: "."). */
ow_game *ow_game_load_string(const char *json, const char *label,
                             const char *base_dir, ow_error *err);

void ow_game_free(ow_game *g);

const char *ow_game_name(const ow_game *g);
size_t ow_game_num_actions_A(const ow_game *g);          /* m */
size_t ow_game_num_actions_B(const ow_game *g);          /* k */
size_t ow_game_num_types_B(const ow_game *g);            /* T */
const char *ow_game_action_A(const ow_game *g, size_t a);
const char *ow_game_action_B(const ow_game *g, size_t b);
const char *ow_game_type_B(const ow_game *g, size_t j);
double ow_game_type_prob(const ow_game *g, size_t j);
/* u_B(a, b, theta_j) */
double ow_game_payoff_B(const ow_game *g, size_t j, size_t a, size_t b);
/* 1 when A has finitely many types (sums are exact), 0 when some action's
 * payoff has a continuous distribution (integrals). */
int ow_game_is_finite(const ow_game *g);
/* Number of A types of a finite model (0 for a continuous one). */
size_t ow_game_num_types_A(const ow_game *g);

/* ------------------------------------------------------------- workspace */

/* Everything about A that every B type reuses: A's Nash action
 * probabilities q, E[max_a u_A], and for finite models Delta_A sorted once
 * per action.  Built once per game; read-only afterwards, so several
 * threads may share one. */
typedef struct ow_workspace ow_workspace;

ow_workspace *ow_workspace_alloc(const ow_game *g, ow_error *err);
void ow_workspace_free(ow_workspace *w);

/* q_a = Pr[s_A^N = a]. */
double ow_nash_prob(const ow_workspace *w, size_t a);
/* E[max_a u_A(a)]: A's payoff without payments. */
double ow_nash_payoff_A(const ow_workspace *w);

/* P(a, c) = Pr[Delta_A(a) <= c], the probability that A accepts payment c
 * for playing a.  c < 0 gives 0. */
ow_status ow_accept_prob(const ow_workspace *w, size_t a, double c,
                         double *P, ow_error *err);

/* ---------------------------------------------------------- single offer */

typedef enum ow_model {
    OW_MODEL_PAPER = 0,   /* Lemma 3: B maximises u^O + P (Delta_B - c) */
    OW_MODEL_BAYES = 1    /* B maximises her true expected payoff */
} ow_model;

const char *ow_model_name(ow_model m);
/* Parses "paper"/"bayes"; returns -1 on anything else. */
int ow_model_parse(const char *s);

/* One offer of B's type j and what it really yields. */
typedef struct ow_offer {
    size_t type;          /* B's type j */
    size_t action;        /* proposed action a */
    double payment;       /* c >= 0 */
    double gamma;         /* c / Delta_B, NaN when Delta_B <= 0 */
    double accept_prob;   /* P(a, c) */
    size_t outside;       /* B's action after a rejection */
    double outside_value; /* u^O(a): the paper's value of the outside option */
    double delta_B;       /* Delta_B(a) = w(a) - u^O(a) */
    double payoff_A;      /* A's true expected payoff, payment included */
    double payoff_B;      /* B's true expected payoff, net of the payment */
    double welfare;       /* payoff_A + payoff_B */
} ow_offer;

/* B's outside option after a rejected offer of a: fills b^O(a) and u^O(a). */
void ow_outside_option(const ow_workspace *w, size_t j, size_t a,
                       size_t *b, double *value);

/* The true outcome of offer (a, c) by type j with outside action b. */
ow_status ow_offer_eval(const ow_workspace *w, size_t j, size_t a, double c,
                        size_t b, ow_offer *out, ow_error *err);

/* The largest payment for action a that ow_offer_eval and ow_accept_prob
 * can evaluate: INFINITY, except for games whose samples come from CSV,
 * which keep only what any offer can use (docs/method.md). */
double ow_offer_max_payment(const ow_workspace *w, size_t a);

/* B's best single offer for type j under the model. */
ow_status ow_offer_solve(const ow_workspace *w, size_t j, ow_model model,
                         ow_offer *out, ow_error *err);

/* The paper-optimal payment for a fixed action a (maximises
 * P(a,c) (Delta_B(a) - c) over c in [0, max(Delta_B, 0)]). */
ow_status ow_offer_solve_action(const ow_workspace *w, size_t j, size_t a,
                                ow_offer *out, ow_error *err);

/* Theorem 6: the limited strategy a' = argmax_a w(a) with its
 * paper-optimal payment, and the bound ((g+1)/g)(1 - P (1 - g)). */
typedef struct ow_limited {
    ow_offer offer;
    double bound;         /* NaN when gamma' = 0 or undefined */
} ow_limited;

ow_status ow_limited_solve(const ow_workspace *w, size_t j, ow_limited *out,
                           ow_error *err);

/* A's answer at step i (0-based) of a committed schedule c[0..n-1] made
 * with probabilities p[0..n-1] (p[0] = 1), when giving up her own choice
 * costs her delta = Delta_A(a): she accepts iff c_i - delta is at least
 * what rejecting is worth, p_{i+1} U_{i+1}, by backward induction with
 * U_n = max(c_n - delta, 0) and U_j = max(c_j - delta, p_{j+1} U_{j+1}).
 * For one offer this is Proposition 2: delta <= c.  Returns 1 or 0. */
int ow_schedule_accepts(double delta, const double *c, const double *p, size_t n, size_t i);

/* ----------------------------------------------------------------- solve */

typedef struct ow_solve_options {
    ow_model model;
    uint64_t seed;            /* Monte Carlo seed (continuous models only) */
    size_t mc_samples;        /* Monte Carlo samples for E[OPT/SW_N] of a
                                 continuous model; 0: not estimated (NaN) */
    size_t part, nparts;      /* solve only B types j with j % nparts == part
                                 (default 0 of 1: all); see ow_solution_finish */
    int mechanisms;           /* sweeps only (oneway_plot.h): also compare every
                                 mechanism at each point (oneway_mech.h);
                                 ow_solve ignores it.  Default 0. */
    size_t cache_bytes;       /* the last-level cache the optimum of a finite
                                 game may count on: while every thread's row
                                 maxima fit in half of it, they are updated in
                                 place, else in cache-sized blocks (the same
                                 result either way).  Default 0: the size the
                                 system reports. */
} ow_solve_options;

void ow_solve_options_default(ow_solve_options *o);

typedef struct ow_solution {
    ow_model model;
    int exact;                /* 0 when some figure is a Monte Carlo estimate */
    size_t m, k, T;
    /* Nash without payments */
    double *q;                /* m */
    size_t *nash_B;           /* T: s_B^N(theta_j) */
    double nash_payoff_A, nash_payoff_B, nash_welfare;
    /* optimum */
    double opt_welfare;       /* E[max_a (u_A + w)] (Definition 1) */
    double opt_welfare_ex_ante;
    /* price of anarchy */
    double poa_nash;          /* W_OPT / W_N */
    double poa_single;        /* W_OPT / W_SO */
    double poa_nash_expected; /* E[OPT / SW_N] (Definition 2) */
    double poa_nash_expected_se;     /* 0 when exact */
    size_t poa_nash_expected_samples;/* 0 when exact */
    uint64_t poa_nash_expected_seed;
    const char *poa_null_reason;     /* why some PoA is NaN, or NULL */
    /* single offer */
    ow_offer *offers;         /* T */
    ow_limited *limited;      /* T */
    double so_welfare, so_payoff_A, so_payoff_B;
    double so_payment;        /* sum_j pi_j c_j */
    double so_transfer;       /* sum_j pi_j P_j c_j */
    double so_accept_prob;    /* sum_j pi_j P_j */
    /* per B type, behind the sums above */
    double *opt_type;         /* T: E[max_a (u_A + w_j)] */
    double *ratio_type;       /* T: E[OPT / SW_N | theta_j] (finite models) */
    int *ratio_type_ok;       /* T: every SW_N of type j is positive */
} ow_solution;

/* Solve everything of spec sections 3-4 except multi-offer and second best.
 * On error, NULL is returned. */
ow_solution *ow_solve(const ow_workspace *w, const ow_solve_options *opt,
                      ow_error *err);
void ow_solution_free(ow_solution *s);

/* A solution computed in parts (options part/nparts, e.g. one per MPI rank)
 * has offers, limited and the per-type arrays only for its own types.  Once
 * the other types' entries are copied in, this computes every sum and
 * ratio from them, exactly as a single ow_solve would. */
void ow_solution_finish(ow_solution *s, const ow_workspace *w);

/* -------------------------------------------------------------- simulate */

typedef struct ow_estimate { double mean, se; } ow_estimate;

typedef struct ow_sim_result {
    uint64_t rounds, seed;
    ow_estimate nash_welfare, nash_payoff_A, nash_payoff_B;
    ow_estimate so_welfare, so_payoff_A, so_payoff_B, so_accept;
} ow_sim_result;

/* Called now and then from the calling thread with rounds done so far;
 * return nonzero to stop (the call then fails with OW_EINPUT "stopped"). */
typedef int (*ow_progress_fn)(uint64_t done, uint64_t total, void *arg);

/* Play `rounds` rounds of the protocol with sampled types, B playing the
 * offers of `sol` and A answering by Proposition 2.  Rounds are drawn from
 * random streams keyed by block of rounds, so the output is bit-identical
 * whatever the number of threads. */
ow_status ow_simulate(const ow_workspace *w, const ow_solution *sol,
                      uint64_t rounds, uint64_t seed, ow_progress_fn progress,
                      void *progress_arg, ow_sim_result *out, ow_error *err);

/* Running a simulation in parts (several processes): rounds are grouped in
 * blocks of OW_SIM_BLOCK_ROUNDS; block b's statistics depend only on the
 * seed and b.  Combining all blocks in order gives exactly ow_simulate's
 * result, however the blocks were shared out. */
#define OW_SIM_BLOCK_ROUNDS 65536
#define OW_SIM_NSTAT 7
typedef struct ow_sim_block { double n, mean[OW_SIM_NSTAT], m2[OW_SIM_NSTAT]; } ow_sim_block;

uint64_t ow_sim_num_blocks(uint64_t rounds);
/* Blocks first .. first+count-1 into out[0..count-1]. */
ow_status ow_simulate_blocks(const ow_workspace *w, const ow_solution *sol,
                             uint64_t rounds, uint64_t seed, uint64_t first,
                             uint64_t count, ow_sim_block *out,
                             ow_progress_fn progress, void *progress_arg,
                             ow_error *err);
/* Combine blocks 0..count-1 (in order) into a result. */
void ow_sim_combine(const ow_sim_block *blocks, uint64_t count, uint64_t rounds,
                    uint64_t seed, ow_sim_result *out);

#ifdef __cplusplus
}
#endif
#endif /* ONEWAY_H */
