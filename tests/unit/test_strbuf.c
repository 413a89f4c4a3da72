/* SPDX-License-Identifier: MIT */
/* test_strbuf.c - unit tests of the report text buffer: growth and JSON string escaping. */
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "tap.h"

static char *json(const char *s)
{
	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	pl_strbuf_json_string(&sb, s);
	return pl_strbuf_finish(&sb, NULL);
}

int main(void)
{
	char *s = json("a\"b\\c\n\x01");
	TAP_OK(s && strcmp(s, "\"a\\\"b\\\\c\\u000a\\u0001\"") == 0, "escapes quotes, backslash, controls: %s", s);
	free(s);
	s = json("caf\xc3\xa9 \xe2\x82\xac");
	TAP_OK(s && strcmp(s, "\"caf\xc3\xa9 \xe2\x82\xac\"") == 0, "keeps valid UTF-8");
	free(s);
	s = json("bad\xff\xc3(");
	TAP_OK(s && strcmp(s, "\"bad\\ufffd\\ufffd(\"") == 0, "replaces invalid UTF-8: %s", s);
	free(s);
	s = json("\xed\xa0\x80");
	TAP_OK(s && strcmp(s, "\"\\ufffd\\ufffd\\ufffd\"") == 0, "rejects encoded surrogates: %s", s);
	free(s);

	struct pl_strbuf sb;
	pl_strbuf_init(&sb);
	for (int i = 0; i < 10000; i++)
		pl_strbuf_printf(&sb, "%d,", i);
	size_t len;
	s = pl_strbuf_finish(&sb, &len);
	TAP_OK(s && len == strlen(s) && strncmp(s, "0,1,2,", 6) == 0 &&
		       strcmp(s + len - 5, "9999,") == 0, "grows past many reallocations (%zu bytes)", len);
	free(s);
	TAP_OK(sb.data == NULL && sb.len == 0, "finish resets the buffer");

	char *text = NULL;
	pl_text_add_line(&text, "first %d", 1);
	pl_text_add_line(&text, "second");
	TAP_OK(text && strcmp(text, "first 1\nsecond") == 0, "text lines are joined by newlines");
	free(text);
	text = strdup("ends with newline\n");
	pl_text_add_line(&text, "next");
	TAP_OK(text && strcmp(text, "ends with newline\nnext") == 0, "no blank line after a newline");
	free(text);
	return tap_done();
}
