/* message.c — one mail message parsed into what the rules and the matcher read. */
#include "config.h"

#include <stdlib.h>

#include "message.h"
#include "util.h"

struct message {
	char	*subject;
};

struct message *
message_parse(const char *buf, size_t len, const struct message_limits *lim)
{
	struct message *m = xcalloc(1, sizeof *m);

	m->subject = xstrdup("");
	return m;
}

void
message_free(struct message *m)
{
	if (m == NULL)
		return;
	free(m->subject);
	free(m);
}

const char *message_header(const struct message *m, const char *name) { return NULL; }
const char *message_subject(const struct message *m) { return m->subject; }
const char *message_id(const struct message *m) { return NULL; }
const char *message_from(const struct message *m) { return NULL; }
const char *message_from_name(const struct message *m) { return NULL; }
const char *message_return_path(const struct message *m) { return NULL; }
size_t message_nrcpt(const struct message *m) { return 0; }
const char *message_rcpt(const struct message *m, size_t i) { return NULL; }
const char *message_content_type(const struct message *m) { return "text/plain"; }
int message_is_report(const struct message *m) { return 0; }
const char *message_text(const struct message *m) { return ""; }
const char *message_body(const struct message *m) { return ""; }
