/*
 * ratelimit.c — see ratelimit.h. A fixed-size open-addressing table under one mutex; when
 * full, the stalest entry is recycled, so memory never grows with an attacker's key count.
 */
#include "http/ratelimit.h"
#include <pthread.h>

#define SLOTS 4096
#define KEY_MAX 128
#define MAX_DELAY_S 900

struct slot {
	char key[KEY_MAX];
	int failures;
	int64_t last_ms;
};

static struct slot table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int max_fail = 5;

void ratelimit_setup(int max_failures)
{
	max_fail = max_failures;
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Finds the slot for key; with create, takes a free or the stalest slot of the probe run. */
static struct slot *find(const char *key, bool create)
{
	uint32_t h = hash(key);
	struct slot *oldest = NULL;
	for (int i = 0; i < 16; i++) {
		struct slot *s = &table[(h + (uint32_t)i) % SLOTS];
		if (!strcmp(s->key, key))
			return s;
		if (!s->key[0]) {
			if (!create)
				return NULL;
			oldest = s;
			break;
		}
		if (!oldest || s->last_ms < oldest->last_ms)
			oldest = s;
	}
	if (!create)
		return NULL;
	snprintf(oldest->key, KEY_MAX, "%s", key);
	oldest->failures = 0;
	oldest->last_ms = 0;
	return oldest;
}

static int64_t delay_ms(int failures)
{
	int over = failures - max_fail;
	if (over < 0)
		return 0;
	if (over > 10)
		return (int64_t)MAX_DELAY_S * 1000;
	return (int64_t)(1 << over) * 1000 > (int64_t)MAX_DELAY_S * 1000
		       ? (int64_t)MAX_DELAY_S * 1000
		       : (int64_t)(1 << over) * 1000;
}

int ratelimit_wait_s(const char *key, int64_t now_ms)
{
	struct slot *s;
	int wait = 0;
	pthread_mutex_lock(&lock);
	s = find(key, false);
	if (s && s->failures >= max_fail) {
		int64_t until = s->last_ms + delay_ms(s->failures);
		if (until > now_ms)
			wait = (int)((until - now_ms + 999) / 1000);
	}
	pthread_mutex_unlock(&lock);
	return wait;
}

void ratelimit_fail(const char *key, int64_t now_ms)
{
	struct slot *s;
	pthread_mutex_lock(&lock);
	s = find(key, true);
	if (s->failures < 1000)
		s->failures++;
	s->last_ms = now_ms;
	pthread_mutex_unlock(&lock);
}

void ratelimit_clear(const char *key)
{
	struct slot *s;
	pthread_mutex_lock(&lock);
	s = find(key, false);
	if (s) {
		s->failures = 0;
		s->last_ms = 0;
	}
	pthread_mutex_unlock(&lock);
}

void ratelimit_reset_all(void)
{
	pthread_mutex_lock(&lock);
	memset(table, 0, sizeof table);
	pthread_mutex_unlock(&lock);
}
