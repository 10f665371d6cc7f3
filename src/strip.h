/* strip.h — what the sender wrote: the text less quotes, forwards, signature, footer. */
#ifndef MAILOPT_STRIP_H
#define MAILOPT_STRIP_H

#include <stddef.h>

/*
 * The markers by which mail programs set off what the sender did not
 * write, each kind an alternation of PCRE2 patterns (caseless, UTF),
 * from the `quote-...` lines of the rule files (mailopt-rules(5)):
 */
enum strip_kind {
	STRIP_ATTRIBUTION,	/* "On ... wrote", without the colon */
	STRIP_OPENS,		/* the first word of an attribution: "on" */
	STRIP_WROTE,		/* the verb of any "X wrote:" line: "wrote" */
	STRIP_MARKER,		/* a whole separator line: "-- Original Message --" */
	STRIP_FROM,		/* quoted header names: "from", "von" */
	STRIP_SENT,		/* and the date's: "sent", "gesendet" */
	STRIP_KINDS
};

struct strip;

/*
 * The markers alt[kind] (NULL, or a NULL entry: none of that kind)
 * compiled; NULL, with why set, when one does not compile. Caller owns
 * the result; strip_free accepts NULL.
 */
struct strip	*strip_new(const char *const alt[STRIP_KINDS], char *why,
		    size_t whylen);
void		 strip_free(struct strip *st);
/* 0 when the alternation alt compiles as a marker, else -1 with why set. */
int		 strip_check(const char *alt, char *why, size_t whylen);

/*
 * Cut from the UTF-8 text (LF line ends) the quoted lines (">"), and
 * from the first of these on, everything: a reply attribution, a
 * separator line, a quoted header block ("From:" and "Sent:" a few
 * lines apart), a signature separator ("-- " or "--"), and a line
 * matching footer (a PCRE2 pattern, caseless; NULL for none). Leading
 * and trailing blank lines go. With st NULL only quotes and signature
 * are cut. The result is owned by the caller; "" when nothing is left.
 * A footer that does not compile is reported once and ignored. st
 * keeps the last footer compiled, so one thread at a time may use it.
 */
char		*strip_text(struct strip *st, const char *text,
		    const char *footer);

#endif
