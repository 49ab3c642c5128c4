/* SPDX-License-Identifier: BSD-3-Clause */
/* jailctl_out.c - what jailctl says: check's findings (errors, warnings,
 * notes, the config's errors sorted by file:line) as text or as one JSON
 * document (`check --json`), and the one JSON string escaper every --json
 * output uses. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jailctl.h"

/* --json: the items go here until out_json_end prints the document. */
static FILE *json_items;
static char *json_buf;
static size_t json_len;
static unsigned json_n;

/* S as a JSON string: quotes, backslashes and control characters escaped
 * (RFC 8259 section 7); other bytes, UTF-8 included, pass through. */
void json_str(FILE *to, const char *s)
{
	fputc('"', to);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(to, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", to);
		else if (*p == '\t')
			fputs("\\t", to);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(to, "\\u%04x", *p);
		else
			fputc(*p, to);
	}
	fputc('"', to);
}

static void say(const char *level, const char *prefix, const char *fmt,
		va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!json_items) {
		printf("%s%s\n", prefix, msg ? msg : "(out of memory)");
	} else {
		fprintf(json_items, "%s\n    {\"level\": \"%s\", \"message\": ",
			json_n++ ? "," : "", level);
		json_str(json_items, msg ? msg : "(out of memory)");
		fputc('}', json_items);
	}
	free(msg);
}

void finding(struct findings *f, const char *fmt, ...)
{
	va_list ap;

	f->n++;
	va_start(ap, fmt);
	say("error", "", fmt, ap);
	va_end(ap);
}

void warning(struct findings *f, const char *fmt, ...)
{
	va_list ap;

	f->warnings++;
	va_start(ap, fmt);
	say("warning", "warning: ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("note", "note: ", fmt, ap);
	va_end(ap);
}

void complain(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("jailctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int out_json_begin(void)
{
	json_items = open_memstream(&json_buf, &json_len);
	return json_items ? 0 : -1;
}

/* The exit status check documents in jailctl(8). */
int check_status(const struct findings *f)
{
	return f->n ? JCTL_FAIL : f->warnings ? JCTL_WARN : JCTL_OK;
}

void out_check_end(const struct findings *f, const struct check_counts *c)
{
	static const char *const result[] = {
		[JCTL_OK] = "ok",
		[JCTL_FAIL] = "errors",
		[JCTL_WARN] = "warnings",
	};
	int st = check_status(f);

	if (!json_items) {
		if (f->n)
			printf("jailctl check: %u problem%s found", f->n,
			       f->n == 1 ? "" : "s");
		else
			printf("jailctl check: %s",
			       f->warnings ? "works, with" : "ok");
		if (!f->n && f->warnings)
			printf(" %u warning%s", f->warnings,
			       f->warnings == 1 ? "" : "s");
		printf(" (%zu file%s, %zu jail%s, %u PAM stack%s with pam_jail)\n",
		       c->files, c->files == 1 ? "" : "s", c->jails,
		       c->jails == 1 ? "" : "s", c->pam_stacks,
		       c->pam_stacks == 1 ? "" : "s");
		return;
	}
	fclose(json_items);
	json_items = NULL;
	printf("{\n  \"result\": \"%s\", \"exit\": %d, \"errors\": %u, "
	       "\"warnings\": %u,\n  \"files\": %zu, \"jails\": %zu, "
	       "\"pam_stacks\": %u,\n  \"findings\": [%s%s]\n}\n",
	       result[st], st, f->n, f->warnings, c->files, c->jails,
	       c->pam_stacks, json_buf ? json_buf : "", json_n ? "\n  " : "");
	free(json_buf);
	json_buf = NULL;
}

/* ---- check: the config's errors ------------------------------------------ */

/* One loader error, where it is and when it was found. */
struct config_error {
	const struct jc_err *e; /* e->path: the file, e->line: 0 when none */
	bool main;		/* in the main file */
	size_t idx;		/* order found */
};

/* The main file first, then the drop-ins (their paths sort as they are
 * read), each by line; the order found breaks ties. */
static int cmp_config_error(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;
	int c;

	if (x->main != y->main)
		return x->main ? -1 : 1;
	c = strcmp(x->e->path, y->e->path);
	if (!c && x->e->line != y->e->line)
		c = x->e->line < y->e->line ? -1 : 1;
	return c ? c : (x->idx < y->idx ? -1 : 1);
}

void report_config(const struct jc_errs *errs, const char *conf,
		   struct findings *f)
{
	struct config_error *v = calloc(errs->n + 1, sizeof(*v));

	for (size_t i = 0; v && i < errs->n; i++)
		v[i] = (struct config_error){
			.e = &errs->v[i],
			.idx = i,
			.main = strcmp(errs->v[i].path, conf) == 0,
		};
	if (v)
		qsort(v, errs->n, sizeof(*v), cmp_config_error);
	for (size_t i = 0; i < errs->n; i++)
		finding(f, "%s", v ? v[i].e->msg : errs->v[i].msg);
	if (errs->dropped)
		finding(f, "... and %zu more config errors", errs->dropped);
	free(v);
}
