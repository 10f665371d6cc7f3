/* secret.c — passwords and tokens from a private file or a command's output: nothing secret on a command line, in the environment or in a log. */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"

/* A password or an OAuth2 access token (some run to a few KiB) is shorter. */
#define SECRET_MAX	(64u << 10)

/* The first line of b, as a string of its own; NULL when it is empty. */
static char *
first_line(struct buf *b)
{
	char *s;

	if (b->len == 0)
		return NULL;
	s = buf_steal(b);
	s[strcspn(s, "\r\n")] = '\0';
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

int
secret_command(const char *setting, const char *command, char **out)
{
	struct buf b = { 0 };
	int p[2] = { -1, -1 }, status, over = 0, rc = EX_CONFIG, r;
	pid_t pid;

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

		if (null != -1)
			dup2(null, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	r = read_fd_capped(p[0], SECRET_MAX, &b, &over);
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* the command is the operator's; what it printed is not to be echoed */
	if (r == -1)
		mo_warn_errno("%s: reading its output", setting);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		mo_warn("%s: the command failed (%s %d)", setting,
		    WIFEXITED(status) ? "exit status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else if (over)
		mo_warn("%s: the command printed too much", setting);
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
