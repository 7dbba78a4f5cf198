/*
 * main.c -- the `oneway` command line: a thin shell over liboneway.
 *
 * It parses arguments, calls the library, and decides what to show:
 * tables for people by default, one JSON document with --json.  Exit
 * status (spec cli.md): 0 success; 2 bad usage or bad input, with the
 * message on stderr and nothing on stdout; 1 anything else.
 */
#include "oneway.h"
#include "oneway_report.h"
#include "oneway_plot.h"
#include "oneway_broker.h"
#include "agent.h"
#include "lab.h"
#include "common.h"
#include "oneway_mech.h"
#ifdef OW_HAVE_MPI
#include "mpi.h"
#endif

static int g_rank = 0;                /* MPI rank (0 when alone) */
#ifdef OW_HAVE_MPI
static int g_ranks = 1;               /* MPI size (1 when alone) */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <pthread.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static const char *usage_text =
"usage: oneway <command> [options]\n"
"\n"
"commands:\n"
"  solve GAME.json [--model paper|bayes] [--json] [--seed S] [--mc-samples N]\n"
"      Nash without payments, the optimum, the price of anarchy and B's best\n"
"      single offer per type, with what the mechanism really yields.\n"
"  simulate GAME.json --rounds N [--seed S] [--model paper|bayes] [--json]\n"
"      play the protocol N rounds with sampled types; means and standard errors\n"
"      next to the exact figures of `solve`.\n"
"  solve GAME.json --report DIR [--mechanisms]\n"
"      also write DIR/index.html: the tables and figures, self-contained;\n"
"      --mechanisms adds the comparison of every mechanism (as `compare`).\n"
"  sweep GAME.json --vary PATH=FROM:TO:STEPS [--vary ...] [--model ..]\n"
"        [--json] [--plot FILE.svg|.pdf|.png] [--metrics poa.nash,poa.single_offer] [--mechanisms]\n"
"      solve the game at every grid point of one or two of its values (a path\n"
"      into the game file, e.g. B.types[0].payoff[0][0]); CSV on stdout, one row\n"
"      per point, one column per figure named by its JSON path in solve --json;\n"
"      --mechanisms adds every mechanism of `compare` (compare.<name>.poa, ...).\n"
"  broker --db LEDGER --listen HOST:PORT\n"
"      serve the broker's HTTP/JSON API (docs/broker-api.md) until SIGINT/SIGTERM.\n"
"  broker add-party NAME --db LEDGER\n"
"      register a party in the broker's ledger; prints its API key once (last word).\n"
"  broker verify --db LEDGER\n"
"      check the ledger: its hash chain and that every negotiation followed the protocol.\n"
"  agent b --broker URL --key KEY --game GAME --type T --a NAME [--model ..]\n"
"        [--offers N | --payments c1,c2.. --probs 1,p2.. --action A --outside B] [--repeat N]\n"
"      B submits her best offer for her type (the best N-offer schedule found,\n"
"      or the schedule given) to a broker.\n"
"  agent a --broker URL --key KEY --game GAME --payoffs u1,..,um [--serve]\n"
"      A answers her open offers from her payoffs (Proposition 2; backward\n"
"      induction for schedules); the payoffs never leave the program.\n"
"  multi GAME.json --type T --action A --gamma g1,g2.. [--prob 1,p2..] [--model ..] [--json]\n"
"      evaluate a committed multi-offer schedule (A stops by backward induction,\n"
"      and by the paper's conditions (3)-(4)) against B's single offer.\n"
"  multi GAME.json --type T --offers N [--action A] [--restarts R] [--seed S] [--model ..]\n"
"      search N-offer schedules for B's type T (Theorem 10 made visible).\n"
"  secondbest GAME.json [--points K] [--json] [--quiet] [--exact|--no-exact] [--signed]\n"
"      the best budget-balanced, Bayes-Nash IC, interim IR direct mechanism and\n"
"      the least subsidy that buys efficiency (GLPK); continuous models on K points.\n"
"  pricing GAME.json [--json] [--restarts R] [--seed S] [--exact|--no-exact]\n"
"      item pricing: B's optimal reward for each of A's actions, per B type.\n"
"  compare GAME.json [--json] [--offers N] [--points K] [--quiet]\n"
"      one table of every mechanism: welfare, payoffs, PoA, BB / IC / IR.\n"
"  paper [--json] [--plots DIR]\n"
"      every checkable claim of the paper: its value, its formula recomputed,\n"
"      the true value, and whether the claim holds; --plots draws its figures.\n"
"\n"
"options:\n"
"  --threads T   OpenMP threads (default: all cores)\n"
"  --help        this text;  --version  the version\n"
"\n"
"Exit status: 0 success, 2 bad usage or input, 1 other failure.\n"
"Game file format: docs/game-format.md.\n";


