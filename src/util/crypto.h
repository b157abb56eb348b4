/*
 * crypto.h — libsodium wrappers: random tokens, SHA-256 for token lookup, argon2id passwords,
 * constant-time compare. crypto_setup() must run once before any other call.
 */
#ifndef HELPO_CRYPTO_H
#define HELPO_CRYPTO_H

#include "util/common.h"

#define CRYPTO_TOKEN_CHARS 43 /* 32 random bytes, base64url without padding */
#define CRYPTO_SHA256_HEX 65  /* 64 hex digits + NUL */
#define CRYPTO_PWHASH_BYTES 128

int crypto_setup(void);
/* Fills out with a new URL-safe token of 256 random bits (NUL-terminated). */
void crypto_token(char out[CRYPTO_TOKEN_CHARS + 1]);
void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX]);
/* argon2id; out receives the encoded hash string. */
int crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_BYTES]);
/* 0 when the password matches the stored hash, HELPO_EAUTH otherwise. */
int crypto_password_verify(const char *hash, const char *password);
/* Spends the time of one verify against a fixed hash: used when the account does not exist. */
void crypto_password_dummy_verify(const char *password);
bool crypto_equal(const char *a, const char *b);
/* base64 (standard alphabet) decode for HTTP Basic; returns decoded length or -1. */
int crypto_base64_decode(const char *in, size_t inlen, char *out, size_t outcap);
/* base64url encode without padding into out (outcap bytes, NUL-terminated). */
int crypto_base64url_encode(const void *in, size_t inlen, char *out, size_t outcap);
int crypto_base64url_decode(const char *in, char *out, size_t outcap, size_t *outlen);

#endif
