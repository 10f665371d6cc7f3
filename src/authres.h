/* authres.h — Authentication-Results fields (RFC 8601) read as tokens, and whether they prove a sender. */
#ifndef MAILOPT_AUTHRES_H
#define MAILOPT_AUTHRES_H

#include <stddef.h>

struct authres;
struct message;

/*
 * Parse the raw value of one Authentication-Results field: as written,
 * never RFC 2047-decoded, folding allowed. Comments (nested) and
 * quoted strings are tokens, so nothing inside them is ever read as a
 * result. Returns NULL when the value is not RFC 8601 syntax (fields
 * that cannot be read prove nothing). The caller owns the result.
 */
struct authres	*authres_parse(const char *value);
/* Accepts NULL. */
void		 authres_free(struct authres *a);

/* The authserv-id, unquoted, as written. */
const char	*authres_id(const struct authres *a);
/* Number of resinfos ("method=result ..."); 0 for "; none". */
size_t		 authres_count(const struct authres *a);
/* Method and result of resinfo i, lowercased; NULL past the end. */
const char	*authres_method(const struct authres *a, size_t i);
const char	*authres_result(const struct authres *a, size_t i);
/*
 * The value of property "ptype.property" (e.g. "header.from", ASCII
 * case-insensitive) of resinfo i, unquoted; NULL when it has none.
 */
const char	*authres_prop(const struct authres *a, size_t i,
		    const char *name);

/*
 * 1 when the message's sender is proven by DMARC: the topmost
 * Authentication-Results field whose authserv-id is authserv_id
 * (ASCII case-insensitive) parses, carries a dmarc result, every dmarc
 * result in it is "pass", and each one's header.from is the domain of
 * the message's single From mailbox. Fields below that one, fields
 * from other ids and fields named with obsolete syntax are never read.
 * 0 otherwise, and always when authserv_id is NULL or empty.
 */
int		 authres_dmarc_proven(const struct message *m,
		    const char *authserv_id);

#endif
