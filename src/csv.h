/* csv.h — RFC 4180 records in and out. */
#ifndef MAILOPT_CSV_H
#define MAILOPT_CSV_H

#include <stddef.h>

#include "util.h"

struct csv;

/* A reader over data[0..len), which is borrowed for the reader's life. */
struct csv	*csv_new(const char *data, size_t len);
/* Accepts NULL. */
void		 csv_free(struct csv *r);
/*
 * Read the next record: 1 and *fields and *n set (owned by the reader,
 * valid until the next call), 0 at the end, -1 on a malformed record
 * (csv_error says why). A lone trailing newline ends the input; blank
 * lines elsewhere are records of one empty field.
 */
int		 csv_read(struct csv *r, char ***fields, size_t *n);
/* Line number on which the last record started (1-based). */
size_t		 csv_line(const struct csv *r);
const char	*csv_error(const struct csv *r);

/*
 * Map a header record onto known column names, ignoring ASCII case:
 * map[i] is the index in names of field i, or -1 when it is none of
 * them (fields are trimmed in place). Returns NULL, or why the header
 * is bad ("repeated column: X") in a string the caller frees.
 */
char		*csv_header(char **fields, size_t n, const char *const *names,
		    int nnames, int *map);

/*
 * Append s as one field, quoted when it needs to be (NULL: empty). A
 * value a spreadsheet would run as a formula (beginning with =, +, -,
 * @, TAB or CR) gets a leading ' (OWASP CSV injection).
 */
void		 csv_field(struct buf *b, const char *s);
/* Undo that guard on a field read back, in place; returns s. */
char		*csv_unguard(char *s);

#endif
