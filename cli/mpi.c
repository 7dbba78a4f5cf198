/*
 * mpi.c -- the MPI layer of the command line (see mpi.h).  The library
 * knows nothing of MPI: it offers simulations by blocks and sweeps by
 * parts; this file shares them out and gathers them on rank 0.
 */
#include "mpi.h"
#include "common.h"
#include <jansson.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int active, nranks = 1, me;

int owmpi_init(int *argc, char ***argv, int *rank)
{
    *rank = 0;
    if (!cli_under_mpi()) return 1;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) return 1;
    active = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    *rank = me;
    return nranks;
}

void owmpi_finalize(void)
{
    if (active) MPI_Finalize();
    active = 0;
}

int owmpi_max(int v)
{
    if (!active) return v;
    int r = v;
    MPI_Allreduce(&v, &r, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return r;
}

int owmpi_simulate(const ow_workspace *w, const ow_solution *s, uint64_t rounds,
                   uint64_t seed, ow_sim_result *out, ow_error *err)
{
    uint64_t nb = ow_sim_num_blocks(rounds);
    uint64_t lo = nb * (uint64_t)me / (uint64_t)nranks, hi = nb * (uint64_t)(me + 1) / (uint64_t)nranks;
    ow_sim_block *mine = malloc((size_t)(hi - lo + 1) * sizeof *mine);
    ow_sim_block *all = me == 0 ? malloc((size_t)nb * sizeof *all) : NULL;
    int *counts = calloc((size_t)nranks, sizeof *counts), *displs = calloc((size_t)nranks, sizeof *displs);
    int st = (!mine || (me == 0 && !all) || !counts || !displs) ? OW_ENOMEM : OW_OK;
    const int per = (int)(sizeof(ow_sim_block) / sizeof(double));
    if (!st && hi > lo) st = ow_simulate_blocks(w, s, rounds, seed, lo, hi - lo, mine, NULL, NULL, err);
    if (owmpi_max(st) == OW_OK) {
        for (int r = 0; r < nranks; r++) {
            uint64_t a = nb * (uint64_t)r / (uint64_t)nranks, b = nb * (uint64_t)(r + 1) / (uint64_t)nranks;
            counts[r] = (int)(b - a) * per;
            displs[r] = (int)a * per;
        }
        MPI_Gatherv(mine, (int)(hi - lo) * per, MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        if (me == 0) ow_sim_combine(all, nb, rounds, seed, out);
    } else if (!st) {
        st = OW_EINTERNAL;
        snprintf(err->msg, sizeof err->msg, "another rank failed");
        err->status = OW_EINTERNAL;
    }
    free(mine); free(all); free(counts); free(displs);
    return st;
}

ow_sweep *owmpi_sweep(const char *game, const ow_axis *axes, size_t naxes,
                      const ow_solve_options *opt, ow_progress_fn progress,
                      ow_error *err, int *failed)
{
    ow_sweep *s = ow_sweep_run_part(game, axes, naxes, opt, (size_t)me, (size_t)nranks,
                                    me == 0 ? progress : NULL, NULL, err);
    *failed = owmpi_max(s == NULL);
    if (*failed) { ow_sweep_free(s); return NULL; }
    if (me != 0) {
        for (size_t p = (size_t)me; p < s->npoints; p += (size_t)nranks) {
            char *txt = json_dumps(s->docs[p], JSON_COMPACT | JSON_REAL_PRECISION(17));
            long len = txt ? (long)strlen(txt) + 1 : 0;
            MPI_Send(&len, 1, MPI_LONG, 0, (int)(p % 30000), MPI_COMM_WORLD);
            if (len) MPI_Send(txt, (int)len, MPI_CHAR, 0, (int)(p % 30000), MPI_COMM_WORLD);
            free(txt);
        }
        ow_sweep_free(s);
        return NULL;
    }
    int bad = 0;
    for (size_t p = 0; p < s->npoints; p++) {
        int from = (int)(p % (size_t)nranks);
        if (from == 0) continue;
        long len;
        MPI_Recv(&len, 1, MPI_LONG, from, (int)(p % 30000), MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        char *txt = len > 0 ? malloc((size_t)len) : NULL;
        if (len > 0) MPI_Recv(txt ? txt : (char[1]){0}, txt ? (int)len : 0, MPI_CHAR, from, (int)(p % 30000), MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        json_t *doc = txt ? json_loads(txt, JSON_DECODE_ANY, NULL) : NULL;
        free(txt);
        if (!bad && (!doc || ow_sweep_set_point(s, p, doc, err))) bad = 1;
    }
    if (bad) { ow_sweep_free(s); *failed = 1; return NULL; }
    return s;
}

/* one B type's share of a solution, as sent to rank 0 */
typedef struct type_part {
    ow_offer offer;
    ow_limited limited;
    double opt, ratio;
    int ok;
} type_part;

ow_solution *owmpi_solve(const ow_workspace *w, const ow_solve_options *opt, ow_error *err, int *failed)
{
    ow_solve_options o = *opt;
    o.part = (size_t)me;
    o.nparts = (size_t)nranks;
    ow_solution *s = ow_solve(w, &o, err);
    *failed = owmpi_max(s == NULL);
    if (*failed) { ow_solution_free(s); return NULL; }
    size_t T = s->T;
    if (me != 0) {
        size_t n = 0;
        for (size_t j = (size_t)me; j < T; j += (size_t)nranks) n++;
        type_part *buf = calloc(n ? n : 1, sizeof *buf);
        size_t k = 0;
        for (size_t j = (size_t)me; j < T && buf; j += (size_t)nranks, k++) {
            buf[k].offer = s->offers[j];
            buf[k].limited = s->limited[j];
            buf[k].opt = s->opt_type[j];
            buf[k].ratio = s->ratio_type[j];
            buf[k].ok = s->ratio_type_ok[j];
        }
        MPI_Send(buf, buf ? (int)(n * sizeof *buf) : 0, MPI_BYTE, 0, 7, MPI_COMM_WORLD);
        free(buf);
        ow_solution_free(s);
        return NULL;
    }
    for (int r = 1; r < nranks; r++) {
        size_t n = 0;
        for (size_t j = (size_t)r; j < T; j += (size_t)nranks) n++;
        type_part *buf = calloc(n ? n : 1, sizeof *buf);
        MPI_Recv(buf, (int)(n * sizeof *buf), MPI_BYTE, r, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        size_t k = 0;
        for (size_t j = (size_t)r; j < T; j += (size_t)nranks, k++) {
            s->offers[j] = buf[k].offer;
            s->limited[j] = buf[k].limited;
            s->opt_type[j] = buf[k].opt;
            s->ratio_type[j] = buf[k].ratio;
            s->ratio_type_ok[j] = buf[k].ok;
        }
        free(buf);
    }
    ow_solution_finish(s, w);
    return s;
}
