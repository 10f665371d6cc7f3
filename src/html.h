/* html.h — the text a person sees in an HTML mail body. */
#ifndef MAILOPT_HTML_H
#define MAILOPT_HTML_H

#include <stddef.h>

/*
 * Turn the UTF-8 HTML s[0..n) into plain text with LF line ends:
 * <head>, <style>, <script> and comments are dropped, block elements
 * (<br>, <p>, <div>, <li>, <tr>, headings...) break lines, character
 * references are decoded, and every line inside <blockquote> is
 * prefixed with "> " so it reads as quoted text. Never fails; the
 * result is valid UTF-8 and owned by the caller.
 */
char	*html_to_text(const char *s, size_t n);

#endif