static int fail(const ow_error *e)
{
    if (g_rank == 0) fprintf(stderr, "oneway: %s\n", e->msg);
    return cli_status(e->status);
}

typedef struct args {
    const char *cmd, *game, *report, *plot, *plots, *metrics, *db, *sub, *listen;
    const char *vary[2];
    int nvary;
    int json, model, mechanisms;
    uint64_t seed, rounds, mc_samples, threads;
    int have_rounds;
} args;

static int parse(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    a->seed = 1;
    a->mc_samples = 1000000;
    a->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        if (!strcmp(s, "--json")) a->json = 1;
        else if (!strcmp(s, "--mechanisms")) a->mechanisms = 1;
        else if (!strcmp(s, "--db") || !strcmp(s, "--listen")) {
            if (!val) return cli_usage("%s needs a value", s);
            if (!strcmp(s, "--db")) a->db = val; else a->listen = val;
            i++;
        }
        else if (!strcmp(s, "--report") || !strcmp(s, "--plot") || !strcmp(s, "--plots") ||
                 !strcmp(s, "--metrics") || !strcmp(s, "--vary")) {
            if (!val) return cli_usage("%s needs a value", s);
            if (!strcmp(s, "--report")) a->report = val;
            else if (!strcmp(s, "--plot")) a->plot = val;
            else if (!strcmp(s, "--plots")) a->plots = val;
            else if (!strcmp(s, "--metrics")) a->metrics = val;
            else {
                if (a->nvary == 2) return cli_usage("%s", "at most two --vary options");
                a->vary[a->nvary++] = val;
            }
            i++;
        }
        else if (!strcmp(s, "--model")) {
            if (!val) return cli_usage("%s needs a value (paper or bayes)", s);
            if ((a->model = ow_model_parse(val)) < 0) return cli_usage("unknown model '%s' (expected paper or bayes)", val);
            i++;
        } else if (!strcmp(s, "--seed") || !strcmp(s, "--rounds") || !strcmp(s, "--mc-samples") || !strcmp(s, "--threads")) {
            uint64_t v;
            if (!val) return cli_usage("%s needs a value", s);
            if (cli_u64(val, &v)) {
                fprintf(stderr, "oneway: %s expects a non-negative whole number, found '%s'\n", s, val);
                return 2;
            }
            if (!strcmp(s, "--seed")) a->seed = v;
            else if (!strcmp(s, "--rounds")) { a->rounds = v; a->have_rounds = 1; }
            else if (!strcmp(s, "--mc-samples")) a->mc_samples = v;
            else a->threads = v;
            i++;
        } else if (s[0] == '-' && s[1]) return cli_usage("unknown option '%s'", s);
        else if (!strcmp(a->cmd, "broker") && !a->sub) a->sub = s;
        else if (!a->game) a->game = s;
        else return cli_usage("unexpected argument '%s'", s);
    }
    return 0;
}

static void emit_json(json_t *doc)
{
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    fputc('\n', stdout);
}

static int progress(uint64_t done, uint64_t total, void *arg)
{
    (void)arg;
    fprintf(stderr, "\rsimulating: %5.1f%% (%llu of %llu rounds)", 100.0 * (double)done / (double)total,
            (unsigned long long)done, (unsigned long long)total);
    if (done == total) fputc('\n', stderr);
    return 0;
}

static int cmd_solve_or_simulate(const args *a, int simulate)
{
    ow_error err = { OW_OK, "" };
    int rc = 1;
    ow_workspace *w = NULL;
    ow_solution *s = NULL;
    json_t *doc = NULL;
    char *text = NULL;
    if (!a->game) return cli_usage("%s needs a game file", a->cmd);
    if (simulate && !a->have_rounds) return cli_usage("%s needs --rounds N", a->cmd);
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) return fail(&err);
    ow_solve_options o;
    ow_solve_options_default(&o);
    o.model = (ow_model)a->model;
    o.seed = a->seed;
    o.mc_samples = a->mc_samples;
    if (o.mc_samples == 1) { ow_game_free(g); return cli_usage("%s", "--mc-samples must be 0 (skip) or at least 2"); }
    if (!(w = ow_workspace_alloc(g, &err))) { rc = fail(&err); goto out; }
#ifdef OW_HAVE_MPI
    if (g_ranks > 1 && !simulate) {
        int failed;
        s = owmpi_solve(w, &o, &err, &failed);
        if (failed) { rc = fail(&err); goto out; }
        if (g_rank != 0) { rc = 0; goto out; }
    } else
