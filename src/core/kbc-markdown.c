/* kbc-markdown.c: markdown from the server as Pango markup for a GtkLabel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * md4c parses; the callbacks below write two strings at once, the markup
 * and the plain text. Every piece of the input reaches the markup through
 * g_markup_escape_text(), and the only tags written are our own, opened and
 * closed in the order md4c enters and leaves blocks and spans, so the
 * result is well-formed by construction; a final check with GMarkup makes
 * sure of it anyway.
 */
#include "config.h"

#include "kbc-markdown.h"

#include <md4c.h>
#include <string.h>

#define PARSER_FLAGS (MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_STRIKETHROUGH)
#define BULLET       "•"
#define RULE         "―――"
#define INDENT       "    "
/* Deeper lists indent no further: "- - - …" nests without end. */
#define MAX_INDENTS 4
/* A word longer than this (a URL, a hash) gets a zero-width space every so
 * many characters in the markup, so that a label wrapping at words can
 * still break it in a narrow window. */
#define MAX_UNBROKEN 30
#define BREAK        "\u200B"

typedef struct
{
  gboolean ordered;
  unsigned next;
} List;

typedef struct
{
  GString *markup;
  GString *text;
  GArray *lists;    /* List, innermost last */
  GArray *tags;     /* per open tag: the closing tag to write, or NULL */
  guint pending;    /* line breaks owed before the next content */
  gboolean full;    /* the text is long enough: what follows is left out */
  guint unbroken;   /* characters since the last space, across pieces */
  gsize code_start; /* where the text of the open code block starts */
} Renderer;

/* ---- output ---- */

/* @text with a break opportunity in every run of MAX_UNBROKEN characters
 * without a space. */
