/* test-markdown.c: kbc_markdown_to_markup() on what a server could send
 *
 * Every result must also be markup Pango accepts (its links, which GtkLabel
 * handles before Pango, taken out first), so a label never refuses one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-markdown.h"

#include <pango/pango.h>
#include <string.h>

/* Renders @markdown and checks that Pango takes the result. */
static char *
render (const char *markdown, char **plain)
{
  g_autoptr (GRegex) links = g_regex_new ("<a href=\"[^\"]*\">|</a>", 0, 0, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *without_links = NULL;
  g_autofree char *pango_text = NULL;
  char *markup = kbc_markdown_to_markup (markdown, plain);

  g_assert_nonnull (markup);
  g_assert_true (g_utf8_validate (markup, -1, NULL));
  without_links = g_regex_replace_literal (links, markup, -1, 0, "", 0, NULL);
  if (!pango_parse_markup (without_links, -1, 0, NULL, &pango_text, NULL, &error))
    g_error ("not Pango markup: %s\n%s", error->message, markup);
  if (plain != NULL)
    g_assert_true (g_utf8_validate (*plain, -1, NULL));
  return markup;
}

static void
assert_renders (const char *markdown, const char *expected)
{
  g_autofree char *markup = render (markdown, NULL);

  g_assert_cmpstr (markup, ==, expected);
}

static void
test_spans (void)
{
  assert_renders ("", "");
  assert_renders ("Hello", "Hello");
  assert_renders ("*a* **b** `c` ~~d~~ _e_", "<i>a</i> <b>b</b> <tt>c</tt> <s>d</s> <i>e</i>");
  assert_renders ("**bold *and italic* too**", "<b>bold <i>and italic</i> too</b>");
  assert_renders ("`<b>` & co", "<tt>&lt;b&gt;</tt> &amp; co");
  assert_renders ("a\nb", "a b");
  assert_renders ("a  \nb", "a\nb");
  assert_renders ("p1\n\np2", "p1\n\np2");
  assert_renders ("# Title\ntext", "<b>Title</b>\n\ntext");
  assert_renders ("```\n<x> & y\nz\n```\nafter", "<tt>&lt;x&gt; &amp; y\nz</tt>\n\nafter");
  assert_renders ("```\n```", "<tt></tt>");
  assert_renders ("before\n\n---\n\nafter", "before\n\n―――\n\nafter");
  assert_renders ("> quoted", "quoted");
  assert_renders ("![alt *x*](https://example.com/a.png)", "alt <i>x</i>");
}

static void
test_html (void)
{
  /* Raw HTML is text: escaped, never a tag. */
  assert_renders ("<b>bold</b> & <i>x</i>", "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt;");
  assert_renders ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
  assert_renders ("<div onclick=\"x()\">\nhi\n</div>",
                  "&lt;div onclick=&quot;x()&quot;&gt; hi &lt;/div&gt;");
  assert_renders ("<span foreground=\"red\">red</span>",
                  "&lt;span foreground=&quot;red&quot;&gt;red&lt;/span&gt;");
  assert_renders ("<!-- comment -->", "&lt;!-- comment --&gt;");
  assert_renders ("<a href=\"https://e.example\">x</a>",
                  "&lt;a href=&quot;https://e.example&quot;&gt;x&lt;/a&gt;");
}

static void
test_unbalanced (void)
{
  /* What markdown leaves open is text; the markup stays balanced. */
  assert_renders ("**bold *both", "**bold *both");
  assert_renders ("*a **b* c**", "<i>a <i><i>b</i> c</i></i>");
  assert_renders ("<b>unclosed", "&lt;b&gt;unclosed");
  assert_renders ("[unclosed link(https://a.example",
                  "[unclosed link(<a href=\"https://a.example\">https://a.example</a>");
  assert_renders ("`code", "`code");
  assert_renders ("</i></b>", "&lt;/i&gt;&lt;/b&gt;");
}

static void
test_links (void)
{
  g_autofree char *quoted = NULL;

  assert_renders ("[Status](https://status.keboola.com/)",
                  "<a href=\"https://status.keboola.com/\">Status</a>");
  assert_renders ("[plain](http://example.com)", "<a href=\"http://example.com\">plain</a>");
  assert_renders ("[**bold** link](https://a.example)",
                  "<a href=\"https://a.example\"><b>bold</b> link</a>");
  assert_renders ("see https://example.com/path now",
                  "see <a href=\"https://example.com/path\">https://example.com/path</a> now");
  assert_renders ("<https://example.com>",
                  "<a href=\"https://example.com\">https://example.com</a>");

  /* Only web links with a host. */
  assert_renders ("[click](javascript:alert(1))", "click");
  assert_renders ("[click](JaVaScRiPt:alert(1))", "click");
  assert_renders ("<javascript:alert(1)>", "javascript:alert(1)");
  assert_renders ("[x](data:text/html,<script>alert(1)</script>)", "x");
  assert_renders ("[x](vbscript:msgbox)", "x");
  assert_renders ("[x](/relative/path)", "x");
  assert_renders ("[x](https://)", "x");
  assert_renders ("[m](mailto:a@example.com)", "m");
  assert_renders ("[x](file:///etc/passwd)", "x");
  /* A line break smuggled in through an entity. */
  assert_renders ("[x](https://a.example/&#10;b)", "x");

  /* What the href holds is escaped in the attribute. */
  quoted = render ("[q](https://x.example/?a=1&b=\"2\"&c='3')", NULL);
  g_assert_cmpstr (
      quoted, ==,
      "<a href=\"https://x.example/?a=1&amp;b=&quot;2&quot;&amp;c=&apos;3&apos;\">q</a>");
}

static void
test_lists (void)
{
  assert_renders ("- a\n- b\n  - c\n- d\n\n1. one\n2. two\n\nafter",
                  "• a\n• b\n    • c\n• d\n\n1. one\n2. two\n\nafter");
  assert_renders ("3. three\n4. four", "3. three\n4. four");
  assert_renders ("intro\n\n- *x*\n- [y](https://y.example)",
                  "intro\n\n• <i>x</i>\n• <a href=\"https://y.example\">y</a>");
  /* A loose list: paragraphs in items, one item a line still. */
  assert_renders ("- a\n\n- b", "• a\n• b");
}

static void
test_entities (void)
{
  assert_renders ("&copy; &#169; &#x1F600; &amp; &lt;", "© © 😀 &amp; &lt;");
  assert_renders ("&bogus; &#0; &#xD800;", "&amp;bogus; \uFFFD \uFFFD");
}

static void
test_plain_text (void)
{
  g_autofree char *plain = NULL;
  g_autofree char *markup = render ("**b** [l](https://x.example) <i>\n\n- one", &plain);

  g_assert_cmpstr (markup, ==, "<b>b</b> <a href=\"https://x.example\">l</a> &lt;i&gt;\n\n• one");
  g_assert_cmpstr (plain, ==, "b l <i>\n\n• one");
}

/* A long word (a URL, a hash) can break in a narrow window: zero-width
 * spaces in the markup, none in the plain text. */
static void
test_long_words (void)
{
  g_autofree char *word = g_strnfill (100, 'x');
  g_autofree char *plain = NULL;
  g_autofree char *markup = render (word, &plain);
  g_auto (GStrv) pieces = g_strsplit (markup, "\u200B", -1);
  g_autofree char *joined = g_strjoinv ("", pieces);
  g_autofree char *link = render ("see https://status.keboola.com/incidents/"
                                  "0123456789abcdefghijklmnopqrstuvwxyz now",
                                  NULL);

  g_assert_cmpstr (plain, ==, word);
  g_assert_cmpuint (g_strv_length (pieces), ==, 4);
  for (guint i = 0; pieces[i] != NULL; i++)
    g_assert_cmpuint (strlen (pieces[i]), <=, 30);
  g_assert_cmpstr (joined, ==, word);

  /* In a link's text, never in its address. */
  g_assert_nonnull (strstr (link, "href=\"https://status.keboola.com/incidents/"
                                  "0123456789abcdefghijklmnopqrstuvwxyz\""));
  g_assert_nonnull (strstr (link, "\u200B"));

  /* Short words and spaced text stay as they are. */
  assert_renders ("a sentence of many short words that goes on and on and on",
                  "a sentence of many short words that goes on and on and on");
}

static void
test_bad_input (void)
{
  g_autofree char *null_markup = render (NULL, NULL);
  g_autofree char *invalid = render ("caf\xc3 \xff\xfe ok", NULL);

  g_assert_cmpstr (null_markup, ==, "");
  g_assert_true (g_str_has_suffix (invalid, " ok"));
}

static void
test_long_input (void)
{
  static const char *const units[] = {
    "*[", "**a", "[x](https://a.example) ", "<b>", "- ", "1. ", "> ", "`", "&amp;", "é", "\n\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      g_autoptr (GString) input = g_string_new (NULL);
      g_autofree char *markup = NULL;
      g_autofree char *plain = NULL;

      /* A megabyte of each: cut to KBC_MARKDOWN_MAX_INPUT, still well-formed. */
      while (input->len < 1024 * 1024)
        g_string_append (input, units[i]);
      markup = render (input->str, &plain);
      /* The text is cut too: an input of short lines or list items gives
       * a longer one. */
      g_assert_cmpuint (strlen (plain), <=, 2 * KBC_MARKDOWN_MAX_INPUT + strlen ("…"));
      g_assert_cmpuint (strlen (markup), <=, 16 * KBC_MARKDOWN_MAX_INPUT);
      /* Backticks open a fence whose info string is the "…". */
      if (!g_str_equal (units[i], "\n\n") && !g_str_equal (units[i], "`"))
        g_assert_true (g_str_has_suffix (plain, "…"));
    }

  /* Deep nesting. */
  {
    g_autofree char *open = g_strnfill (50000, '[');
    g_autofree char *quotes = g_strnfill (5000, '>');
    g_autofree char *markup = render (open, NULL);
    g_autofree char *quoted = render (quotes, NULL);

    g_assert_cmpuint (strlen (markup), >=, 50000);
  }
}

/* md4c 0.4.8 leaves a span it never entered in this text (the
 * notifications fuzz target found it; corpus/notifications/unmatched-leave.json):
 * the renderer read before its stack of open tags. */
static void
test_unmatched_leave (void)
{
  static const char message[] =
      " Younsn guide](https://help.keboola.com/transfor*ations/) "
      "for++++++++++++++++++++++++++++++++++++++++++++++++in **Account & Secyt*iru*.";
  g_autofree char *plain = NULL;
  g_autofree char *markup = render (message, &plain);

  g_assert_nonnull (strstr (plain, "Account & Secyt"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/markdown/spans", test_spans);
  g_test_add_func ("/kbc/markdown/html", test_html);
  g_test_add_func ("/kbc/markdown/unbalanced", test_unbalanced);
  g_test_add_func ("/kbc/markdown/links", test_links);
  g_test_add_func ("/kbc/markdown/lists", test_lists);
  g_test_add_func ("/kbc/markdown/entities", test_entities);
  g_test_add_func ("/kbc/markdown/plain-text", test_plain_text);
  g_test_add_func ("/kbc/markdown/long-words", test_long_words);
  g_test_add_func ("/kbc/markdown/bad-input", test_bad_input);
  g_test_add_func ("/kbc/markdown/long-input", test_long_input);
  g_test_add_func ("/kbc/markdown/unmatched-leave", test_unmatched_leave);

  return g_test_run ();
}
