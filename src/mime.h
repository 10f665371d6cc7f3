/* mime.h — MIME structure, transfer and charset decoding: mail text as UTF-8. */
#ifndef MAILOPT_MIME_H
#define MAILOPT_MIME_H

#include <stddef.h>

struct buf;

/* Where needle first occurs in s[0..n), ASCII case ignored; n if nowhere. */
size_t	 mime_casefind(const char *s, size_t n, const char *needle);

/* Append cp as UTF-8; 0, surrogates and cp > 0x10ffff give U+FFFD. */
void	 mime_put_cp(struct buf *b, unsigned long cp);

/*
 * Charset converters one message may load (see mime_header_decode).
 * The last few loaded stay open for the life of the thread
 * (mime_thread_end).
 */
#define MIME_MAX_ICONV	32

/*
 * Convert s[0..n) from charset to UTF-8. With no charset, US-ASCII,
 * ISO-8859-1, windows-1252 or a name iconv does not know, valid UTF-8
 * is kept as is and anything else read as windows-1252 (what those
 * labels really carry); bytes invalid in UTF-8 are read the same way.
 * Bytes another charset cannot decode become U+FFFD. The result is
 * always valid UTF-8 without NULs; *outlen (may be NULL) gets its
 * length. The caller frees it.
 */
char	*mime_to_utf8(const char *s, size_t n, const char *charset,
	    size_t *outlen);

/*
 * Decode an unfolded or folded header value: RFC 2047 encoded words
 * (adjacent words of one charset joined before conversion, so a
 * character split across them survives), raw 8-bit text as UTF-8 or
 * windows-1252, folding removed, control characters made spaces,
 * white space trimmed. Always valid UTF-8; the caller frees it.
 * Loading a converter for a charset not used lately is slow: *budget
 * (shared by all the headers of one message, NULL for one of this
 * call's own) counts how many more may be loaded; past it, words in
 * such charsets are read as windows-1252.
 */
char	*mime_header_decode(const char *s, size_t n, int *budget);

/*
 * Make a whole message (LF line ends) safe to hand to libetpan, whose
 * parse recurses once per nesting level and keeps every part and field
 * in memory. In place: Content-Type fields that would nest multiparts
 * or messages deeper than max_depth are defused (their type renamed,
 * so the part stays opaque), header blocks keep at most MIME_MAX_FIELDS
 * fields (the rest is folded into the last), and the body of a part of
 * a discrete type other than text (image, audio, video, application
 * ...) is dropped: no text is read from it, and libetpan would scan
 * every byte of it for boundaries. Returns how much of buf is left to
 * parse: parts after the first MIME_MAX_PARTS are cut off. Linear in
 * len whatever the input.
 */
#define MIME_MAX_FIELDS	1000
#define MIME_MAX_PARTS	1000
size_t	 mime_defuse(char *buf, size_t len, int max_depth);

/* What the MIME structure of a message yields. */
struct mime_parts {
	char	*type;		/* top "type/subtype", lowercase */
	int	 report;	/* a delivery, read or abuse report */
	char	*text;		/* readable part, UTF-8, LF ends */
	int	 html;		/* text is HTML: no usable text/plain */
};

/*
 * Walk the MIME structure of the whole message buf[0..len) (LF line
 * ends, passed through mime_defuse with the same max_depth) and fill
 * out; parts inside more than max_depth multiparts and messages are
 * not looked at. buf is only read during the call. The text is the
 * first text/plain part, else (or when that is blank) the first
 * text/html one; parts of forwarded messages (message/rfc822) and
 * attachments are never chosen. Only the parts read are
 * transfer-decoded, converted to UTF-8 and unflowed (format=flowed).
 * Every member of out is set, even on garbage; the caller owns and
 * frees out->type and out->text.
 */
void	 mime_parse_parts(const char *buf, size_t len, int max_depth,
	    struct mime_parts *out);

/*
 * Close the charset converters the calling thread opened; a thread
 * that decoded mail calls it before it ends.
 */
void	 mime_thread_end(void);

#endif
