/* send.c — the transport: hand a finished message to the sendmail command or to an SMTP server. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <dlfcn.h>

#include <curl/curl.h>

#include "conf.h"
#include "secret.h"
#include "send.h"
#include "util.h"

/* Enough for a relay that is merely slow; a dead one fails sooner. */
#define CONNECT_TIMEOUT	30L
#define MAIL_TIMEOUT	300L

extern char **environ;

/*
 * libcurl's functions, loaded when a message first goes by SMTP. Linked
 * in, libcurl and the thirty libraries it needs would be loaded and
 * relocated by every deliver, for mail that it never sends: that was
 * two thirds of what a deliver spent before it read its message.
 */
struct curl_api {
	void		*lib;
	CURLcode	(*global_init)(long);
	void		(*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	CURLcode	(*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	(*easy_perform)(CURL *);
	void		(*easy_cleanup)(CURL *);
	CURLcode	(*easy_getinfo)(CURL *, CURLINFO, ...);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		(*slist_free_all)(struct curl_slist *);
};

struct sender {
	char		**argv;		/* sendmail; NULL with SMTP */
	char		 *url;		/* SMTP */
	int		  starttls;
	char		 *user, *password;
	struct curl_api	  api;		/* loaded on first use */
	CURL		 *curl;		/* opened on first use, kept for every message */
	char		  errbuf[CURL_ERROR_SIZE];
};

/* One function of the loaded libcurl into *fn; -1 when it has none such. */
static int
curl_sym(void *lib, const char *name, void *fn, size_t size)
{
	void *sym = dlsym(lib, name);

	/* POSIX: a function's address comes as a void *; copied, not cast */
	if (sym == NULL || size != sizeof sym)
		return -1;
	memcpy(fn, &sym, size);
	return 0;
}

#define CURL_SYM(a, field, name) \
	curl_sym((a)->lib, (name), &(a)->field, sizeof (a)->field)

/* Load libcurl into s->api, once; -1 after saying why it cannot be. */
static int
curl_load(struct sender *s, char **err)
{
	struct curl_api *a = &s->api;

	if (a->lib != NULL)
		return 0;
	if ((a->lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		*err = xasprintf("smtp: cannot load %s: %s", CURL_SONAME,
		    dlerror());
		return -1;
	}
	if (CURL_SYM(a, global_init, "curl_global_init") == -1 ||
	    CURL_SYM(a, global_cleanup, "curl_global_cleanup") == -1 ||
	    CURL_SYM(a, easy_init, "curl_easy_init") == -1 ||
	    CURL_SYM(a, easy_setopt, "curl_easy_setopt") == -1 ||
	    CURL_SYM(a, easy_perform, "curl_easy_perform") == -1 ||
	    CURL_SYM(a, easy_cleanup, "curl_easy_cleanup") == -1 ||
	    CURL_SYM(a, easy_getinfo, "curl_easy_getinfo") == -1 ||
	    CURL_SYM(a, easy_strerror, "curl_easy_strerror") == -1 ||
	    CURL_SYM(a, slist_append, "curl_slist_append") == -1 ||
	    CURL_SYM(a, slist_free_all, "curl_slist_free_all") == -1) {
		*err = xasprintf("smtp: %s lacks a function mailopt needs",
		    CURL_SONAME);
		dlclose(a->lib);
		memset(a, 0, sizeof *a);
		return -1;
	}
	return 0;
}

/* The command split on blanks: no shell ever reads it. */
static char **
split(const char *cmd)
{
	char *copy = xstrdup(cmd), *tok, *last, **argv;
	size_t n = 0;

	argv = xcalloc(strlen(cmd) / 2 + 2, sizeof *argv);
	for (tok = strtok_r(copy, " \t", &last); tok;
	    tok = strtok_r(NULL, " \t", &last))
		argv[n++] = xstrdup(tok);
	free(copy);
	return argv;
}

/* The host of an smtp:// URL is this machine: a password to it crosses no network. */
static int
loopback(const char *url)
{
	static const char *const hosts[] = { "localhost", "[::1]" };
	const char *h = strstr(url, "://") + 3;

	size_t n;

	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
		if (ascii_ncasecmp(h, hosts[i], strlen(hosts[i])) == 0 &&
		    strchr(":/", h[strlen(hosts[i])]) != NULL)
			return 1;
	/* 127.0.0.1, not a name such as 127.example.net */
	n = strspn(h, "0123456789.");
	return strncmp(h, "127.", 4) == 0 && strchr(":/", h[n]) != NULL;
}

static int
smtp_setup(struct sender *s, const struct conf *c)
{
	if (strncmp(c->smtp, "smtp://", 7) != 0 &&
	    strncmp(c->smtp, "smtps://", 8) != 0) {
		mo_warn("smtp: %s: not an smtp:// or smtps:// URL", c->smtp);
		return EX_CONFIG;
	}
	s->url = xstrdup(c->smtp);
	s->starttls = c->starttls;
	if (c->smtp_user == NULL)
		return 0;
	if (!c->starttls && strncmp(c->smtp, "smtps://", 8) != 0 &&
	    !loopback(c->smtp)) {
		mo_warn("smtp_user: the password would cross the network in "
		    "clear: set starttls = yes or use smtps://");
		return EX_CONFIG;
	}
	if (c->smtp_password_file == NULL) {
		mo_warn("smtp_user: needs smtp_password_file");
		return EX_CONFIG;
	}
	s->user = xstrdup(c->smtp_user);
	return secret_file("smtp_password_file", c->smtp_password_file, &s->password);
}

int
sender_new(const struct conf *c, struct sender **out)
{
	struct sender *s = xcalloc(1, sizeof *s);
	int rc = 0;

	*out = NULL;
	if (c->smtp != NULL && *c->smtp != '\0')
		rc = smtp_setup(s, c);
	else {
		s->argv = split(c->sendmail ? c->sendmail : "");
		/* execve searches no PATH: a relative name would run whatever is here */
		if (s->argv[0] == NULL || s->argv[0][0] != '/') {
			mo_warn("sendmail: %s: not an absolute path",
			    s->argv[0] ? s->argv[0] : "(empty)");
			rc = EX_CONFIG;
		}
	}
	if (rc != 0) {
		sender_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
sender_free(struct sender *s)
{
	if (s == NULL)
		return;
	if (s->argv != NULL)
		for (char **a = s->argv; *a; a++)
			free(*a);
	free(s->argv);
	if (s->curl != NULL) {
		s->api.easy_cleanup(s->curl);	/* says QUIT */
		s->api.global_cleanup();
	}
	if (s->api.lib != NULL)
		dlclose(s->api.lib);
	free(s->url);
	free(s->user);
	secret_free(s->password);
	free(s);
}

/*
 * Run the sendmail command with msg on its standard input. Its output
 * goes to our standard error: standard output may be a sweep's report.
 * A status pipe closed by execve tells a command that never ran from
 * one that failed.
 */
static enum send_status
send_command(struct sender *s, const char *msg, size_t len, char **err)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int in[2] = { -1, -1 }, st[2] = { -1, -1 }, status, child_errno = 0;
	enum send_status ret = SEND_RETRY;
	int werr = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(st, O_CLOEXEC) == -1) {
		*err = xasprintf("pipe: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) == -1) {
		*err = xasprintf("fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(in[0], STDIN_FILENO) != -1 &&
		    dup2(STDERR_FILENO, STDOUT_FILENO) != -1)
			execve(s->argv[0], s->argv, environ);
		child_errno = errno;
		(void)!write(st[1], &child_errno, sizeof child_errno);
		_exit(EX_OSERR);
	}
	close(in[0]);
	close(st[1]);
	in[0] = st[1] = -1;
	/* a command that exits early must not kill us with SIGPIPE */
	sigaction(SIGPIPE, &ign, &old);
	if (write_all(in[1], msg, len) == -1)
		werr = errno;
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	in[1] = -1;
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (read(st[0], &child_errno, sizeof child_errno) ==
	    (ssize_t)sizeof child_errno) {
		*err = xasprintf("cannot run %s: %s", s->argv[0],
		    strerror(child_errno));
		ret = SEND_DOWN;
	} else if (WIFSIGNALED(status))
		*err = xasprintf("%s killed by signal %d", s->argv[0],
		    WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		*err = xasprintf("%s exited %d", s->argv[0], WEXITSTATUS(status));
	else if (werr != 0)
		*err = xasprintf("%s did not read the message: %s", s->argv[0],
		    strerror(werr));
	else
		ret = SEND_OK;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] != -1)
			close(in[i]);
		if (st[i] != -1)
			close(st[i]);
	}
	return ret;
}

/* The message read by curl, its LF line ends made CRLF as SMTP wants them. */
struct upload {
	const char	*p;
	size_t		 len, off;
	int		 lf_owed;	/* the CR went out, its LF did not fit */
};

static size_t
upload_read(char *out, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t cap = size * nitems, n = 0;

	while (n < cap && (u->lf_owed || u->off < u->len)) {
		if (u->lf_owed) {
			out[n++] = '\n';
			u->lf_owed = 0;
		} else if (u->p[u->off] == '\n') {
			out[n++] = '\r';
			u->lf_owed = 1;
			u->off++;
		} else
			out[n++] = u->p[u->off++];
	}
	return n;
}

/* The handle, made on first use with what every message shares; NULL after saying why not in *err. */
static CURL *
smtp_handle(struct sender *s, char **err)
{
	const struct curl_api *a = &s->api;
	CURL *h;

	if (s->curl != NULL)
		return s->curl;
	if (curl_load(s, err) == -1)
		return NULL;
	if (a->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*err = xstrdup("smtp: cannot set up libcurl");
		return NULL;
	}
	if ((h = a->easy_init()) == NULL) {
		a->global_cleanup();
		*err = xstrdup("smtp: cannot set up libcurl");
		return NULL;
	}
	s->api.easy_setopt(h, CURLOPT_URL, s->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	s->api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	s->api.easy_setopt(h, CURLOPT_PROTOCOLS, CURLPROTO_SMTP | CURLPROTO_SMTPS);
#endif
	s->api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	s->api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	s->api.easy_setopt(h, CURLOPT_TIMEOUT, MAIL_TIMEOUT);
	s->api.easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	s->api.easy_setopt(h, CURLOPT_UPLOAD, 1L);
	s->api.easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	/* the default, said out loud: the relay's certificate and name are checked */
	s->api.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	s->api.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (s->starttls)
		s->api.easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (s->user != NULL) {
		s->api.easy_setopt(h, CURLOPT_USERNAME, s->user);
		s->api.easy_setopt(h, CURLOPT_PASSWORD, s->password);
	}
	return s->curl = h;
}

/* Failures that no other message would escape: stop the flush. */
static int
transport_down(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_LOGIN_DENIED:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_GOT_NOTHING:
		return 1;
	default:
		return 0;
	}
}

static enum send_status
send_smtp(struct sender *s, const char *from, const char *rcpt,
    const char *msg, size_t len, char **err)
{
	struct upload u = { msg, len, 0, 0 };
	struct curl_slist *to = NULL;
	char *env_from, *env_to;
	long code = 0;
	CURLcode rc;
	CURL *h;

	if ((h = smtp_handle(s, err)) == NULL)
		return SEND_DOWN;
	env_from = xasprintf("<%s>", from);
	env_to = xasprintf("<%s>", rcpt);
	to = s->api.slist_append(NULL, env_to);
	s->errbuf[0] = '\0';
	s->api.easy_setopt(h, CURLOPT_MAIL_FROM, env_from);
	s->api.easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	s->api.easy_setopt(h, CURLOPT_READDATA, &u);
	rc = to == NULL ? CURLE_OUT_OF_MEMORY : s->api.easy_perform(h);
	/* the handle keeps no pointer to what is freed below */
	s->api.easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
	s->api.easy_setopt(h, CURLOPT_READDATA, NULL);
	s->api.slist_free_all(to);
	free(env_from);
	free(env_to);
	if (rc == CURLE_OK)
		return SEND_OK;
	s->api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	*err = xasprintf("smtp: %s", *s->errbuf ? s->errbuf :
	    s->api.easy_strerror(rc));
	if (code != 0) {
		char *e = xasprintf("%s (last reply %ld)", *err, code);

		free(*err);
		*err = e;
	}
	return transport_down(rc) ? SEND_DOWN : SEND_RETRY;
}

enum send_status
sender_send(struct sender *s, const char *from, const char *rcpt,
    const char *msg, size_t len, char **err)
{
	*err = NULL;
	if (s->argv != NULL)
		return send_command(s, msg, len, err);
	return send_smtp(s, from, rcpt, msg, len, err);
}

/* A reply text check does not need. */
static size_t
discard(char *p, size_t size, size_t nitems, void *arg)
{
	(void)p, (void)arg;
	return size * nitems;
}

int
sender_probe(struct sender *s, char **err)
{
	CURLcode rc;
	CURL *h;

	*err = NULL;
	if (s->argv != NULL)
		return 0;
	if ((h = smtp_handle(s, err)) == NULL)
		return -1;
	/* no MAIL FROM, no upload: curl connects, says EHLO and sends the command */
	s->errbuf[0] = '\0';
	s->api.easy_setopt(h, CURLOPT_UPLOAD, 0L);
	s->api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, "NOOP");
	s->api.easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	if ((rc = s->api.easy_perform(h)) == CURLE_OK)
		return 0;
	*err = xasprintf("smtp: %s: %s", s->url, *s->errbuf ? s->errbuf :
	    s->api.easy_strerror(rc));
	return -1;
}
