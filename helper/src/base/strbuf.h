/* SPDX-License-Identifier: MIT */
/* strbuf.h - a growable text buffer for building reports (text and JSON).
 * Appends never fail halfway: on allocation failure the buffer is marked failed
 * and pl_strbuf_finish() reports it once. */
#ifndef PL_STRBUF_H
#define PL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct pl_strbuf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

void pl_strbuf_init(struct pl_strbuf *sb);
void pl_strbuf_deinit(struct pl_strbuf *sb);

/* Append formatted text. */
void pl_strbuf_printf(struct pl_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append LEN bytes. */
void pl_strbuf_append(struct pl_strbuf *sb, const char *s, size_t len);
/* Append S as a JSON string literal, quotes included; invalid UTF-8 bytes become U+FFFD. */
void pl_strbuf_json_string(struct pl_strbuf *sb, const char *s);
/* Append the lines of TEXT (NULL: none) as a JSON array of strings. */
void pl_strbuf_json_lines(struct pl_strbuf *sb, const char *text);

/* Append one formatted line to the heap string *TEXT (NULL means empty; a newline separates
 * lines). On allocation failure *TEXT is left as it was. The way every module gathers warnings. */
void pl_text_add_line(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hand over the NUL-terminated text (caller frees) and reset SB. Returns NULL if any append
 * failed for lack of memory (SB is then freed). */
char *pl_strbuf_finish(struct pl_strbuf *sb, size_t *len_ret);

#endif
