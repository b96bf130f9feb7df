/* ctl_table: aligned text tables for acsctl's readable output.
 *
 * Columns are as wide as their widest cell (counted in UTF-8 characters),
 * separated by two spaces; the last column is not padded. Cells are copied;
 * a NULL or empty cell prints as "-"; control characters print escaped
 * (\n, \t, \xNN) so that every row stays on one line. Pure; nothing blocks.
 */
#ifndef CTL_TABLE_H
#define CTL_TABLE_H

#include <stddef.h>

#include "acs_buf.h"

typedef struct ctl_table ctl_table_t;

/* A table of ncols (1..32) columns. headers: ncols strings printed as the
 * first row, or NULL for a table without a header row. Never NULL. */
ctl_table_t *ctl_table_new(int ncols, const char *const *headers);

/* Append a row of ncols cells (copied; NULL allowed). */
void ctl_table_add(ctl_table_t *t, const char *const *cells);

/* Rows added so far (the header not counted). */
size_t ctl_table_rows(const ctl_table_t *t);

/* Append the rendered table to out: one line per row, each ending in '\n'.
 * A table with no rows renders its header only. */
void ctl_table_render(const ctl_table_t *t, acs_buf_t *out);

/* Free the table. Accepts NULL. */
void ctl_table_free(ctl_table_t *t);

/* Append s to out as one cell would show it (control characters escaped). */
void ctl_table_escape(acs_buf_t *out, const char *s);

#endif
