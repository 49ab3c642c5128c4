/* SPDX-License-Identifier: BSD-3-Clause */
/* config_nameidx.c - the case-insensitive name index of the scan: where
 * each [user:NAME] / [group:NAME] section sits (config_priv.h). */
#include "config_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jailcore/90-support/hash.h"

static size_t fold_hash(const char *k)
{
	uint64_t h = JC_FNV_INIT;

	for (; *k; k++)
		h = jc_fnv_byte(h, (unsigned char)tolower((unsigned char)*k));
	return (size_t)h;
}

int jc_nameidx_find(const struct jc_nameidx *idx, const char *key, size_t *a,
		    size_t *b)
{
	if (!idx->cap)
		return 0;
	for (size_t i = fold_hash(key) & (idx->cap - 1);;
	     i = (i + 1) & (idx->cap - 1)) {
		const struct jc_nameidx_ent *e = &idx->v[i];

		if (!e->key)
			return 0;
		if (strcasecmp(e->key, key) == 0) {
			*a = e->a;
			*b = e->b;
			return 1;
		}
	}
}

static int put(struct jc_nameidx_ent *v, size_t cap,
	       const struct jc_nameidx_ent *e)
{
	size_t i = fold_hash(e->key) & (cap - 1);

	while (v[i].key)
		i = (i + 1) & (cap - 1);
	v[i] = *e;
	return 0;
}

int jc_nameidx_add(struct jc_nameidx *idx, const char *key, size_t a, size_t b)
{
	const struct jc_nameidx_ent e = { key, a, b };

	if (2 * (idx->n + 1) > idx->cap) { /* keep it at most half full */
		size_t cap = idx->cap ? 2 * idx->cap : 64;
		struct jc_nameidx_ent *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (size_t i = 0; i < idx->cap; i++)
			if (idx->v[i].key)
				put(v, cap, &idx->v[i]);
		free(idx->v);
		idx->v = v;
		idx->cap = cap;
	}
	put(idx->v, idx->cap, &e);
	idx->n++;
	return 0;
}

void jc_nameidx_free(struct jc_nameidx *idx)
{
	free(idx->v);
	idx->v = NULL;
	idx->cap = idx->n = 0;
}
