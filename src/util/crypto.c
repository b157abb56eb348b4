/*
 * crypto.c — see crypto.h. Password hashing uses argon2id with OWASP's memory-light setting
 * (t=2, m=19 MiB) so concurrent logins do not balloon the server's memory.
 */
#include "util/crypto.h"
#include "util/log.h"
#include <sodium.h>

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)

static char dummy_hash[CRYPTO_PWHASH_BYTES];

int crypto_setup(void)
{
	if (sodium_init() < 0)
		return HELPO_EIO;
	return 0;
}

void crypto_token(char out[CRYPTO_TOKEN_CHARS + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, CRYPTO_TOKEN_CHARS + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, CRYPTO_SHA256_HEX, h, sizeof h);
}

int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_BYTES])
{
	if (crypto_pwhash_str_alg(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT,
				  crypto_pwhash_ALG_ARGON2ID13))
		return HELPO_ENOMEM;
	return 0;
}

int crypto_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash)
		return HELPO_EAUTH;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) ? HELPO_EAUTH : 0;
}

void crypto_password_dummy_verify(const char *password)
{
	if (!dummy_hash[0])
		crypto_password_hash("helpo-dummy-password", dummy_hash);
	if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
		log_warn("dummy password verified");
}

bool crypto_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

int crypto_base64_decode(const char *in, size_t inlen, char *out, size_t outcap)
{
	size_t n;
	if (outcap == 0 ||
	    sodium_base642bin((unsigned char *)out, outcap - 1, in, inlen, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		return -1;
	out[n] = '\0';
	return (int)n;
}

int crypto_base64url_encode(const void *in, size_t inlen, char *out, size_t outcap)
{
	if (outcap < sodium_base64_ENCODED_LEN(inlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return HELPO_ETOOBIG;
	sodium_bin2base64(out, outcap, in, inlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int crypto_base64url_decode(const char *in, char *out, size_t outcap, size_t *outlen)
{
	if (outcap == 0 ||
	    sodium_base642bin((unsigned char *)out, outcap - 1, in, strlen(in), NULL, outlen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return HELPO_EINVAL;
	out[*outlen] = '\0';
	return 0;
}
