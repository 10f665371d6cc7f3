/* template.h — mail templates, built in or from files: a Subject line, a blank line, a body, with {{placeholders}}. */
#ifndef MAILOPT_TEMPLATE_H
#define MAILOPT_TEMPLATE_H

#include <stddef.h>

#include "util.h"

struct template;

/*
 * A template file is UTF-8 text:
 *
 *	Subject: Re: {{request_subject|Your mail preferences}}
 *
 *	Dear {{name|customer}},
 *	E-mail offers: {{marketing_email?yes|no}}
 *
 * The Subject line, a blank line, then the body. A placeholder is
 * {{name}} (the value), {{name|other}} (the value, or other when the
 * value is false), {{name?this}} or {{name?this|other}} (this when the
 * value is true, else other or nothing). A value is false when it is
 * missing, empty or "0". this and other are literal text.
 */

/*
 * The texts of templates/ as shipped, built into the program
 * (templates_builtin.c, generated): file is "KIND.LANG.txt"; the last
 * entry has file NULL.
 */
struct template_builtin {
	const char	*file;
	const char	*text;
};
extern const struct template_builtin template_builtins[];

/*
 * Load kind.lang.txt, else kind.en.txt (lang NULL means en), each from
 * dir when it holds that file and else built in: dir overrides the
 * built-in texts file by file, and a missing or empty dir (or dir
 * NULL) leaves them all in force. An override that cannot be read or
 * parsed is named on standard error and the built-in text is used.
 * Every placeholder must name one of names[0..nnames), so a misspelt
 * one is found here and not in a customer's mailbox. Returns 0 with
 * *out set (caller frees with template_free), or EX_CONFIG (EX_IOERR
 * for a read error) having said "prog: FILE:LINE: why".
 */
int	 template_load(const char *dir, const char *kind, const char *lang,
	    const char *const *names, size_t nnames, struct template **out);
/*
 * Parse every built-in template and every KIND.LANG.txt in dir (of a
 * kind that is built in), naming each problem on standard error.
 * Returns the number of problems; a missing dir is none.
 */
int	 template_check(const char *dir, const char *const *names,
	    size_t nnames);
/* Accepts NULL. */
void	 template_free(struct template *t);
/* The file read. */
const char *template_path(const struct template *t);

/*
 * Fill in the subject and the body: values[i] is the value of
 * names[i] given to template_load (NULL for none), written with its
 * control characters (line breaks among them) as spaces. Appends to
 * the buffers.
 */
void	 template_expand(const struct template *t, const char *const *values,
	    struct buf *subject, struct buf *body);

#endif
