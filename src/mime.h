/* mime.h — transfer, charset and RFC 2047 decoding of mail text to UTF-8. */
#ifndef MAILOPT_MIME_H
#define MAILOPT_MIME_H

#include <stddef.h>

struct buf;

/* Append code point cp as UTF-8; surrogates, 0 and cp > 0x10ffff give U+FFFD. */
void	 mime_put_cp(struct buf *b, unsigned long cp);

/*
 * Convert s[0..n) from charset to UTF-8. charset may be NULL or a name
 * iconv does not know: text that is valid UTF-8 is then kept as is,
 * anything else is read as windows-1252. Bytes the charset cannot
 * decode become U+FFFD. The result is always valid UTF-8 and NUL-free;
 * *outlen (may be NULL) gets its length. The caller frees it.
 */
char	*mime_to_utf8(const char *s, size_t n, const char *charset,
	    size_t *outlen);

/*
 * Decode an unfolded or folded header value: RFC 2047 encoded words
 * (adjacent words of one charset joined before conversion, so a
 * character split across them survives), raw 8-bit text as UTF-8 or
 * windows-1252, folding removed, control characters made spaces,
 * white space trimmed. Always valid UTF-8; the caller frees it.
 */
char	*mime_header_decode(const char *s, size_t n);

/*
 * Make a whole message (LF line ends) safe to hand to libetpan, whose
 * parse recurses once per nesting level and keeps every part and field
 * in memory. In place, same length: Content-Type fields that would
 * nest multiparts or messages deeper than max_depth are defused (their
 * type renamed, so the part stays opaque), header blocks keep at most
 * MIME_MAX_FIELDS fields (the rest is folded into the last). Returns
 * how much of buf to parse: parts after the first MIME_MAX_PARTS are
 * cut off. Linear in len whatever the input.
 */
#define MIME_MAX_FIELDS	1000
#define MIME_MAX_PARTS	1000
size_t	 mime_defuse(char *buf, size_t len, int max_depth);

/* What the MIME structure of a message yields. */
struct mime_parts {
	char	*type;		/* top level "type/subtype", lowercase */
	int	 report;	/* a delivery, disposition or feedback report */
	char	*text;		/* the readable part, UTF-8, LF line ends */
	int	 html;		/* text is still HTML (no text/plain part) */
};

/*
 * Walk the MIME structure of the whole message buf[0..len) (LF line
 * ends, ending in LF, passed through mime_defuse) and fill out; the
 * walk stops max_depth levels down. buf must outlive the call only.
 * Only the chosen text part is
 * transfer-decoded, converted to UTF-8 and unflowed (format=flowed);
 * its size is bounded by the message's. Parts of forwarded messages (message/rfc822)
 * and attachments are never chosen. Every member of out is set, even
 * on garbage; free them with mime_parts_free.
 */
void	 mime_parse_parts(const char *buf, size_t len, int max_depth,
	    struct mime_parts *out);
void	 mime_parts_free(struct mime_parts *p);

#endif
