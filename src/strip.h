/* strip.h — what the sender wrote: the text less quotes, forwards, signature, footer. */
#ifndef MAILOPT_STRIP_H
#define MAILOPT_STRIP_H

/*
 * Cut from the UTF-8 text (LF line ends) the quoted lines (">"), and
 * from the first of these on, everything: a reply attribution ("On ...
 * wrote:" and its German, French, Spanish, Italian, Dutch and
 * Portuguese forms), an "Original Message" or forwarded-message
 * marker, an Outlook "From:/Sent:" header block, a signature separator
 * ("-- " or "--"), and a line matching footer (a PCRE2 pattern,
 * caseless; NULL for none). Leading and trailing blank lines go.
 * The result is owned by the caller; "" when nothing is left.
 * A footer that does not compile is reported once and ignored.
 * The compiled patterns, the last footer's too, are kept for the life
 * of the process, which must call this from one thread only.
 */
char	*strip_text(const char *text, const char *footer);

#endif
