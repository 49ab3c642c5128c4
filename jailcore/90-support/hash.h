/* SPDX-License-Identifier: BSD-3-Clause */
/* hash.h - FNV-1a, 64 bit: names and fingerprints derived from text (a
 * jail's registry id, the config index's file name, a plan's fingerprint,
 * the config's name index).
 * Not a security boundary: everything hashed lives in root-only places. */
#ifndef JAILCORE_HASH_H
#define JAILCORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JC_FNV_INIT 0xcbf29ce484222325ULL

/* One byte into hash H: for callers that hash a transformed text (the
 * config's case-insensitive name index folds case first). */
static inline uint64_t jc_fnv_byte(uint64_t h, unsigned char b)
{
	return (h ^ b) * 0x100000001b3ULL;
}

static inline uint64_t jc_fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *b = data;

	for (size_t i = 0; i < len; i++)
		h = jc_fnv_byte(h, b[i]);
	return h;
}

static inline uint64_t jc_fnv_str(const char *s)
{
	return jc_fnv(JC_FNV_INIT, s, strlen(s));
}

#endif
