/* fuzz-message.c — libFuzzer harness: any bytes through the message parser, the Authentication-Results reader and the shipped rules. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "message.h"
#include "rules.h"
#include "util.h"

/*
 * The rules are loaded once, as deliver and sweep load them once per
 * process; $MAILOPT_RULES names the directory, else the source tree's.
 */
static struct rules *rules;

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("MAILOPT_RULES");

	(void)argc;
	(void)argv;
	if (rules_load(dir ? dir : FUZZ_RULES_DIR, NULL, 1, &rules) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct message_limits lim = {
		.max_depth = MESSAGE_MAX_DEPTH,
		.max_text = MESSAGE_MAX_TEXT,
		.footer = NULL,
		.strip = rules_strip(rules),	/* the quote markers, as deliver has them */
	};
	struct message *m;
	struct rule_hit hit;
	const char *s;

	/* deliver caps a message at max_message_size before parsing; so does this */
	if (size > 1024 * 1024)
		return 0;
	m = message_parse((const char *)data, size, &lim);
	/* every accessor must give valid UTF-8 or NULL, whatever came in */
	s = message_body(m);
	if (s == NULL || !utf8_valid(s, strlen(s)))
		abort();
	s = message_subject(m);
	if (s == NULL || !utf8_valid(s, strlen(s)))
		abort();
	if ((s = message_from(m)) != NULL && !utf8_valid(s, strlen(s)))
		abort();
	if ((s = message_header(m, "Authentication-Results")) != NULL &&
	    !utf8_valid(s, strlen(s)))
		abort();
	for (size_t i = 0; (s = message_rcpt(m, i)) != NULL; i++)
		if (!utf8_valid(s, strlen(s)))
			abort();
	/* the RFC 8601 reader takes what any sender may write */
	for (size_t i = 0; (s = message_header_raw(m, "Authentication-Results", i)) != NULL; i++)
		authres_free(authres_parse(s));
	(void)authres_dmarc_proven(m, "mx1.example.org");
	(void)message_is_report(m);
	(void)rules_classify(rules, m, &hit, NULL, NULL);
	message_free(m);
	return 0;
}
