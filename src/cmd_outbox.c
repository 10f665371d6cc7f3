/* cmd_outbox.c — `outbox list|flush`: the confirmations and notices waiting to go out, and sending them. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cmd.h"
#include "conf.h"
#include "json.h"
#include "outbox.h"
#include "store.h"
#include "util.h"

struct list {
	int		 json;
	struct buf	 line;
};

static int
print_mail(const struct outbox_mail *m, void *arg)
{
	struct list *l = arg;
	struct buf *b = &l->line;
	int pending = strcmp(m->state, "pending") == 0, first = 1;
	char when[32];

	buf_reset(b);
	if (l->json) {
		buf_addc(b, '{');
		json_key(b, "id", &first);
		buf_printf(b, "%lld", (long long)m->id);
		json_ktime(b, "created", m->created, &first);
		json_kstr(b, "kind", m->kind, &first);
		json_kstr(b, "recipient", m->recipient, &first);
		json_kstr(b, "message_id", m->message_id, &first);
		json_kstr(b, "state", m->state, &first);
		json_key(b, "attempts", &first);
		buf_printf(b, "%d", m->attempts);
		json_ktime(b, "next_try", pending ? m->next_try : 0, &first);
		json_ktime(b, "sent_time", m->sent_time, &first);
		json_kstr(b, "last_error", m->last_error, &first);
		buf_addc(b, '}');
	} else {
		buf_printf(b, "%lld %s %s %s created=%s attempts=%d",
		    (long long)m->id, m->state, m->kind, m->recipient,
		    iso_time(m->created, when), m->attempts);
		if (pending)
			buf_printf(b, " next_try=%s", iso_time(m->next_try, when));
		if (m->sent_time)
			buf_printf(b, " sent=%s", iso_time(m->sent_time, when));
		/* the reason may quote a server: keep it on its line */
		if (m->last_error) {
			buf_adds(b, " error=");
			for (const char *e = m->last_error; *e; e++)
				buf_addc(b, (unsigned char)*e < 0x20 ? ' ' : *e);
		}
	}
	printf("%s\n", buf_str(b));
	return ferror(stdout) ? EX_IOERR : 0;
}

static int
list(const struct conf *c, int json)
{
	struct store *s = NULL;
	struct list l = { .json = json };
	int rc;

	if ((rc = open_store(c, &s)) == 0)
		rc = store_outbox_each(s, NULL, print_mail, &l);
	buf_free(&l.line);
	store_free(s);
	return rc;
}

static int
flush(const struct conf *c, int all)
{
	struct outbox_stats st;
	struct store *s = NULL;
	int rc;

	if (!outbox_enabled(c)) {
		mo_warn("outbox: outgoing mail is off: set from in %s",
		    c->config_file ? c->config_file : "the config file");
		return EX_CONFIG;
	}
	if ((rc = open_store(c, &s)) != 0)
		return rc;
	rc = outbox_flush(c, s, all, &st);
	if (rc == 0 || rc == EX_TEMPFAIL)
		printf("outbox: %lu sent, %lu deferred, %lu failed\n", st.sent,
		    st.deferred + st.untried, st.failed);
	outbox_warn(&st);
	store_free(s);
	return rc;
}

int
cmd_outbox(const struct conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, json = 0, all = 0;

	if (argc < 2)
		return usage_error("outbox");
	/* the options follow the subcommand, which getopt takes for argv[0] */
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'a': all = 1; break;
		default: return usage_error("outbox");
		}
	}
	if (optind != argc - 1)
		return usage_error("outbox");
	if (strcmp(argv[1], "list") == 0 && !all)
		return list(c, json);
	if (strcmp(argv[1], "flush") == 0 && !json)
		return flush(c, all);
	return usage_error("outbox");
}