#endif
    if (!(s = ow_solve(w, &o, &err))) { rc = fail(&err); goto out; }
    if (simulate) {
        ow_sim_result r;
        int tty = isatty(STDERR_FILENO);
#ifdef OW_HAVE_MPI
        if (g_ranks > 1) {
            if (owmpi_simulate(w, s, a->rounds, a->seed, &r, &err)) { rc = fail(&err); goto out; }
            if (g_rank != 0) { rc = 0; goto out; }
        } else
#endif
        if (ow_simulate(w, s, a->rounds, a->seed, tty ? progress : NULL, NULL, &r, &err)) { rc = fail(&err); goto out; }
        if (a->json) doc = ow_report_simulate_json(g, s, &r);
        else text = ow_report_simulate_text(g, s, &r);
    } else {
        if (a->report) {
            json_t *mech = NULL;
            if (a->mechanisms) {
                ow_compare_options co;
                ow_compare_options_default(&co);
                co.seed = a->seed;
                if (!(mech = ow_compare(w, &co, &err))) { rc = fail(&err); goto out; }
            }
            ow_status rs = ow_report_html_mechanisms(g, w, s, mech, a->report, &err);
            json_decref(mech);
            if (rs) { rc = fail(&err); goto out; }
        }
        if (a->json) doc = ow_report_solve_json(g, s);
        else text = ow_report_solve_text(g, s);
        if (a->report) fprintf(stderr, "oneway: report written to %s/index.html\n", a->report);
    }
    if (!doc && !text) { fprintf(stderr, "oneway: out of memory formatting the report\n"); goto out; }
    if (doc) emit_json(doc); else fputs(text, stdout);
    rc = 0;
out:
    json_decref(doc);
    free(text);
    ow_solution_free(s);
    ow_workspace_free(w);
    ow_game_free(g);
    return rc;
}

static int sweep_progress(uint64_t done, uint64_t total, void *arg)
{
    (void)arg;
    fprintf(stderr, "\rsweep: point %llu of %llu", (unsigned long long)done, (unsigned long long)total);
    if (done == total) fputc('\n', stderr);
    return 0;
}

/* split "a,b,c" into a NULL-free array (pointers into a copy) */
static char **split_list(const char *s, size_t *n, char **copy)
{
    *n = 0;
    *copy = strdup(s);
    if (!*copy) return NULL;
    size_t cap = 1;
    for (const char *p = s; *p; p++) cap += *p == ',';
    char **v = calloc(cap, sizeof *v);
    if (!v) return NULL;
    for (char *tok = strtok(*copy, ","); tok; tok = strtok(NULL, ",")) v[(*n)++] = tok;
    return v;
}

static int cmd_sweep(const args *a)
{
    ow_error err = { OW_OK, "" };
    if (!a->game) return cli_usage("%s needs a game file", a->cmd);
    if (a->nvary == 0) return cli_usage("%s", "sweep needs --vary PATH=FROM:TO:STEPS");
    ow_axis ax[2] = { { 0 } };
    int rc = 1;
    ow_sweep *sw = NULL;
    char **metrics = NULL, *mcopy = NULL, *out = NULL;
    json_t *doc = NULL;
    size_t nm = 0;
    for (int i = 0; i < a->nvary; i++)
        if (ow_axis_parse(a->vary[i], &ax[i], &err)) { rc = fail(&err); goto done; }
    if (a->metrics && !(metrics = split_list(a->metrics, &nm, &mcopy))) { fprintf(stderr, "oneway: out of memory\n"); goto done; }
    if (a->metrics && nm == 0) { rc = cli_usage("%s", "--metrics needs at least one name"); goto done; }
    ow_solve_options o;
    ow_solve_options_default(&o);
    o.model = (ow_model)a->model;
    o.seed = a->seed;
    o.mc_samples = a->mc_samples;
    o.mechanisms = a->mechanisms;
#ifdef OW_HAVE_MPI
    if (g_ranks > 1) {
        int failed;
        sw = owmpi_sweep(a->game, ax, (size_t)a->nvary, &o, isatty(STDERR_FILENO) ? sweep_progress : NULL, &err, &failed);
        if (failed) {
            if (err.msg[0]) fprintf(stderr, "oneway: rank %d: %s\n", g_rank, err.msg);
            rc = err.status == OW_EINPUT || err.status == OW_ETOOBIG || err.status == OW_EIO || !err.msg[0] ? 2 : 1;
            goto done;
        }
        if (g_rank != 0) { rc = 0; goto done; }
    } else
#endif
    sw = ow_sweep_run(a->game, ax, (size_t)a->nvary, &o, isatty(STDERR_FILENO) ? sweep_progress : NULL, NULL, &err);
    if (!sw) { rc = fail(&err); goto done; }
    for (size_t i = 0; i < nm; i++)
        if (ow_sweep_col(sw, metrics[i]) < 0) {
            fprintf(stderr, "oneway: --metrics: no figure named '%s' (names are JSON paths of solve --json, e.g. poa.single_offer)\n", metrics[i]);
            rc = 2;
            goto done;
        }
    if (a->plot && ow_sweep_plot(sw, a->plot, (const char *const *)metrics, nm, &err)) { rc = fail(&err); goto done; }
    if (a->json) {
        if (!(doc = ow_sweep_json(sw))) { fprintf(stderr, "oneway: out of memory\n"); goto done; }
        emit_json(doc);
    } else {
        if (!(out = ow_sweep_csv(sw, (const char *const *)metrics, nm))) { fprintf(stderr, "oneway: out of memory\n"); goto done; }
        fputs(out, stdout);
    }
    if (a->plot) fprintf(stderr, "oneway: plot written to %s\n", a->plot);
    rc = 0;
done:
    for (int i = 0; i < 2; i++) free(ax[i].path);
    free(metrics); free(mcopy); free(out);
    json_decref(doc);
    ow_sweep_free(sw);
    return rc;
}

