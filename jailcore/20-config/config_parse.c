/* SPDX-License-Identifier: BSD-3-Clause */
/* config_parse.c - stage 3 of loading (config_load.c): iniparser parses
 * the values of the sections the scanner (config_scan.c) accepted.
 *
 * iniparser lower-cases names, forgets line numbers and merges duplicates,
 * which is why the scanner walks the same bytes first; here each file's
 * text, with the lines the scanner refused emptied, is handed to iniparser
 * in chunks of JC_INI_CHUNK sections (config_priv.h says why).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <iniparser/iniparser.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config_priv.h"
#include "jailcore/90-support/cleanup.h"

/* iniparser reports through one global callback and would otherwise write
 * to stderr (which, inside sshd, may be the client's connection).  Keep
 * the first message of the current load; later ones are follow-ups.  Set
 * only around iniparser_load (ini_load_chunk). */
static _Thread_local char ini_msg[256];
static _Thread_local int ini_msg_set;

static int ini_error_cb(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int ini_error_cb(const char *fmt, ...)
{
	va_list ap;

	if (ini_msg_set)
		return 0;
	ini_msg_set = 1;
	va_start(ap, fmt);
	vsnprintf(ini_msg, sizeof(ini_msg), fmt, ap);
	va_end(ap);
	return 0;
}

/* A run of empty lines, squeezed to one (squeeze). */
struct squeezed {
	int at;	     /* the line of the output the run ends before */
	int dropped; /* lines dropped there */
};

/* Past the '\n's from I in TEXT (LEN bytes), eight at a time. */
static size_t run_end(const char *text, size_t i, size_t len)
{
	uint64_t w;

	while (i + 8 <= len &&
	       (memcpy(&w, text + i, 8), w == 0x0a0a0a0a0a0a0a0aULL))
		i += 8;
	while (i < len && text[i] == '\n')
		i++;
	return i;
}

/* TEXT with every run of empty lines cut to one: iniparser reads a login's
 * pruned text (config_cache.c), mostly empty lines, one fgets each.  One
 * is kept, so a '\' continued into the run still ends there.  *RUNS
 * (malloc'd, *N) maps the output's lines back for messages; both stay
 * NULL when nothing was cut, or on failure (-1). */
/* The runs of empty lines squeeze cuts: the "\n\n\n"s that start one. */
static size_t count_runs(const char *text, size_t len)
{
	size_t n = 0, i = 0;
	const char *q;

	while ((q = memmem(text + i, len - i, "\n\n\n", 3))) {
		n++;
		i = run_end(text, (size_t)(q - text) + 2, len);
	}
	return n;
}

static int squeeze(const char *text, size_t len, char **out, size_t *olen,
		   struct squeezed **runs, size_t *n)
{
	size_t i = 0, o = 0, nr = count_runs(text, len);
	struct squeezed *rv;
	char *buf;
	int line = 1;

	*out = NULL;
	*runs = NULL;
	*n = 0;
	if (nr == 0)
		return 0;
	buf = malloc(len + 1);
	rv = calloc(nr, sizeof(*rv));
	if (!buf || !rv) {
		free(buf);
		free(rv);
		return -1;
	}
	for (size_t k = 0; k < nr; k++) {
		const char *q = memmem(text + i, len - i, "\n\n\n", 3);
		size_t keep, end;

		if (!q) { /* count_runs found as many: never */
			nr = k;
			break;
		}
		keep = (size_t)(q - text) + 2;
		end = run_end(text, keep, len);

		memcpy(buf + o, text + i, keep - i);
		o += keep - i;
		line += jc_scan_line_at(text + i, keep - i) - 1;
		rv[k] = (struct squeezed){ line, (int)(end - keep) };
		i = end;
	}
	memcpy(buf + o, text + i, len - i);
	o += len - i;
	buf[o] = '\0';
	*out = buf;
	*olen = o;
	*runs = rv;
	*n = nr;
	return 0;
}

/* The line of TEXT that line LINE of its squeezed copy was. */
static int unsqueezed(int line, const struct squeezed *runs, size_t n)
{
	int add = 0;

	for (size_t i = 0; i < n && runs[i].at <= line; i++)
		add += runs[i].dropped;
	return line + add;
}

/* The scanner refuses everything iniparser would complain about, so this
 * is a backstop; still give the line iniparser names ("... (N)"). */
static int ini_fail(const char *path, int line_offset,
		    const struct squeezed *runs, size_t n_runs,
		    struct jc_err *err)
{
	const char *paren = strrchr(ini_msg, '(');
	int line = paren ? atoi(paren + 1) : 0;
	char v[120];

	if (line > 0)
		line = unsqueezed(line, runs, n_runs) + line_offset;
	if (line > 0 && strstr(ini_msg, "syntax error"))
		return jc_fail_conf(err, 0, path, line,
				    "syntax error (iniparser)");
	if (line > 0 && strstr(ini_msg, "too long"))
		return jc_fail_conf(err, 0, path, line,
				    "line too long (iniparser)");
	ini_msg[strcspn(ini_msg, "\n")] = '\0';
	return jc_fail_conf(err, 0, path, 0, "%s",
			    ini_msg_set ? jc_vis(ini_msg, v, sizeof(v)) :
					  "iniparser could not parse the file");
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ini_load_chunk's part past the memfd FD (the caller's to close). */
static int ini_load_fd(int fd, const char *text, size_t len, const char *path,
		       int first_line, const struct squeezed *runs,
		       size_t n_runs, dictionary **out, struct jc_err *err)
{
	char fdpath[64];

	if (write_all(fd, text, len) < 0)
		return jc_fail_conf(err, errno, path, 0, "writing memfd");
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	ini_msg_set = 0;
	ini_msg[0] = '\0';
	iniparser_set_error_callback(ini_error_cb);
	*out = iniparser_load(fdpath);
	/* The callback is process-wide and libpam may unload pam_jail.so
	 * after pam_end: point it back at iniparser's default (NULL means
	 * that in 4.1 and 4.2; there is no getter to restore another). */
	iniparser_set_error_callback(NULL);
	/* On memory failure iniparser may return a partial dictionary. */
	if (*out && !ini_msg_set)
		return 0;
	if (*out)
		iniparser_freedict(*out);
	*out = NULL;
	return ini_fail(path, first_line - 1, runs, n_runs, err);
}

/* iniparser 4.1 can only load a named file: hand it the very bytes we
 * scanned through an anonymous memfd, so nothing can change in between.
 * FIRST_LINE: the line of TEXT's first line in the file, for messages. */
static int ini_load_chunk(const char *text, size_t len, const char *path,
			  int first_line, dictionary **out, struct jc_err *err)
{
	cleanup_free struct squeezed *runs = NULL;
	cleanup_free char *sq = NULL;
	cleanup_fd int fd = -1;
	size_t n_runs, sq_len = 0;

	*out = NULL;
	if (squeeze(text, len, &sq, &sq_len, &runs, &n_runs) < 0)
		return jc_fail_conf(err, ENOMEM, path, 0, "loading");
	fd = memfd_create("pam_jail.conf", MFD_CLOEXEC);
	if (fd < 0)
		return jc_fail_conf(err, errno, path, 0, "memfd_create");
	return ini_load_fd(fd, sq ? sq : text, sq ? sq_len : len, path,
			   first_line, runs, n_runs, out, err);
}

/* Byte offset in TEXT of the start of LINE (1-based), from FROM, which
 * starts line *AT. */
static size_t line_offset(const char *text, size_t len, size_t from, int *at,
			  int line)
{
	while (*at < line && from < len) {
		const char *nl = memchr(text + from, '\n', len - from);

		if (!nl)
			return len;
		from = (size_t)(nl - text) + 1;
		(*at)++;
	}
	return from;
}

/* -fanalyzer: the dictionaries go to *OUT, the caller's, freed with
 * jc_cfg_ini_free (by loader_free, config_load.c). */
JC_NO_ANALYZER_LEAK_CHECK_BEGIN
int jc_cfg_ini_load(const char *text, size_t len, const struct jc_scan *sc,
		    const char *path, struct jc_ini *out, struct jc_err *err)
{
	size_t chunks = sc->n_secs ? (sc->n_secs - 1) / JC_INI_CHUNK + 1 : 1;
	size_t start = 0;
	int at = 1, start_line = 1;

	out->n = 0;
	out->d = calloc(chunks, sizeof(*out->d));
	if (!out->d)
		return jc_fail_conf(err, ENOMEM, path, 0, "loading");
	for (size_t k = 0; k < chunks; k++) {
		size_t next = sc->n_secs > (k + 1) * JC_INI_CHUNK ?
				      (k + 1) * JC_INI_CHUNK :
				      sc->n_secs;
		/* chunks end where the first section of the next begins */
		size_t end = next < sc->n_secs ?
				     line_offset(text, len, start, &at,
						 sc->secs[next].line) :
				     len;

		if (ini_load_chunk(text + start, end - start, path, start_line,
				   &out->d[k], err) < 0) {
			jc_cfg_ini_free(out);
			return -1;
		}
		out->n++;
		start = end;
		start_line = at;
	}
	return 0;
}
JC_NO_ANALYZER_LEAK_CHECK_END

void jc_cfg_ini_free(struct jc_ini *ini)
{
	for (size_t k = 0; k < ini->n; k++)
		iniparser_freedict(ini->d[k]);
	free(ini->d);
	ini->d = NULL;
	ini->n = 0;
}

/* ---- over the files of one load -------------------------------------- */

/* TEXT with every line the scanner refused emptied (collect mode), so
 * iniparser reads only what the scanner accepted; line numbers stay. */
static char *blanked(const struct jc_cfg_file *f, size_t *len)
{
	char *t = malloc(f->len + 1);
	size_t b = 0, o = 0;
	int line = 1;

	if (!t)
		return NULL;
	for (size_t i = 0; i < f->len; i++) {
		while (b < f->sc.n_blank && f->sc.blank[b] < line)
			b++;
		if (f->text[i] == '\n')
			line++;
		else if (b < f->sc.n_blank && f->sc.blank[b] == line)
			continue;
		t[o++] = f->text[i];
	}
	t[o] = '\0';
	*len = o;
	return t;
}

static int ini_file(struct jc_cfg_loader *L, struct jc_cfg_file *f)
{
	cleanup_free char *blank = NULL;
	size_t len = f->len;

	if (f->sc.n_secs == 0)
		return 0; /* nothing left to look up (a login's load) */
	if (f->sc.n_blank && !(blank = blanked(f, &len)))
		return jc_fail_conf(L->err, ENOMEM, f->path, 0, "loading");
	return jc_cfg_ini_load(blank ? blank : f->text, len, &f->sc, f->path,
			       &f->ini, L->err);
}

int jc_cfg_parse_files(struct jc_cfg_loader *L)
{
	for (size_t i = 0; i < L->n; i++) {
		struct jc_cfg_file *f = &L->f[i];

		if (f->dead || ini_file(L, f) == 0)
			continue;
		if (!jc_cfg_keep_going(L))
			return -1;
		f->dead = true;
		L->incomplete = true;
	}
	return 0;
}
