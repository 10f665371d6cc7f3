/* secret.c — passwords and tokens from a private file or a command's output: nothing secret on a command line, in the environment or in a log. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sysexits.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"

/* A password or an OAuth2 access token (some run to a few KiB) is shorter. */
#define SECRET_MAX	(64u << 10)
/* A token helper may ask an identity provider over the network: this long. */
#define SECRET_SECONDS	60

/* The first line of b, as a string of its own; NULL when it is empty. */
static char *
first_line(struct buf *b)
{
	size_t n, cut;
	char *s;

	if (b->len == 0)
		return NULL;
	n = b->len;
	s = buf_steal(b);
	/* what follows the first line is wiped: secret_free stops at the NUL */
	cut = strcspn(s, "\r\n");
	explicit_bzero(s + cut, n - cut);
	if (*s == '\0') {
		secret_free(s);
		return NULL;
	}
	return s;
}

int
secret_file(const char *setting, const char *path, char **out)
{
	struct buf b = { 0 };
	struct stat sb;
	int fd, over, rc = EX_CONFIG;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		mo_warn_errno("%s: %s", setting, path);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		mo_warn("%s: %s: not a regular file", setting, path);
		goto out;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		mo_warn("%s: %s: mode %03o: readable by others: chmod 600 it",
		    setting, path, (unsigned)(sb.st_mode & 0777));
		goto out;
	}
	if (read_fd_capped(fd, SECRET_MAX, &b, &over) == -1) {
		mo_warn_errno("%s: %s", setting, path);
		goto out;
	}
	if (over) {
		mo_warn("%s: %s: too long", setting, path);
		goto out;
	}
	if ((*out = first_line(&b)) == NULL) {
		mo_warn("%s: %s: empty", setting, path);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (b.s != NULL)
		explicit_bzero(b.s, b.len);
	buf_free(&b);
	return rc;
}

/*
 * Read the command's output into b until it closes it, SECRET_MAX
 * bytes, or the deadline: 0, or -1 with *why.
 */
static int
read_output(int fd, struct buf *b, time_t deadline, const char **why)
{
	char chunk[4096];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int left;

	for (;;) {
		left = (int)(deadline - time(NULL));
		if (left <= 0) {
			*why = "the command took too long";
			return -1;
		}
		if (poll(&p, 1, left * 1000) == -1) {
			if (errno == EINTR)
				continue;
			*why = "poll failed";
			return -1;
		}
		if (p.revents == 0)
			continue;
		if ((n = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR)
				continue;
			*why = "reading its output failed";
			return -1;
		}
		if (n == 0)
			return 0;
		if (b->len + (size_t)n > SECRET_MAX) {
			*why = "the command printed too much";
			return -1;
		}
		buf_add(b, chunk, (size_t)n);
		explicit_bzero(chunk, sizeof chunk);
	}
}

int
secret_command(const char *setting, const char *command, char **out)
{
	struct buf b = { 0 };
	int p[2] = { -1, -1 }, status = 0, r, rc = EX_TEMPFAIL;
	const char *why = NULL;
	time_t deadline;
	pid_t pid, w;

	if (pipe(p) == -1) {
		mo_warn_errno("%s: pipe", setting);
		return EX_OSERR;
	}
	if ((pid = fork()) == -1) {
		mo_warn_errno("%s: fork", setting);
		close(p[0]);
		close(p[1]);
		return EX_OSERR;
	}
	if (pid == 0) {
		/* standard input: nothing to wait for; standard error: the operator's */
		int null = open("/dev/null", O_RDONLY);
		sigset_t none;

		if (null != -1 && null != STDIN_FILENO) {
			dup2(null, STDIN_FILENO);
			close(null);
		}
		dup2(p[1], STDOUT_FILENO);
		/* nothing of this process's: its connection, its pipes */
		close_range(3, ~0U, 0);
		/* a group of its own, to be stopped whole; signals as a shell has them */
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	deadline = time(NULL) + SECRET_SECONDS;
	r = read_output(p[0], &b, deadline, &why);
	close(p[0]);
	/* a helper that hangs (a network down, a prompt) is stopped, children and all */
	while (r == 0 && (w = waitpid(pid, &status, WNOHANG)) != pid) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (w == -1 && errno != EINTR)
			break;
		if (time(NULL) >= deadline) {
			r = -1;
			why = "the command took too long";
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (r == -1) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	/*
	 * A token helper fails while the network is down: the sweep
	 * tries again later (75). What the command printed is not echoed.
	 */
	if (r == -1)
		mo_warn("%s: %s", setting, why);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		mo_warn("%s: the command failed (%s %d)", setting,
		    WIFEXITED(status) ? "exit status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else if ((*out = first_line(&b)) == NULL)
		mo_warn("%s: the command printed nothing", setting);
	else
		rc = 0;
	if (b.s != NULL)
		explicit_bzero(b.s, b.len);
	buf_free(&b);
	return rc;
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
