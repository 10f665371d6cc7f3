/* json.h — JSON text for --json output. */
#ifndef MAILOPT_JSON_H
#define MAILOPT_JSON_H

#include "util.h"

/* Append s as a JSON string, or null for NULL; bytes that are not UTF-8 become U+FFFD. */
void	json_str(struct buf *b, const char *s);
/* Append "key": with a leading comma unless *first, which it clears. */
void	json_key(struct buf *b, const char *key, int *first);
/* json_key, then the string value (null for NULL). */
void	json_kstr(struct buf *b, const char *key, const char *s, int *first);
/* json_key, then the time as an ISO 8601 UTC string (iso_time), null for 0. */
void	json_ktime(struct buf *b, const char *key, int64_t t, int *first);
/* json_key, then true or false. */
void	json_kbool(struct buf *b, const char *key, int v, int *first);

#endif
