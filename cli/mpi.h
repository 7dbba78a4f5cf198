/*
 * mpi.h -- running `oneway simulate`, `sweep` and `solve` across MPI ranks.
 *
 * Built only when CMake finds MPI (OW_HAVE_MPI).  MPI is started only when
 * the process was launched by mpirun/mpiexec (their environment is
 * present), so the same binary runs alone as before.  Work is shared out
 * in units whose results do not depend on who computes them (blocks of
 * rounds keyed by block number; grid points), and rank 0 combines them in
 * a fixed order, so the output is bit-identical for every number of ranks.
 */
#ifndef OW_CLI_MPI_H
#define OW_CLI_MPI_H

#include "oneway.h"
#include "oneway_plot.h"

/* Starts MPI when launched under mpirun; returns the number of ranks (1
 * when alone) and sets *rank. */
int owmpi_init(int *argc, char ***argv, int *rank);
void owmpi_finalize(void);
/* The largest of every rank's value (exit codes, failure flags). */
int owmpi_max(int v);

/* Each rank computes its share of the blocks; rank 0 gets the combined
 * result.  Returns 0 or an ow_status (on every rank). */
int owmpi_simulate(const ow_workspace *w, const ow_solution *s, uint64_t rounds,
                   uint64_t seed, ow_sim_result *out, ow_error *err);

/* Each rank solves its share of the points; rank 0 gets the full sweep
 * (NULL elsewhere).  Returns NULL on error on the failing rank. */
ow_sweep *owmpi_sweep(const char *game, const ow_axis *axes, size_t naxes,
                      const ow_solve_options *opt, ow_progress_fn progress,
                      ow_error *err, int *failed);

/* Each rank solves its share of B's types; rank 0 gets the whole
 * solution (NULL elsewhere). */
ow_solution *owmpi_solve(const ow_workspace *w, const ow_solve_options *opt,
                         ow_error *err, int *failed);

#endif
