/* SPDX-License-Identifier: BSD-3-Clause */
/* config_priv.h - internals shared by the stages of loading a config
 * (config_load.c lists them) and config_match.c.  Nothing outside
 * config*.c uses it, except the unit tests that reach into a stage.
 *
 * config_scan.c: iniparser parses the values, but it lower-cases section
 * and key names, forgets line numbers and silently merges duplicates.  This
 * scanner walks
 * the same bytes first, assembling lines exactly as iniparser 4.1 does
 * (trailing '\' joins lines, 1022-character limit), and records every
 * section header and key with its original spelling and line.  It is also
 * where structural errors are found, in file order: NUL bytes, overlong
 * lines, syntax errors, unknown sections and keys, bad section names, and
 * duplicate sections or keys.  It is stricter than iniparser wherever
 * iniparser would silently ignore text, so nothing it accepts can mean
 * something else to iniparser.
 */
#ifndef JAILCORE_CONFIG_PRIV_H
#define JAILCORE_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "config.h"
#include "jailcore/90-support/err.h"

/* Longest logical line iniparser 4.1 accepts (ASCIILINESZ 1024 minus the
 * newline and the terminating NUL). */
#define JC_SCAN_LINE_MAX 1022

#define JC_JAIL_NAME_MAX 64
#define JC_ACCOUNT_NAME_MAX 256

enum jc_sec_kind {
	JC_SEC_GLOBAL,
	JC_SEC_JAIL,
	JC_SEC_USER,
	JC_SEC_GROUP,
};

/* Key ids: enum jc_jail_key for [jail:...]; 0 for the only key of the
 * other kinds ("default" in [global], "jail" in [user:]/[group:]). */
#define JC_SK_ONLY 0

struct jc_scan_key {
	char *name; /* as spelled in the file */
	int id;	    /* see above */
	int line;
};

struct jc_scan_sec {
	enum jc_sec_kind kind;
	char *text;	  /* between the brackets, stripped: "jail:Web" */
	const char *name; /* the part after the prefix, inside text */
	int line;
	struct jc_scan_key *keys;
	size_t n_keys;
	size_t cap_keys;
};

/* Section names folded to lower case (as iniparser folds them), hashed:
 * finding an earlier definition must not be quadratic in the number of
 * sections -- 10,000 users is 10,000 sections. */
struct jc_nameidx {
	struct jc_nameidx_ent {
		const char *key; /* not owned; stays valid while indexed */
		size_t a, b;	 /* the caller's: file and section */
	} * v;
	size_t cap, n; /* cap: a power of two, or 0 */
};

/* 1 and *A, *B when KEY (case-insensitively) is in IDX, else 0. */
int jc_nameidx_find(const struct jc_nameidx *idx, const char *key, size_t *a,
		    size_t *b);
JC_MUST_CHECK
int jc_nameidx_add(struct jc_nameidx *idx, const char *key, size_t a, size_t b);
void jc_nameidx_free(struct jc_nameidx *idx);
/* `cleanup_nameidx struct jc_nameidx idx = { 0 };` (90-support/cleanup.h) */
#define cleanup_nameidx __attribute__((cleanup(jc_nameidx_free)))

struct jc_scan {
	struct jc_scan_sec *secs;
	size_t n_secs;
	size_t cap_secs;
	/* collect mode: physical lines (ascending) the scanner refused or
	 * skipped; config_parse.c blanks them before iniparser reads the text */
	int *blank;
	size_t n_blank;
	size_t cap_blank;
	struct jc_nameidx names; /* the section texts, for duplicates */
};

/* Scan TEXT (LEN bytes, may hold NULs, which are refused).  PATH is used in
 * messages.  On error *SC is left empty. */
JC_MUST_CHECK
int jc_scan_text(const char *text, size_t len, const char *path,
		 struct jc_scan *sc, struct jc_err *err);

/* Errors found so far, for jc_config_check's collect mode: record *ERR
 * (then cleared) in ERRS and return 1 to go on; 0 when ERRS is NULL (stop
 * at this error) or the error was running out of memory (kind
 * JC_ERR_NOMEM, also set here when ERRS cannot grow). */
JC_MUST_CHECK
int jc_errs_collect(struct jc_errs *errs, struct jc_err *err);

/* How jc_scan_run scans one file. */
struct jc_scan_opts {
	struct jc_errs *errs; /* non-NULL: collect mode (see config.h) */
	int allow_empty;      /* a file with no section is fine (drop-ins) */
};

/* jc_scan_text with options.  In collect mode a refused line is recorded
 * in ERRS and in SC->blank, and scanning goes on: a refused section header
 * skips (and blanks) its keys up to the next good header; SC keeps what
 * was accepted, and -1 says that something was refused. */
