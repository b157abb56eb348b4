/*
 * spool.c — the durable inbound spool (see spool.h): DIR/spool/tmp and DIR/spool/new.
 *
 * A message is accepted only once it sits complete in new/: written to tmp/ (O_EXCL, 0640),
 * fsync'd, renamed into new/ (same file system, atomic), and new/ fsync'd so the rename survives
 * a power cut. Any failure unlinks the tmp file and answers HELPO_EIO: the MTA keeps the message
 * and retries (mail-in exits 75).
 *
 * File names: "<ms>.<pid>.<16 hex random>[.<mailbox>]" — from the clock, the process and 64 bits
 * of randomness, never from message content. The mailbox part is kept only when it is a plain
 * address (lower-cased; letters, digits and . _ + - @); otherwise it is left out and the domain
 * falls back to the To: header. The worker may append ",<n>" (failed attempts) by renaming.
 *
 * Permissions. The MTA runs `helpo mail-in` as its pipe user (Postfix: `user=` in master.cf;
 * never root), which may differ from the user `helpo serve` runs as. Deployment recipe: the
 * simplest is to run the pipe as the helpo user itself. Otherwise give DIR/spool and its two
 * subdirectories a shared group, mode 2770 (setgid, so spooled files inherit the group), make
 * DIR traversable (0711), and the pipe user a member of that group: files are 0640, so the
 * worker (same group) can read them and unlink them from the group-writable new/. spool_setup
 * creates missing directories 0770 and never changes existing ones: the admin's group and
 * setgid bit stay. mail-in never opens the database (DIR/helpo.db stays 0600 to its owner).
 */
#include "mail/spool.h"
#include "util/timeutil.h"
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_dir(const char *path)
{
	if (mkdir(path, 0770) == 0 || errno == EEXIST)
		return 0;
	return HELPO_EIO;
}

int spool_setup(const char *data_dir)
{
	char p[4096];
	if (!data_dir || !*data_dir)
		return HELPO_EINVAL;
	snprintf(p, sizeof p, "%s/spool", data_dir);
	if (make_dir(p))
		return HELPO_EIO;
	snprintf(p, sizeof p, "%s/spool/tmp", data_dir);
	if (make_dir(p))
		return HELPO_EIO;
	snprintf(p, sizeof p, "%s/spool/new", data_dir);
	return make_dir(p);
}

/* Lower-cased copy of mailbox into out when it is a plain address; "" otherwise. */
static void safe_mailbox(const char *mailbox, char *out, size_t n)
{
	size_t len = mailbox ? strlen(mailbox) : 0, i;
	out[0] = '\0';
	if (!len || len > 254 || len >= n || !strchr(mailbox, '@') || mailbox[0] == '.')
		return;
	for (i = 0; i < len; i++) {
		char c = mailbox[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '+' || c == '-' || c == '@')) {
			out[0] = '\0';
			return;
		}
		out[i] = c;
	}
	out[len] = '\0';
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len > (1u << 20) ? (1u << 20) : len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int spool_put(const char *data_dir, const void *raw, size_t len, const char *mailbox,
	      char name_out[256])
{
	char mb[256], name[256], tmp[4096], dst[4096], dir[4096];
	unsigned char rnd[8];
	int fd, n;
	if (name_out)
		name_out[0] = '\0';
	if (!data_dir || !*data_dir || (!raw && len))
		return HELPO_EIO;
	safe_mailbox(mailbox, mb, sizeof mb);
	if (sodium_init() < 0)
		return HELPO_EIO;
	randombytes_buf(rnd, sizeof rnd);
	n = snprintf(name, sizeof name, "%lld.%ld.%02x%02x%02x%02x%02x%02x%02x%02x%s%s",
		     (long long)time_now_ms(), (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3],
		     rnd[4], rnd[5], rnd[6], rnd[7], mb[0] ? "." : "", mb);
	if (n < 0 || (size_t)n >= sizeof name)
		return HELPO_EIO;
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/spool/tmp/%s", data_dir, name) >= sizeof tmp ||
	    (size_t)snprintf(dst, sizeof dst, "%s/spool/new/%s", data_dir, name) >= sizeof dst)
		return HELPO_EIO;
	snprintf(dir, sizeof dir, "%s/spool/new", data_dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return HELPO_EIO;
	if (write_all(fd, raw, len) || fsync(fd)) {
		close(fd);
		unlink(tmp);
		return HELPO_EIO;
	}
	if (close(fd)) {
		unlink(tmp);
		return HELPO_EIO;
	}
	if (rename(tmp, dst)) {
		unlink(tmp);
		return HELPO_EIO;
	}
	if (fsync_dir(dir)) {
		/* the rename may not be durable: take it back so the MTA retries */
		if (unlink(dst) == 0)
			fsync_dir(dir);
		return HELPO_EIO;
	}
	if (name_out)
		snprintf(name_out, 256, "%s", name);
	return 0;
}
