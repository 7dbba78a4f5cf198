/*
 * oneway_report.h -- results as JSON documents (jansson) and as text tables.
 *
 * The JSON follows the spec's cli.md; the text is for people.  Every
 * function returns a new object or string owned by the caller (json_decref
 * / free), or NULL when memory runs out.
 */
#ifndef ONEWAY_REPORT_H
#define ONEWAY_REPORT_H

#include "oneway.h"
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

json_t *ow_report_solve_json(const ow_game *g, const ow_solution *s);
char *ow_report_solve_text(const ow_game *g, const ow_solution *s);

json_t *ow_report_simulate_json(const ow_game *g, const ow_solution *s,
                                const ow_sim_result *r);
char *ow_report_simulate_text(const ow_game *g, const ow_solution *s,
                              const ow_sim_result *r);

/* The paper's checkable claims (paper.c): an array of rows
 * {"id", "claim", "paper", "recomputed", "exact", "agrees", ...}.
 * On error, NULL is returned and err is filled. */
json_t *ow_paper_claims(ow_error *err);
char *ow_report_paper_text(const json_t *claims);

#ifdef __cplusplus
}
#endif
#endif