JC_MUST_CHECK
int jc_scan_run(const char *text, size_t len, const char *path,
		const struct jc_scan_opts *o, struct jc_scan *sc,
		struct jc_err *err);

void jc_scan_free(struct jc_scan *sc);

/* Add physical lines FIRST..LAST to SC's lines to blank (collect mode, and
 * the sections a login skips).  -1 when memory runs out. */
JC_MUST_CHECK
int jc_scan_blank(struct jc_scan *sc, int first, int last);

/* The line number (from 1) of byte OFF of TEXT; of TEXT's end, its number
 * of lines. */
int jc_scan_line_at(const char *text, size_t off);

/* The canonical (lower-case) name of key ID in a section of KIND. */
const char *jc_scan_key_name(enum jc_sec_kind kind, int id);

/* ---- config_values.c: one value of a [jail:...] key ------------------ */

struct _dictionary_; /* iniparser's dictionary */

/* iniparser's dictionaries of one file, one per JC_INI_CHUNK sections:
 * iniparser 4.1 stores and looks keys up by a linear scan, so one
 * dictionary for a 10,000-user file made every login quadratic (0.6 s). */
#define JC_INI_CHUNK 64
struct jc_ini {
	struct _dictionary_ **d; /* chunk k: sections k*JC_INI_CHUNK... */
	size_t n;
};

/* What every validation step needs to report "PATH:LINE: ...". */
struct jc_cfg_ctx {
	const char *path;
	struct jc_err *err;
	const struct jc_ini *ini; /* config_build.c only */
	const struct jc_scan *sc; /* config_build.c only: sections of ini */
	struct jc_errs *errs;	  /* config_build.c only: collect mode */
};

/* ---- config_read.c: the drop-in directory ----------------------------- */

/* Open DIR and admit it (root's, closed to others); *DFD -1 when DIR does
 * not exist.  *ID (NULL: not wanted) records which (config_cache.c). */
struct jc_cfg_dirid;
JC_MUST_CHECK
int jc_cfg_open_dropin_dir(const char *dir, int *dfd, struct jc_cfg_dirid *id,
			   struct jc_err *err);
/* The *.conf names of DFD (not dotfiles), sorted in C order. */
JC_MUST_CHECK
int jc_cfg_list_dropins(int dfd, const char *dir, char ***out, size_t *n,
			struct jc_err *err);

/* ---- config_parse.c, config_build.c: one file's sections -> the model - */

/* Parse TEXT, whose sections SC found, with iniparser, JC_INI_CHUNK
 * sections at a time (through memfds: iniparser 4.1 only reads named
 * files).  PATH is used in messages. */
JC_MUST_CHECK
int jc_cfg_ini_load(const char *text, size_t len, const struct jc_scan *sc,
		    const char *path, struct jc_ini *out, struct jc_err *err);
void jc_cfg_ini_free(struct jc_ini *ini);

/* Room in CFG for N[kind] sections of each enum jc_sec_kind. */
JC_MUST_CHECK
int jc_cfg_alloc_model(const struct jc_cfg_ctx *c, const size_t n[4],
		       struct jc_config *cfg);

/* Build SEC (of FILE, a string CFG owns) into the next slot of CFG.  In
 * collect mode (C->errs) a failure is recorded and 0 returned. */
JC_MUST_CHECK
int jc_cfg_build_section(const struct jc_cfg_ctx *c,
			 const struct jc_scan_sec *sec, struct jc_config *cfg,
			 const char *file);

/* Check that the jails named by the rules and default of one file's scan
 * SC exist in CFG.  *U and *G: rules of CFG already checked (files
 * before this one). */
JC_MUST_CHECK
int jc_cfg_check_refs(const struct jc_cfg_ctx *c, const struct jc_scan *sc,
		      const struct jc_config *cfg, size_t *u, size_t *g);

/* ---- config_values.c ---------------------------------------------------- */

/* Validate VAL (from line LINE) for key ID (enum jc_jail_key) and store it
 * in J. */
JC_MUST_CHECK
int jc_cfg_jail_value(const struct jc_cfg_ctx *c, struct jc_jail *j, int id,
		      int line, const char *val);

/* Rules between keys of one [jail:...], checked once all its keys are
 * in J (the seccomp keys for now). */
JC_MUST_CHECK
int jc_cfg_jail_check(const struct jc_cfg_ctx *c, struct jc_jail *j);
/* config_limits.c: share, persist, netns, tmpfs_inodes, devpts, pty_max,
 * rlimit_*, pids_max, memory_max, cpu_max, limits_required. */
