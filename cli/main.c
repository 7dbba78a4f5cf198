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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
"  paper [--json]\n"
"      every checkable claim of the paper: its value, its formula recomputed,\n"
"      the true value, and whether the claim holds.\n"
"\n"
"options:\n"
"  --threads T   OpenMP threads (default: all cores)\n"
"  --help        this text;  --version  the version\n"
"\n"
"Exit status: 0 success, 2 bad usage or input, 1 other failure.\n"
"Game file format: docs/game-format.md.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "oneway: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'oneway --help'.\n");
    return 2;
}

static int fail(const ow_error *e)
{
    fprintf(stderr, "oneway: %s\n", e->msg);
    switch (e->status) {
    case OW_EINPUT: case OW_ETOOBIG: case OW_EIO: return 2;
    default: return 1;
    }
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return -1;
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (errno || *e) return -1;
    *out = v;
    return 0;
}

typedef struct args {
    const char *cmd, *game;
    int json, model;
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
        else if (!strcmp(s, "--model")) {
            if (!val) return usage_error("%s needs a value (paper or bayes)", s);
            if ((a->model = ow_model_parse(val)) < 0) return usage_error("unknown model '%s' (expected paper or bayes)", val);
            i++;
        } else if (!strcmp(s, "--seed") || !strcmp(s, "--rounds") || !strcmp(s, "--mc-samples") || !strcmp(s, "--threads")) {
            uint64_t v;
            if (!val) return usage_error("%s needs a value", s);
            if (parse_u64(val, &v)) {
                fprintf(stderr, "oneway: %s expects a non-negative whole number, found '%s'\n", s, val);
                return 2;
            }
            if (!strcmp(s, "--seed")) a->seed = v;
            else if (!strcmp(s, "--rounds")) { a->rounds = v; a->have_rounds = 1; }
            else if (!strcmp(s, "--mc-samples")) a->mc_samples = v;
            else a->threads = v;
            i++;
        } else if (s[0] == '-' && s[1]) return usage_error("unknown option '%s'", s);
        else if (!a->game) a->game = s;
        else return usage_error("unexpected argument '%s'", s);
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
    if (!a->game) return usage_error("%s needs a game file", a->cmd);
    if (simulate && !a->have_rounds) return usage_error("%s needs --rounds N", a->cmd);
    ow_game *g = ow_game_load(a->game, &err);
    if (!g) return fail(&err);
    ow_solve_options o;
    ow_solve_options_default(&o);
    o.model = (ow_model)a->model;
    o.seed = a->seed;
    o.mc_samples = a->mc_samples;
    if (o.mc_samples == 1) { ow_game_free(g); return usage_error("%s", "--mc-samples must be 0 (skip) or at least 2"); }
    if (!(w = ow_workspace_alloc(g, &err)) || !(s = ow_solve(w, &o, &err))) { rc = fail(&err); goto out; }
    if (simulate) {
        ow_sim_result r;
        int tty = isatty(STDERR_FILENO);
        if (ow_simulate(w, s, a->rounds, a->seed, tty ? progress : NULL, NULL, &r, &err)) { rc = fail(&err); goto out; }
        if (a->json) doc = ow_report_simulate_json(g, s, &r);
        else text = ow_report_simulate_text(g, s, &r);
    } else {
        if (a->json) doc = ow_report_solve_json(g, s);
        else text = ow_report_solve_text(g, s);
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

static int cmd_paper(const args *a)
{
    ow_error err = { OW_OK, "" };
    if (a->game) return usage_error("paper takes no game file, found '%s'", a->game);
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

int main(int argc, char **argv)
{
    if (argc < 2) { fputs(usage_text, stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) { printf("oneway %s\n", ONEWAY_VERSION); return 0; }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage_text, stdout); return 0; }
    args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
#ifdef _OPENMP
    if (a.threads) omp_set_num_threads((int)a.threads);
#endif
    if (!strcmp(a.cmd, "solve")) return cmd_solve_or_simulate(&a, 0);
    if (!strcmp(a.cmd, "simulate")) return cmd_solve_or_simulate(&a, 1);
    if (!strcmp(a.cmd, "paper")) return cmd_paper(&a);
    return usage_error("unknown command '%s'", a.cmd);
}
