/*
 * oneway_plot.h -- sweeps of a game over one or two of its values, and the
 * plots (PLplot: .svg, .pdf, .png) and reports drawn from them.
 *
 * Ownership: every _run/_alloc result is freed by its _free; strings
 * returned are the caller's to free().  PLplot is not thread-safe: draw
 * from one thread at a time.
 */
#ifndef ONEWAY_PLOT_H
#define ONEWAY_PLOT_H

#include "oneway.h"
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- plotting */

/* Lines (or points where points_only[s]) of nseries series ys[s][0..n-1]
 * against x; NaN values leave gaps.  caption may be NULL. */
ow_status ow_plot_lines(const char *file, const char *title, const char *xlabel,
                        const char *ylabel, const char *caption,
                        const double *x, size_t n, const double *const *ys,
                        const char *const *names, const int *points_only,
                        size_t nseries, ow_error *err);

/* Heat map of z[i * ny + j] at (x[i], y[j]), with a colour bar. */
ow_status ow_plot_heatmap(const char *file, const char *title, const char *xlabel,
                          const char *ylabel, const char *zlabel, const char *caption,
                          const double *x, size_t nx, const double *y, size_t ny,
                          const double *z, ow_error *err);

/* --------------------------------------------------------------- sweeps */

#ifndef OW_SWEEP_MAX_POINTS
#define OW_SWEEP_MAX_POINTS 1000000
#endif

/* One varied value: PATH=FROM:TO:STEPS, STEPS points from FROM to TO
 * inclusive (STEPS = 1: FROM alone). */
typedef struct ow_axis {
    char *path;           /* as given, e.g. B.types[0].payoff[0][0] */
    double from, to;
    size_t steps;
} ow_axis;

/* Parse "PATH=FROM:TO:STEPS" into *out (out->path is malloc'ed). */
ow_status ow_axis_parse(const char *spec, ow_axis *out, ow_error *err);

typedef struct ow_sweep {
    char *game;                 /* the game's name */
    size_t naxes;               /* 1 or 2 */
    ow_axis axes[2];
    char *axis_labels[2];       /* the varied value in the game's own words */
    double *values[2];          /* grid of each axis */
    size_t npoints;             /* steps[0] * steps[1]; last axis fastest */
    size_t ncols;
    char **cols;                /* figures: JSON paths of `solve --json` */
    double *table;              /* npoints x ncols; NaN for null */
    json_t **docs;              /* the `solve --json` document of each point */
} ow_sweep;

/* Solve the game at every grid point.  On error (a bad path, a value that
 * makes the game invalid at some point, an empty grid) NULL is returned
 * and err names the point. */
ow_sweep *ow_sweep_run(const char *game_path, const ow_axis *axes, size_t naxes,
                       const ow_solve_options *opt, ow_progress_fn progress,
                       void *progress_arg, ow_error *err);
void ow_sweep_free(ow_sweep *s);

/* Only the points p with p % nparts == part (for runs split across
 * processes); the others stay empty (docs NULL, figures NaN) until
 * ow_sweep_set_point fills them.  Part 0 holds point 0, which fixes the
 * columns. */
ow_sweep *ow_sweep_run_part(const char *game_path, const ow_axis *axes, size_t naxes,
                            const ow_solve_options *opt, size_t part, size_t nparts,
                            ow_progress_fn progress, void *progress_arg, ow_error *err);
/* Put a point's `solve --json` document (ownership taken) into the sweep. */
ow_status ow_sweep_set_point(ow_sweep *s, size_t p, json_t *doc, ow_error *err);

/* Column index of a figure, or -1. */
long ow_sweep_col(const ow_sweep *s, const char *name);
/* CSV: a column per axis, then the figures (metrics, or all when NULL). */
char *ow_sweep_csv(const ow_sweep *s, const char *const *metrics, size_t nmetrics);
json_t *ow_sweep_json(const ow_sweep *s);
/* Plot metrics against the axis (one axis) or as a heat map (two axes:
 * the first metric). */
ow_status ow_sweep_plot(const ow_sweep *s, const char *file,
                        const char *const *metrics, size_t nmetrics, ow_error *err);
/* A figure's name for people ("poa.single_offer" -> "PoA, single offer"). */
const char *ow_metric_label(const char *name, char *buf, size_t len);

/* ---------------------------------------------------------- the reports */

/* Write DIR/index.html: the tables of `solve` and its figures (inline SVG),
 * with no network resources.  DIR is created if missing. */
ow_status ow_report_html(const ow_game *g, const ow_workspace *w,
                         const ow_solution *s, const char *dir, ow_error *err);
/* The same with a section comparing every mechanism: `mechanisms` is the
 * document of ow_compare (oneway_mech.h), or NULL for none. */
ow_status ow_report_html_mechanisms(const ow_game *g, const ow_workspace *w,
                                    const ow_solution *s, const json_t *mechanisms,
                                    const char *dir, ow_error *err);

/* The paper's figures as DIR/<name>.svg and .pdf. */
ow_status ow_paper_plots(const char *dir, ow_error *err);

#ifdef __cplusplus
}
#endif
#endif