static int broker_serve(const args *a)
{
    ow_error err = { OW_OK, "" };
    if (!a->db) return cli_usage("%s", "broker needs --db LEDGER");
    char host[64];
    const char *colon = strrchr(a->listen, ':');
    uint64_t port;
    if (!colon || (size_t)(colon - a->listen) >= sizeof host || cli_u64(colon + 1, &port) || port > 65535)
        return cli_usage("--listen expects HOST:PORT (e.g. 127.0.0.1:8080), found '%s'", a->listen);
    memcpy(host, a->listen, (size_t)(colon - a->listen));
    host[colon - a->listen] = 0;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);        /* the server's thread inherits the mask */
    ow_ledger *l = ow_ledger_open(a->db, &err);
    if (!l) return fail(&err);
    ow_broker *b = ow_broker_start(l, host, (unsigned short)port, &err);
    if (!b) { ow_ledger_close(l); return fail(&err); }
    printf("oneway broker: listening on http://%s:%u (ledger %s)\n", host, ow_broker_port(b), a->db);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    ow_broker_stop(b);
    ow_ledger_close(l);
    fprintf(stderr, "oneway broker: stopped\n");
    return 0;
}

static int cmd_broker(const args *a)
{
    ow_error err = { OW_OK, "" };
    if (!a->sub && a->listen) return broker_serve(a);
    if (!a->sub) return cli_usage("%s", "broker needs --listen HOST:PORT, or a command: add-party NAME, verify");
    if (!a->db) return cli_usage("broker %s needs --db LEDGER", a->sub);
    if (!strcmp(a->sub, "add-party")) {
        if (!a->game) return cli_usage("%s", "broker add-party needs a NAME");
        ow_ledger *l = ow_ledger_open(a->db, &err);
        if (!l) return fail(&err);
        char key[OW_KEY_MAX];
        int64_t id;
        ow_status s = ow_ledger_add_party(l, a->game, key, &id, &err);
        ow_ledger_close(l);
        if (s) return fail(&err);
        printf("party \"%s\" (id %lld) registered; its API key, shown only now: %s\n", a->game, (long long)id, key);
        return 0;
    }
    if (!strcmp(a->sub, "verify")) {
        if (a->game) return cli_usage("broker verify takes no argument, found '%s'", a->game);
        char *report = NULL;
        if (ow_ledger_verify(a->db, &report, &err)) return err.status == OW_ECORRUPT ? (fprintf(stderr, "oneway: %s\n", err.msg), 1) : fail(&err);
        fputs(report, stdout);
        free(report);
        return 0;
    }
    return cli_usage("unknown broker command '%s'", a->sub);
}

static int cmd_paper(const args *a)
{
    ow_error err = { OW_OK, "" };
    if (a->game) return cli_usage("paper takes no game file, found '%s'", a->game);
    if (a->plots) {
        if (ow_paper_plots(a->plots, &err)) return fail(&err);
        fprintf(stderr, "oneway: the paper's figures are in %s/\n", a->plots);
    }
    json_t *rows = ow_paper_claims(&err);
    if (!rows) return fail(&err);
    if (a->json) emit_json(rows);
    else {
        char *t = ow_report_paper_text(rows);
        if (t) fputs(t, stdout);
        free(t);
    }
    json_decref(rows);
    return 0;
}

