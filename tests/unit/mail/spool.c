/*
 * tests/unit/mail/spool.c — unit tests for src/mail/spool.c: the durability contract of
 * spool_put (a file shows up in new/ only complete; nothing is left in tmp/ or new/ after a
 * failure; HELPO_EIO when the spool is missing or unusable), file names (unique, from clock,
 * pid and randomness, with a sanitized mailbox suffix) and spool_setup.
 */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/common.h"
#include "mail/spool.h"
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static void mk_tmp(char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, len, "%s/helpo-spool-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Number of entries (not . or ..) in DIR/spool/SUB; -1 when the directory is missing. */
static int count(const char *dir, const char *sub)
{
	char p[512];
	DIR *d;
	struct dirent *e;
	int n = 0;
	snprintf(p, sizeof p, "%s/spool/%s", dir, sub);
	if (!(d = opendir(p)))
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void test_setup_creates_dirs(void **state)
{
	char dir[256];
	struct stat st;
	char p[512];
	(void)state;
	mk_tmp(dir, sizeof dir);
	assert_int_equal(count(dir, "new"), -1);
	assert_int_equal(spool_setup(dir), 0);
	assert_int_equal(spool_setup(dir), 0); /* idempotent */
	assert_int_equal(count(dir, "tmp"), 0);
	assert_int_equal(count(dir, "new"), 0);
	snprintf(p, sizeof p, "%s/spool/new", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0007, 0); /* never world-accessible */
	assert_int_equal(spool_setup(NULL), HELPO_EINVAL);
	rm_tree(dir);
}

static void test_put_roundtrip(void **state)
{
	char dir[256], name[256], p[600];
	const char msg[] = "From: a@example.org\r\nSubject: hi\r\n\r\nbody\0with NUL\r\n";
	size_t len;
	char *back;
	struct stat st;
	long long ms;
	long pid;
	char rnd[32] = "", rest[128] = "";
	(void)state;
	mk_tmp(dir, sizeof dir);
	assert_int_equal(spool_setup(dir), 0);
	assert_int_equal(spool_put(dir, msg, sizeof msg - 1, "Support@Helpo.TEST", name), 0);
	assert_int_equal(count(dir, "new"), 1);
	assert_int_equal(count(dir, "tmp"), 0);
	snprintf(p, sizeof p, "%s/spool/new/%s", dir, name);
	back = slurp(p, &len);
	assert_int_equal(len, sizeof msg - 1);
	assert_memory_equal(back, msg, len);
	free(back);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0137, 0); /* at most 0640 (umask may remove more) */
	assert_true(st.st_mode & 0400);
	/* "<ms>.<pid>.<16 hex>.<mailbox lower-cased>" */
	assert_int_equal(sscanf(name, "%lld.%ld.%16[0-9a-f].%127s", &ms, &pid, rnd, rest), 4);
	assert_true(ms > 1600000000000LL);
	assert_int_equal(pid, (long)getpid());
	assert_int_equal(strlen(rnd), 16);
	assert_string_equal(rest, "support@helpo.test");
	rm_tree(dir);
}

static void test_put_mailbox_sanitized(void **state)
{
	char dir[256], name[256];
	const char *bad[] = {"../../etc/passwd", "a/b@helpo.test", "no-at-sign", "\"q r\"@x.test",
			     ".dot@x.test", "a,b@x.test", ""};
	(void)state;
	mk_tmp(dir, sizeof dir);
	assert_int_equal(spool_setup(dir), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		long long ms;
		long pid;
		char rnd[32], rest[64] = "";
		assert_int_equal(spool_put(dir, "x", 1, bad[i], name), 0);
		/* the mailbox part is left out: exactly three fields */
		assert_int_equal(sscanf(name, "%lld.%ld.%16[0-9a-f]%63s", &ms, &pid, rnd, rest), 3);
		assert_null(strchr(name, '/'));
	}
	assert_int_equal(spool_put(dir, "x", 1, NULL, NULL), 0);
	assert_int_equal(count(dir, "new"), (int)ARRAY_SIZE(bad) + 1);
	rm_tree(dir);
}

static void test_names_unique(void **state)
{
	char dir[256], name[256];
	char (*names)[256] = calloc(300, 256);
	(void)state;
	assert_non_null(names);
	mk_tmp(dir, sizeof dir);
	assert_int_equal(spool_setup(dir), 0);
	for (int i = 0; i < 300; i++) {
		assert_int_equal(spool_put(dir, "same bytes", 10, "support@helpo.test", name), 0);
		snprintf(names[i], 256, "%s", name);
	}
	assert_int_equal(count(dir, "new"), 300);
	qsort(names, 300, 256, (int (*)(const void *, const void *))strcmp);
	for (int i = 1; i < 300; i++)
		assert_string_not_equal(names[i - 1], names[i]);
	free(names);
	rm_tree(dir);
}

static void test_eio_when_missing(void **state)
{
	char dir[256], p[512], name[256] = "junk";
	(void)state;
	mk_tmp(dir, sizeof dir);
	/* no spool at all */
	assert_int_equal(spool_put(dir, "x", 1, NULL, name), HELPO_EIO);
	assert_string_equal(name, "");
	/* the data directory itself is missing */
	snprintf(p, sizeof p, "%s/nope", dir);
	assert_int_equal(spool_put(p, "x", 1, NULL, NULL), HELPO_EIO);
	assert_int_equal(spool_setup(p), HELPO_EIO); /* never creates the data directory */
	rm_tree(dir);
	/* spool_setup on a path under a regular file fails */
	mk_tmp(dir, sizeof dir);
	snprintf(p, sizeof p, "%s/file", dir);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(spool_setup(p), HELPO_EIO);
	assert_int_equal(spool_put(p, "x", 1, NULL, NULL), HELPO_EIO);
	assert_int_equal(spool_put(NULL, "x", 1, NULL, NULL), HELPO_EIO);
	rm_tree(dir);
}

/* new/ unusable (a file where the directory should be): EIO and nothing left in tmp/. Works
 * for root too, unlike permission bits. */
static void test_eio_new_unusable(void **state)
{
	char dir[256], p[512];
	(void)state;
	mk_tmp(dir, sizeof dir);
	assert_int_equal(spool_setup(dir), 0);
	snprintf(p, sizeof p, "%s/spool/new", dir);
	assert_int_equal(rmdir(p), 0);
	close(open(p, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(spool_put(dir, "hello", 5, NULL, NULL), HELPO_EIO);
	assert_int_equal(count(dir, "tmp"), 0);
	/* and with new/ missing entirely */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(spool_put(dir, "hello", 5, NULL, NULL), HELPO_EIO);
	assert_int_equal(count(dir, "tmp"), 0);
	assert_int_equal(count(dir, "new"), -1);
	rm_tree(dir);
}

/* Writes past RLIMIT_FSIZE fail (SIGXFSZ ignored → EFBIG), like a full disk: EIO and neither
 * tmp/ nor new/ keeps anything. Runs in a child so the limit does not leak. */
static void test_eio_write_fails(void **state)
{
	char dir[256];
	pid_t pid;
	int status;
	(void)state;
	mk_tmp(dir, sizeof dir);
	assert_int_equal(spool_setup(dir), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *big = calloc(1, 1 << 20);
		struct rlimit rl = {4096, 4096};
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(3);
		_exit(big && spool_put(dir, big, 1 << 20, NULL, NULL) == HELPO_EIO ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count(dir, "tmp"), 0);
	assert_int_equal(count(dir, "new"), 0);
	rm_tree(dir);
}

/* While a child spools a large message, every file the parent sees in new/ is complete. */
static void test_appears_only_complete(void **state)
{
	enum { SIZE = 8 << 20 };
	char dir[256], p[600];
	pid_t pid;
	int status, seen = 0;
	(void)state;
	mk_tmp(dir, sizeof dir);
	assert_int_equal(spool_setup(dir), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *big = malloc(SIZE);
		if (!big)
			_exit(2);
		memset(big, 'a', SIZE);
		for (int i = 0; i < 3; i++)
			if (spool_put(dir, big, SIZE, NULL, NULL))
				_exit(1);
		_exit(0);
	}
	for (;;) {
		DIR *d;
		struct dirent *e;
		int done = waitpid(pid, &status, WNOHANG) == pid;
		snprintf(p, sizeof p, "%s/spool/new", dir);
		d = opendir(p);
		assert_non_null(d);
		while ((e = readdir(d))) {
			struct stat st;
			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/spool/new/%s", dir, e->d_name);
			assert_int_equal(stat(p, &st), 0);
			assert_int_equal(st.st_size, SIZE);
			seen++;
		}
		closedir(d);
		if (done)
			break;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(seen >= 3);
	assert_int_equal(count(dir, "new"), 3);
	assert_int_equal(count(dir, "tmp"), 0);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_creates_dirs),
		cmocka_unit_test(test_put_roundtrip),
		cmocka_unit_test(test_put_mailbox_sanitized),
		cmocka_unit_test(test_names_unique),
		cmocka_unit_test(test_eio_when_missing),
		cmocka_unit_test(test_eio_new_unusable),
		cmocka_unit_test(test_eio_write_fails),
		cmocka_unit_test(test_appears_only_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
