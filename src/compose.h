/* compose.h — an RFC 5322 message built from untrusted text: no value can add a header or a recipient. */
#ifndef MAILOPT_COMPOSE_H
#define MAILOPT_COMPOSE_H

#include <stddef.h>
#include <time.h>

#include "util.h"

struct compose;

/*
 * A message under construction: header fields in the order they are
 * added, then compose_finish. Field names are the caller's constants.
 * Caller owns the result: compose_free.
 */
struct compose	*compose_new(void);
/* Accepts NULL. */
void		 compose_free(struct compose *c);

/*
 * Add "field: name <addr>" (just "field: addr" when name is NULL or
 * empty). The name may hold anything: it is written as a plain phrase
 * only when it is letters, digits and spaces, else as RFC 2047
 * encoded-words. Returns 0, or -1 when addr is not a plain ASCII
 * addr-spec (compose_addr_ok); then nothing is added.
 */
int		 compose_address(struct compose *c, const char *field,
		    const char *name, const char *addr);
/* Add an unstructured field (Subject) holding any text; see compose_encode. */
void		 compose_text(struct compose *c, const char *field,
		    const char *text);
/*
 * Add a field of message identifiers (In-Reply-To, References): the
 * well-formed "<id>" of ids (written with or without brackets, blank
 * separated), the last max of them. Nothing is added when none is
 * well-formed.
 */
void		 compose_msgids(struct compose *c, const char *field,
		    const char *ids, size_t max);
/* Add a field whose value the program wrote: printable ASCII or -1. */
int		 compose_field(struct compose *c, const char *field,
		    const char *value);

/*
 * The whole message: the fields added, Date (date), Message-ID
 * (<msgid>), the MIME fields for UTF-8 text in quoted-printable, a
 * blank line and body (UTF-8 text, LF line ends). Lines end in LF: the
 * sender makes CRLF where the transport needs it. Caller owns the
 * string (free); *len gets its length.
 */
char		*compose_finish(struct compose *c, const char *body,
		    time_t date, const char *msgid, size_t *len);

/*
 * 1 when addr is an addr-spec mailopt writes into a header or an
 * envelope as it is: dot-atom local part and domain, ASCII, at most
 * 254 bytes.
 */
int		 compose_addr_ok(const char *addr);
/*
 * Split "Name <addr>" or a bare "addr" (as the from setting holds
 * them) into a new *name (NULL when none) and *addr. Returns 0, or -1
 * when there is no usable address.
 */
int		 compose_mailbox_parse(const char *s, char **name, char **addr);
/*
 * A fresh Message-ID (without brackets) in the domain of addr:
 * 128 random bits and the time. Caller frees.
 */
char		*compose_message_id(const char *addr, time_t now);

/*
 * The encoders, for the unit tests. compose_encode appends text as a
 * header value whose first byte lands at column col: unchanged when
 * it is plain printable ASCII (for a phrase: letters, digits and
 * spaces), else as UTF-8 "Q" encoded-words; folded (LF, space) to
 * stay within 78 columns. Control characters (CR and LF among them)
 * become spaces, bytes that are not UTF-8 become U+FFFD.
 */
void		 compose_encode(struct buf *b, const char *text, size_t col,
		    int phrase);
/* Append text (UTF-8, LF lines) as quoted-printable with LF line ends. */
void		 compose_qp(struct buf *b, const char *text);

#endif