static char *
with_breaks (Renderer *self, const char *text, gsize size)
{
  GString *out = g_string_sized_new (size);

  for (const char *p = text; p < text + size; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        self->unbroken = 0;
      else if (++self->unbroken > MAX_UNBROKEN)
        {
          g_string_append (out, BREAK);
          self->unbroken = 1;
        }
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static void
append_escaped (Renderer *self, const char *text, gsize size)
{
  g_autofree char *escaped = NULL;
  g_autofree char *breakable = NULL;

  if (self->full)
    return;

  breakable = with_breaks (self, text, size);
  escaped = g_markup_escape_text (breakable, -1);
  g_string_append (self->markup, escaped);
  g_string_append_len (self->text, text, (gssize) size);
  if (self->text->len >= KBC_MARKDOWN_MAX_INPUT)
    {
      /* A long list or many lines grow the text beyond the input. */
      self->full = TRUE;
      g_string_append (self->markup, "…");
      g_string_append (self->text, "…");
    }
}

/* Opens @open (its closing tag @close) unless the text is full; every open
 * is matched by one close_tag(). */
static void
open_tag (Renderer *self, const char *open, const char *close)
{
  const char *closing = self->full ? NULL : close;

  if (!self->full)
    g_string_append (self->markup, open);
  g_array_append_val (self->tags, closing);
}

static void
close_tag (Renderer *self)
{
  const char *closing;

  /* md4c 0.4.8 can leave a span it never entered (found by the
   * notifications fuzz target; test-markdown's /kbc/markdown/unmatched-leave):
   * nothing to close then, and is_well_formed() checks the result. */
  if (self->tags->len == 0)
    return;

  closing = g_array_index (self->tags, const char *, self->tags->len - 1);
  if (closing != NULL)
    g_string_append (self->markup, closing);
  g_array_set_size (self->tags, self->tags->len - 1);
}

/* Pays the line breaks owed (none at the very start). */
static void
flush (Renderer *self)
{
  if (self->text->len > 0)
    for (guint i = 0; i < self->pending; i++)
      {
        g_string_append_c (self->markup, '\n');
        g_string_append_c (self->text, '\n');
      }
  self->pending = 0;
}

static void
owe (Renderer *self, guint breaks)
{
  self->pending = MAX (self->pending, breaks);
}

/* Between blocks: an empty line, or one break inside a list. */
static guint
block_gap (Renderer *self)
{
  return self->lists->len > 0 ? 1 : 2;
}

/* ---- entities ---- */

static const struct
{
  const char *name;
  const char *utf8;
} entities[] = {
  { "amp", "&" },       { "lt", "<" },    { "gt", ">" },     { "quot", "\"" }, { "apos", "'" },
  { "nbsp", "\u00a0" }, { "copy", "©" },  { "reg", "®" },    { "trade", "™" }, { "hellip", "…" },
  { "mdash", "—" },     { "ndash", "–" }, { "lsquo", "‘" },  { "rsquo", "’" }, { "ldquo", "“" },
  { "rdquo", "”" },     { "bull", "•" },  { "middot", "·" }, { "euro", "€" },  { "times", "×" },
};

/* "&name;", "&#123;" or "&#x7b;" as UTF-8, into @out; FALSE for one we do
 * not know (shown as written). */
static gboolean
decode_entity (const char *entity, gsize size, GString *out)
{
  g_autofree char *inner = NULL;

  if (size < 3 || entity[0] != '&' || entity[size - 1] != ';')
    return FALSE;
  inner = g_strndup (entity + 1, size - 2);

  if (inner[0] == '#')
    {
      gboolean hex = inner[1] == 'x' || inner[1] == 'X';
      const char *digits = inner + (hex ? 2 : 1);
      guint64 value = 0;

      if (*digits == '\0' ||
          !g_ascii_string_to_unsigned (digits, hex ? 16 : 10, 0, 0x10FFFF, &value, NULL))
        return FALSE;
      /* Zero, surrogates and the like stand for a replacement character,
       * as CommonMark says. */
      if (value == 0 || !g_unichar_validate ((gunichar) value))
        value = 0xFFFD;
      g_string_append_unichar (out, (gunichar) value);
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    if (g_str_equal (inner, entities[i].name))
      {
        g_string_append (out, entities[i].utf8);
        return TRUE;
      }
  return FALSE;
}

static void
append_entity (Renderer *self, const char *entity, gsize size)
{
  g_autoptr (GString) decoded = g_string_new (NULL);

  if (decode_entity (entity, size, decoded))
    append_escaped (self, decoded->str, decoded->len);
  else
    append_escaped (self, entity, size);
}

/* An attribute (a link's href) as one string, its entities decoded. */
static char *
attribute_text (const MD_ATTRIBUTE *attribute)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; attribute->substr_offsets[i] < attribute->size; i++)
    {
      const char *part = attribute->text + attribute->substr_offsets[i];
      gsize size = attribute->substr_offsets[i + 1] - attribute->substr_offsets[i];

      switch (attribute->substr_types[i])
        {
          case MD_TEXT_ENTITY:
            if (!decode_entity (part, size, out))
              g_string_append_len (out, part, (gssize) size);
            break;
          case MD_TEXT_NULLCHAR:
            g_string_append (out, "\uFFFD");
            break;
          default:
            g_string_append_len (out, part, (gssize) size);
            break;
        }
    }
  return g_string_free (out, FALSE);
}

/* Only web links leave the app: http or https, with a host, one line. */
static gboolean
is_web_link (const char *href)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  for (const char *p = href; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      return FALSE;

  uri = g_uri_parse (href, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* ---- md4c's callbacks ---- */

static int
enter_block (MD_BLOCKTYPE type, void *detail, void *user_data)
{
  Renderer *self = user_data;

  switch (type)
    {
      case MD_BLOCK_P:
        flush (self);
        break;
      case MD_BLOCK_H:
        flush (self);
        open_tag (self, "<b>", "</b>");
        break;
      case MD_BLOCK_CODE:
        flush (self);
        open_tag (self, "<tt>", "</tt>");
        self->code_start = self->text->len;
        break;
      case MD_BLOCK_HR:
        flush (self);
        append_escaped (self, RULE, strlen (RULE));
        break;
      case MD_BLOCK_UL:
      case MD_BLOCK_OL:
        {
          List list = { type == MD_BLOCK_OL, 1 };

          if (type == MD_BLOCK_OL && detail != NULL)
            list.next = ((MD_BLOCK_OL_DETAIL *) detail)->start;
          g_array_append_val (self->lists, list);
        }
        break;
      case MD_BLOCK_LI:
        {
          List *list = &g_array_index (self->lists, List, self->lists->len - 1);
          g_autofree char *mark = NULL;

          owe (self, 1);
          flush (self);
          for (guint i = 1; i < MIN (self->lists->len, MAX_INDENTS + 1); i++)
            append_escaped (self, INDENT, strlen (INDENT));
          mark = list->ordered ? g_strdup_printf ("%u. ", list->next++) : g_strdup (BULLET " ");
          append_escaped (self, mark, strlen (mark));
        }
        break;
      default:
        /* The document, quotes, raw HTML (off), tables (off): only text. */
        break;
    }
  return 0;
}

static int
leave_block (MD_BLOCKTYPE type, void *detail, void *user_data)
{
  Renderer *self = user_data;

  switch (type)
    {
      case MD_BLOCK_P:
      case MD_BLOCK_HR:
        owe (self, block_gap (self));
        break;
      case MD_BLOCK_H:
        close_tag (self);
        owe (self, block_gap (self));
        break;
      case MD_BLOCK_CODE:
        /* Its last line ends with a break of its own, the last thing
         * written to both (a break needs no escaping). */
        while (!self->full && self->text->len > self->code_start &&
               self->text->str[self->text->len - 1] == '\n')
          {
            g_string_truncate (self->text, self->text->len - 1);
            g_string_truncate (self->markup, self->markup->len - 1);
          }
        close_tag (self);
        owe (self, block_gap (self));
        break;
      case MD_BLOCK_LI:
        owe (self, 1);
        break;
      case MD_BLOCK_UL:
      case MD_BLOCK_OL:
        g_array_set_size (self->lists, self->lists->len - 1);
        owe (self, block_gap (self));
        break;
      default:
        break;
    }
  return 0;
}

static int
enter_span (MD_SPANTYPE type, void *detail, void *user_data)
{
  Renderer *self = user_data;

  switch (type)
    {
      case MD_SPAN_EM:
        open_tag (self, "<i>", "</i>");
        break;
      case MD_SPAN_STRONG:
        open_tag (self, "<b>", "</b>");
        break;
      case MD_SPAN_CODE:
        open_tag (self, "<tt>", "</tt>");
        break;
      case MD_SPAN_DEL:
        open_tag (self, "<s>", "</s>");
        break;
      case MD_SPAN_A:
        {
          g_autofree char *href = attribute_text (&((MD_SPAN_A_DETAIL *) detail)->href);

          if (is_web_link (href))
            {
              g_autofree char *escaped = g_markup_escape_text (href, -1);
              g_autofree char *open = g_strdup_printf ("<a href=\"%s\">", escaped);

              open_tag (self, open, "</a>");
            }
          else
            {
              open_tag (self, "", NULL);
            }
        }
        break;
      default:
        /* Images: their alt text is what follows. */
        break;
    }
  return 0;
}

static int
leave_span (MD_SPANTYPE type, void *detail, void *user_data)
{
  Renderer *self = user_data;

  switch (type)
    {
      case MD_SPAN_EM:
      case MD_SPAN_STRONG:
      case MD_SPAN_CODE:
      case MD_SPAN_DEL:
      case MD_SPAN_A:
        close_tag (self);
        break;
      default:
        break;
    }
  return 0;
}

static int
text (MD_TEXTTYPE type, const MD_CHAR *content, MD_SIZE size, void *user_data)
{
  Renderer *self = user_data;

  flush (self);
  switch (type)
    {
      case MD_TEXT_NULLCHAR:
        append_escaped (self, "\uFFFD", strlen ("\uFFFD"));
        break;
      case MD_TEXT_BR:
        append_escaped (self, "\n", 1);
        break;
      case MD_TEXT_SOFTBR:
        /* The label wraps lines itself. */
        append_escaped (self, " ", 1);
        break;
      case MD_TEXT_ENTITY:
        append_entity (self, content, size);
        break;
      default:
        /* Normal text, code, and raw HTML (which NOHTML makes text). */
        append_escaped (self, content, size);
        break;
    }
  return 0;
}

/* ---- the whole ---- */

static gboolean
is_well_formed (const char *markup)
{
  static const GMarkupParser parser = { NULL };
  g_autoptr (GMarkupParseContext) context =
      g_markup_parse_context_new (&parser, G_MARKUP_DEFAULT_FLAGS, NULL, NULL);

  return g_markup_parse_context_parse (context, "<markup>", -1, NULL) &&
         g_markup_parse_context_parse (context, markup, -1, NULL) &&
         g_markup_parse_context_parse (context, "</markup>", -1, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}

static char *
strip_trailing_space (GString *string)
{
  while (string->len > 0 && g_ascii_isspace (string->str[string->len - 1]))
    g_string_truncate (string, string->len - 1);
  return g_string_free (string, FALSE);
}

char *
kbc_markdown_to_markup (const char *markdown, char **plain_text)
{
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = PARSER_FLAGS,
    .enter_block = enter_block,
    .leave_block = leave_block,
    .enter_span = enter_span,
    .leave_span = leave_span,
    .text = text,
  };
  g_autofree char *input = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;
  Renderer self = { 0 };
  gsize length;

  input = g_utf8_make_valid (markdown != NULL ? markdown : "", -1);
  length = strlen (input);
  if (length > KBC_MARKDOWN_MAX_INPUT)
    {
      const char *cut = g_utf8_find_prev_char (input, input + KBC_MARKDOWN_MAX_INPUT + 1);
      g_autofree char *shorter = g_strndup (input, cut - input);

      g_free (input);
      input = g_strconcat (shorter, "…", NULL);
      length = strlen (input);
    }

  self.markup = g_string_new (NULL);
  self.text = g_string_new (NULL);
  self.lists = g_array_new (FALSE, FALSE, sizeof (List));
  self.tags = g_array_new (FALSE, FALSE, sizeof (const char *));

  if (md_parse (input, (MD_SIZE) length, &parser, &self) != 0)
    {
      g_string_truncate (self.markup, 0);
      g_string_truncate (self.text, 0);
    }
  g_array_unref (self.lists);
  g_array_unref (self.tags);
  markup = strip_trailing_space (self.markup);
  plain = strip_trailing_space (self.text);

  /* Cannot happen; if it ever did, the text is still worth showing. */
  if (!is_well_formed (markup))
    {
      g_clear_pointer (&markup, g_free);
      markup = g_markup_escape_text (plain, -1);
    }

  if (plain_text != NULL)
    *plain_text = g_steal_pointer (&plain);
  return g_steal_pointer (&markup);
}
