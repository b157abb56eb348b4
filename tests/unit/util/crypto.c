/*
 * tests/unit/util/crypto.c — unit tests for src/util/crypto.c: random tokens (length,
 * alphabet, uniqueness), SHA-256 known vectors, argon2id hash/verify, constant-time compare,
 * base64 decoding for HTTP Basic and base64url round trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/crypto.h"

static int setup(void **state)
{
	(void)state;
	return crypto_setup();
}

static int cmp_tokens(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_token(void **state)
{
	enum { N = 500 };
	static char toks[N][CRYPTO_TOKEN_CHARS + 1];
	(void)state;
	for (int i = 0; i < N; i++) {
		crypto_token(toks[i]);
		assert_int_equal(strlen(toks[i]), CRYPTO_TOKEN_CHARS);
		for (int k = 0; k < CRYPTO_TOKEN_CHARS; k++) {
			char ch = toks[i][k];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
				fail_msg("token has a character outside base64url: '%c'", ch);
		}
	}
	qsort(toks, N, sizeof toks[0], cmp_tokens);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(toks[i - 1], toks[i]);
	/* a token decodes to 32 random bytes */
	char raw[64];
	size_t n = 0;
	assert_int_equal(crypto_base64url_decode(toks[0], raw, sizeof raw, &n), 0);
	assert_int_equal(n, 32);
}

static void test_sha256(void **state)
{
	char out[CRYPTO_SHA256_HEX];
	(void)state;
	crypto_sha256_hex("", 0, out);
	assert_string_equal(out,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256_hex("abc", 3, out);
	assert_string_equal(out,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	crypto_sha256_hex(two, strlen(two), out);
	assert_string_equal(out,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_int_equal(strlen(out), CRYPTO_SHA256_HEX - 1);
}

static void test_password(void **state)
{
	char h1[CRYPTO_PWHASH_BYTES], h2[CRYPTO_PWHASH_BYTES];
	(void)state;
	assert_int_equal(crypto_password_hash("correct horse battery", h1), 0);
	assert_non_null(strstr(h1, "$argon2id$"));
	assert_int_equal(crypto_password_verify(h1, "correct horse battery"), 0);
	assert_int_equal(crypto_password_verify(h1, "correct horse batterY"), HELPO_EAUTH);
	assert_int_equal(crypto_password_verify(h1, ""), HELPO_EAUTH);
	/* salted: the same password hashes differently, and both verify */
	assert_int_equal(crypto_password_hash("correct horse battery", h2), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(crypto_password_verify(h2, "correct horse battery"), 0);
	/* no hash, empty hash, garbage hash: never a match */
	assert_int_equal(crypto_password_verify(NULL, "x"), HELPO_EAUTH);
	assert_int_equal(crypto_password_verify("", ""), HELPO_EAUTH);
	assert_int_equal(crypto_password_verify("not-a-hash", "not-a-hash"), HELPO_EAUTH);
	/* UTF-8 passwords */
	assert_int_equal(crypto_password_hash("парольĀ", h1), 0);
	assert_int_equal(crypto_password_verify(h1, "парольĀ"), 0);
	assert_int_equal(crypto_password_verify(h1, "парольA"), HELPO_EAUTH);
	/* the dummy verify runs without crashing, twice (the dummy hash is made once) */
	crypto_password_dummy_verify("anything");
	crypto_password_dummy_verify("anything else");
}

static void test_equal(void **state)
{
	(void)state;
	assert_true(crypto_equal("", ""));
	assert_true(crypto_equal("abc", "abc"));
	assert_false(crypto_equal("abc", "abd"));
	assert_false(crypto_equal("abc", "abcd"));
	assert_false(crypto_equal("abcd", "abc"));
	assert_false(crypto_equal("", "a"));
}

static void test_base64_decode(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(crypto_base64_decode("dXNlcjpwYXNz", 12, out, sizeof out), 9);
	assert_string_equal(out, "user:pass");
	/* Basic credentials with a token: "email/token:TOKEN" */
	const char *in = "YW5uYUBleGFtcGxlLmNvbS90b2tlbjphYmM=";
	assert_int_equal(crypto_base64_decode(in, strlen(in), out, sizeof out), 26);
	assert_string_equal(out, "anna@example.com/token:abc");
	assert_int_equal(crypto_base64_decode("", 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	/* invalid characters and shapes */
	assert_int_equal(crypto_base64_decode("!!!!", 4, out, sizeof out), -1);
	assert_int_equal(crypto_base64_decode("dXNl cjpw", 9, out, sizeof out), -1);
	assert_int_equal(crypto_base64_decode("dXNlcjpwYXN", 11, out, sizeof out), -1);
	assert_int_equal(crypto_base64_decode("YQ", 2, out, sizeof out), -1); /* needs padding */
	assert_int_equal(crypto_base64_decode("YQ==", 4, out, sizeof out), 1);
	assert_string_equal(out, "a");
	assert_int_equal(crypto_base64_decode("_-8=", 4, out, sizeof out), -1); /* url alphabet */
	/* the output capacity is respected, with room for the NUL */
	assert_int_equal(crypto_base64_decode("dXNlcjpwYXNz", 12, out, 9), -1);
	assert_int_equal(crypto_base64_decode("dXNlcjpwYXNz", 12, out, 10), 9);
	assert_int_equal(crypto_base64_decode("dXNlcjpwYXNz", 12, out, 0), -1);
}

static void test_base64url(void **state)
{
	unsigned char in[256];
	char enc[400], dec[300];
	size_t n;
	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)(255 - i);
	for (size_t len = 0; len <= sizeof in; len += (len < 10 ? 1 : 37)) {
		assert_int_equal(crypto_base64url_encode(in, len, enc, sizeof enc), 0);
		assert_null(strchr(enc, '='));
		assert_null(strchr(enc, '+'));
		assert_null(strchr(enc, '/'));
		n = 12345;
		assert_int_equal(crypto_base64url_decode(enc, dec, sizeof dec, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(dec, in, len);
	}
	/* "\xfb\xff" uses both URL-safe characters */
	assert_int_equal(crypto_base64url_encode("\xfb\xff\xbf", 3, enc, sizeof enc), 0);
	assert_string_equal(enc, "-_-_");
	/* a too small output buffer */
	assert_int_equal(crypto_base64url_encode("abc", 3, enc, 4), HELPO_ETOOBIG);
	assert_int_equal(crypto_base64url_encode("abc", 3, enc, 5), 0);
	assert_string_equal(enc, "YWJj");
	assert_int_equal(crypto_base64url_decode("YWJj", dec, 3, &n), HELPO_EINVAL);
	assert_int_equal(crypto_base64url_decode("YWJj", dec, 0, &n), HELPO_EINVAL);
	/* invalid input */
	assert_int_equal(crypto_base64url_decode("YW+j", dec, sizeof dec, &n), HELPO_EINVAL);
	assert_int_equal(crypto_base64url_decode("YWJj==", dec, sizeof dec, &n), HELPO_EINVAL);
	assert_int_equal(crypto_base64url_decode("Y", dec, sizeof dec, &n), HELPO_EINVAL);
	assert_int_equal(crypto_base64url_decode("a b", dec, sizeof dec, &n), HELPO_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token),         cmocka_unit_test(test_sha256),
	    cmocka_unit_test(test_password),      cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_base64_decode), cmocka_unit_test(test_base64url),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