static int run(int argc, char **argv);

#ifdef OW_MPI_EXEC
/* Started by an MPI launcher: the MPI build beside this program,
 * oneway-mpi, does the work (this one never loads MPI, which saves every
 * other start a few milliseconds).  Returns only on failure. */
static int mpi_exec(char **argv)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 16);
    char *slash = n > 0 && (size_t)n < sizeof self - 16 ? (self[n] = 0, strrchr(self, '/')) : NULL;
    if (!slash) {
        fprintf(stderr, "oneway: started by an MPI launcher, but cannot tell where oneway-mpi is\n");
        return 2;
    }
    strcpy(slash + 1, "oneway-mpi");
    execv(self, argv);
    fprintf(stderr, "oneway: started by an MPI launcher, but %s cannot be run: %s\n", self, strerror(errno));
    return 2;
}
#endif

int main(int argc, char **argv)
{
#ifdef OW_MPI_EXEC
    if (cli_under_mpi()) return mpi_exec(argv);
#endif
#ifdef OW_HAVE_MPI
    g_ranks = owmpi_init(&argc, &argv, &g_rank);
#endif
    int rc = run(argc, argv);
#ifdef OW_HAVE_MPI
    rc = owmpi_max(rc);
    owmpi_finalize();
#endif
    return rc;
}

static int run_agent(int argc, char **argv)
{
    agent_args a;
    memset(&a, 0, sizeof a);
    a.repeat = 1;
    a.interval_ms = 200;
    a.role = argc > 2 ? argv[2] : NULL;
    for (int i = 3; i < argc; i++) {
        const char *s = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **dst = !strcmp(s, "--broker") ? &a.broker : !strcmp(s, "--key") ? &a.key : !strcmp(s, "--game") ? &a.game
            : !strcmp(s, "--type") ? &a.type : !strcmp(s, "--a") ? &a.a_name : !strcmp(s, "--me") ? &a.me
            : !strcmp(s, "--payments") ? &a.payments : !strcmp(s, "--probs") ? &a.probs : !strcmp(s, "--action") ? &a.action
            : !strcmp(s, "--outside") ? &a.outside : !strcmp(s, "--payoffs") ? &a.payoffs : NULL;
        if (dst) {
            if (!v) return cli_usage("%s needs a value", s);
            *dst = v;
            i++;
        } else if (!strcmp(s, "--serve")) a.serve = 1;
        else if (!strcmp(s, "--model") || !strcmp(s, "--repeat") || !strcmp(s, "--interval-ms") || !strcmp(s, "--offers")) {
            uint64_t x;
            if (!v) return cli_usage("%s needs a value", s);
            if (!strcmp(s, "--model")) { if ((a.model = ow_model_parse(v)) < 0) return cli_usage("unknown model '%s'", v); }
            else if (cli_u64(v, &x) || x == 0 || x > 1000000) return cli_usage("%s expects a whole number from 1 to 1000000", s);
            else if (!strcmp(s, "--repeat")) a.repeat = (unsigned)x;
            else if (!strcmp(s, "--offers")) a.offers = (unsigned)x;
            else a.interval_ms = (unsigned)x;
            i++;
        } else return cli_usage("unknown option '%s'", s);
    }
    return agent_main(&a);
}

static int run(int argc, char **argv)
{
    if (argc < 2) { fputs(usage_text, stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) { printf("oneway %s\n", ONEWAY_VERSION); return 0; }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage_text, stdout); return 0; }
    if (!strcmp(argv[1], "agent")) return g_rank == 0 ? run_agent(argc, argv) : 0;
    if (lab_is_command(argv[1])) return g_rank == 0 ? lab_main(argc, argv) : 0;
    args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
#ifdef _OPENMP
    if (a.threads) omp_set_num_threads((int)a.threads);
#endif
    /* under MPI simulate, sweep and solve share work; other commands run on rank 0 */
    if (g_rank != 0 && strcmp(a.cmd, "simulate") && strcmp(a.cmd, "sweep") && strcmp(a.cmd, "solve")) return 0;
    if (!strcmp(a.cmd, "solve")) return cmd_solve_or_simulate(&a, 0);
    if (!strcmp(a.cmd, "simulate")) return cmd_solve_or_simulate(&a, 1);
    if (!strcmp(a.cmd, "paper")) return cmd_paper(&a);
    if (!strcmp(a.cmd, "sweep")) return cmd_sweep(&a);
    if (!strcmp(a.cmd, "broker")) return cmd_broker(&a);
    return cli_usage("unknown command '%s'", a.cmd);
}