void jc_cfg_limits_defaults(struct jc_jail *j);
JC_MUST_CHECK
int jc_cfg_limits_value(const struct jc_cfg_ctx *c, struct jc_jail *j, int id,
			int line, const char *val);
JC_MUST_CHECK
int jc_cfg_limits_check(const struct jc_cfg_ctx *c, struct jc_jail *j);
void jc_cfg_limits_free(struct jc_jail *j);
/* LIST of capability names (JC_ROOT_CAPS_ALLOWED only) -> mask; on error
 * the offending word is copied to BAD. */
JC_MUST_CHECK
int jc_cfg_caps(const char *list, unsigned long long *mask, char *bad,
		size_t badsz);

/* Check a template's %-tokens at load time, so a typo is reported with its
 * line instead of failing somebody's login. */
JC_MUST_CHECK
int jc_cfg_check_tokens(const struct jc_cfg_ctx *c, const char *key, int line,
			const char *tmpl);

JC_MUST_CHECK
int jc_cfg_strdup(const struct jc_cfg_ctx *c, const char *s, char **out);
JC_MUST_CHECK
int jc_cfg_yes_no(const char *val, bool *out);

/* Does path P have a ".." component? */
int jc_cfg_has_dotdot(const char *p);

/* ---- config_cache.c: the section index of a validated config ---------- */

#define JC_CONF_CACHE_DIR "/run/pam_jail"

/* What identifies a file's content without reading it. */
struct jc_cfg_ident {
	bool valid;
	uint64_t dev, ino;
	int64_t size, mtime_s, mtime_ns, ctime_s, ctime_ns;
};

/* One file of a config as the index knows it. */
struct jc_cfg_cached {
	const char *path;
	struct jc_cfg_ident id;
	int lines;		  /* physical lines: '\n's + 1 */
	const struct jc_scan *sc; /* its scan (store only) */
	const char *text;	  /* its bytes (store only) */
	size_t len;
};

struct jc_cfg_range {
	int from, to;	   /* physical lines [from, to) */
	size_t bfrom, bto; /* the same, in bytes */
};

/* A lookup that matched, per file: the line ranges every login keeps
 * (outside all [user:] sections) and the range of the user's own rule. */
struct jc_cfg_hit {
	char *buf; /* the index, mapped (LEN bytes) */
	size_t len;
	struct jc_cfg_hit_file {
		int lines;
		size_t secs, users; /* all sections, [user:] sections */
		size_t n;	    /* keep[] */
		struct jc_cfg_range *keep;
		bool has_user;
		struct jc_cfg_range user;
	} * files;
	size_t n;
	bool racy; /* drafted too soon after a change ("Q racy") */
};

void jc_cfg_ident_of(const struct stat *st, struct jc_cfg_ident *id);
/* 1 with *HIT (for USER) when DIR holds an index of exactly the N files
 * F (paths, identities, line counts, in order), else 0. */
JC_MUST_CHECK
int jc_cfg_cache_lookup(const char *dir, size_t n,
			const struct jc_cfg_cached *f, const char *user,
			struct jc_cfg_hit *hit);
void jc_cfg_hit_free(struct jc_cfg_hit *hit);
/* *TEXT with every line outside H's kept ranges and the user's own rule
 * emptied (the newlines kept: line numbers stay), as only_user_file would
 * leave the other users' rules.  The ranges' byte offsets say where: the
 * other users' rules are never looked at.  1 (TEXT untouched) when they
 * do not fit TEXT, -1 out of memory. */
JC_MUST_CHECK
int jc_cfg_prune(char **text, size_t *len, const struct jc_cfg_hit_file *h);
/* The drop-in directory of a load as the index records it: absent, or
 * its identity (a file added, removed or renamed in it changes its mtime
 * and ctime).  SEEN: the load looked (a login's load always does). */
struct jc_cfg_dirid {
	bool seen, absent;
	struct jc_cfg_ident id;
	const char *path;
};

/* An index drafted after a full scan without an error, written only once
 * the whole load has succeeded (jc_cfg_cache_commit): BODY is everything
 * after the "Q" line -- the quick block (QUICK_LEN bytes: the directory,
 * each file's identity, every [user:] name sorted) then each file's
 * section ranges. */
struct jc_cfg_draft {
	char *body;
	size_t len, quick_len, n_files, n_names;
};

/* Draft the index of the N files F, scanned without an error, and D. */
int jc_cfg_cache_draft(size_t n, const struct jc_cfg_cached *f,
		       const struct jc_cfg_dirid *d, struct jc_cfg_draft *out);
