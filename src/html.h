/* html.h — the text a person sees in an HTML mail body. */
#ifndef MAILOPT_HTML_H
#define MAILOPT_HTML_H

#include <stddef.h>

/*
 * Turn the UTF-8 HTML s[0..n) into plain text with LF line ends:
 * comments and the content of <head>, <style>, <script> and <title>
 * are dropped (unless never closed), block elements (<br>, <p>,
 * <div>, <li>, <tr>, headings...) break lines, white space collapses,
 * character references are decoded, and every line inside
 * <blockquote> starts with ">" markers and a space so that it reads
 * as quoted text. Linear in n. Never fails; the result is valid UTF-8
 * (given valid UTF-8) and owned by the caller.
 */
char	*html_to_text(const char *s, size_t n);

#endif
