/* SPDX-License-Identifier: MIT */
/* strbuf.c - growable text buffer with printf and JSON-string appends. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

void pl_strbuf_init(struct pl_strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void pl_strbuf_deinit(struct pl_strbuf *sb)
{
	free(sb->data);
	pl_strbuf_init(sb);
}

static bool strbuf_reserve(struct pl_strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (sb->len + extra + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			sb->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *data = realloc(sb->data, cap);
	if (!data) {
		sb->failed = true;
		return false;
	}
	sb->data = data;
	sb->cap = cap;
	return true;
}

void pl_strbuf_append(struct pl_strbuf *sb, const char *s, size_t len)
{
	if (!strbuf_reserve(sb, len))
		return;
	memcpy(sb->data + sb->len, s, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
}

void pl_strbuf_printf(struct pl_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at S, or 0 if it is not valid. */
static size_t utf8_seq_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	else if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	static const uint32_t min_cp[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void pl_strbuf_json_string(struct pl_strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	pl_strbuf_append(sb, "\"", 1);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			char esc[2] = { '\\', (char)*p };
			pl_strbuf_append(sb, esc, 2);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			pl_strbuf_printf(sb, "\\u%04x", *p);
			p++;
		} else {
			size_t n = utf8_seq_len(p);
			if (n == 0) {
				pl_strbuf_append(sb, "\\ufffd", 6);
				p++;
			} else {
				pl_strbuf_append(sb, (const char *)p, n);
				p += n;
			}
		}
	}
	pl_strbuf_append(sb, "\"", 1);
}

void pl_strbuf_json_lines(struct pl_strbuf *sb, const char *text)
{
	pl_strbuf_printf(sb, "[");
	for (const char *p = text, *sep = ""; p && *p; sep = ", ") {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);
		if (!line) {
			sb->failed = true;
			break;
		}
		pl_strbuf_printf(sb, "%s", sep);
		pl_strbuf_json_string(sb, line);
		free(line);
		p += len + (p[len] == '\n');
	}
	pl_strbuf_printf(sb, "]");
}

void pl_text_add_line(char **text, const char *fmt, ...)
{
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	if (*text && (*text)[0])
		pl_strbuf_printf(&sb, "%s%s", *text, (*text)[strlen(*text) - 1] == '\n' ? "" : "\n");
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		char *line = malloc((size_t)n + 1);
		if (!line) {
			pl_strbuf_deinit(&sb);
			return;
		}
		va_start(ap, fmt);
		vsnprintf(line, (size_t)n + 1, fmt, ap);
		va_end(ap);
		pl_strbuf_append(&sb, line, (size_t)n);
		free(line);
	}
	char *out = pl_strbuf_finish(&sb, NULL);
	if (out) {
		free(*text);
		*text = out;
	}
}

char *pl_strbuf_finish(struct pl_strbuf *sb, size_t *len_ret)
{
	if (sb->failed) {
		pl_strbuf_deinit(sb);
		return NULL;
	}
	if (!strbuf_reserve(sb, 0)) {
		pl_strbuf_deinit(sb);
		return NULL;
	}
	sb->data[sb->len] = '\0';
	char *out = sb->data;
	if (len_ret)
		*len_ret = sb->len;
	pl_strbuf_init(sb);
	return out;
}