/* Write DR as the index of MAIN_PATH in DIR, best effort.  VERDICT is
 * what config_quick.c may conclude: "yes" (default none, no [group:] rule
 * names a jail: no [user:] rule means not jailed), "no", or "racy" (a
 * file changed too recently for its timestamps to tell a later change). */
void jc_cfg_cache_commit(const char *dir, const char *main_path,
			 const struct jc_cfg_draft *dr, const char *verdict);
void jc_cfg_draft_free(struct jc_cfg_draft *dr);
/* The index of MAIN_PATH in DIR (root's, 0600, at most MAX bytes),
 * mmap'ed MAP_PRIVATE with PROT (*LEN bytes); NULL when there is none
 * (config_quick.c). */
char *jc_cfg_map_index(const char *dir, const char *main_path, int prot,
		       size_t max, size_t *len);
/* The index's file name in its directory (conf-HASH.idx). */
void jc_cfg_index_name(const char *main_path, char *out, size_t size);
#define JC_CFG_INDEX_MAGIC "pam_jail config index 3\n"
/* Seconds a change must be old before the index vouches for the files
 * by their timestamps (which the kernel takes from a coarse clock: two
 * writes within one tick can leave the same mtime and ctime). */
#define JC_CFG_RACY_S 2

/* ---- one load, stage by stage (config_load.c drives them) ----------- */

/* One file of a load: its bytes and what each stage made of them. */
struct jc_cfg_file {
	char *path; /* for messages; the model keeps a copy */
	char *text;
	size_t len;
	int lines;		/* physical: '\n's + 1 (a login's load: -1
				   until jc_cfg_use_index knows) */
	struct jc_cfg_ident id; /* for the section index (config_cache.c) */
	struct jc_scan sc;
	struct jc_ini ini;
	bool dead; /* collect mode: unusable, its sections ignored */
};

/* The files of one load and how it goes on after an error. */
struct jc_cfg_loader {
	struct jc_cfg_file *f;
	size_t n, cap;
	struct jc_errs *errs; /* NULL: the first error ends the load */
	struct jc_err *err;
	bool incomplete;	 /* collect mode: a file was not used at all */
	const char *only_user;	 /* a login's load: see jc_config_load_for */
	const char *cache_dir;	 /* the section index's, or NULL */
	bool cached;		 /* the index matched: others' rules emptied */
	struct jc_cfg_dirid dir; /* the drop-in directory (config_read.c) */
	struct jc_cfg_draft draft; /* the index, until the load succeeds */
};

/* Stop (strict mode, out of memory) or record and go on. */
JC_MUST_CHECK
static inline int jc_cfg_keep_going(struct jc_cfg_loader *L)
{
	return jc_errs_collect(L->errs, L->err);
}

/* 1. config_read.c: NAME relative to DIRFD (or AT_FDCWD), shown as PATH
 * in messages, appended to L; and the drop-ins of DIR. */
struct jc_cfg_file *jc_cfg_add_file(struct jc_cfg_loader *L, const char *path);
JC_MUST_CHECK
int jc_cfg_read_file(struct jc_cfg_loader *L, int dirfd, const char *name,
		     const char *path);
JC_MUST_CHECK
int jc_cfg_read_dropins(struct jc_cfg_loader *L, const char *dir);

/* (a login's load) config_cache.c: the other users' rules emptied before
 * the scan when the index knows the files; the index written after a
 * full scan without an error. */
JC_MUST_CHECK
int jc_cfg_use_index(struct jc_cfg_loader *L);
void jc_cfg_store_index(struct jc_cfg_loader *L);
void jc_cfg_commit_index(struct jc_cfg_loader *L, const struct jc_config *cfg);

/* 2. config_scan.c scans each file (jc_scan_run); config_sections.c:
 * over all files, a section defined twice, and a login's own rule. */
JC_MUST_CHECK
int jc_cfg_scan_files(struct jc_cfg_loader *L);
JC_MUST_CHECK
int jc_cfg_check_dups(struct jc_cfg_loader *L);
JC_MUST_CHECK
int jc_cfg_only_user(struct jc_cfg_loader *L);

/* 3. config_parse.c: iniparser over each file's accepted lines. */
JC_MUST_CHECK
int jc_cfg_parse_files(struct jc_cfg_loader *L);

/* 4. config_build.c: the model, each value validated by config_values.c
 * and config_limits.c, then the jail references. */
JC_MUST_CHECK
int jc_cfg_new_model(struct jc_cfg_loader *L, struct jc_config **out);
JC_MUST_CHECK
int jc_cfg_build_model(struct jc_cfg_loader *L, struct jc_config *cfg);

#endif
