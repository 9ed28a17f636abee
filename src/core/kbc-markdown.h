/* kbc-markdown.h: markdown from the server as Pango markup for a GtkLabel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

/* Longer input is cut there (at a character) and ends with "…". */
#define KBC_MARKDOWN_MAX_INPUT (64 * 1024)

/* Renders @markdown (CommonMark, parsed by md4c, with ~~strikethrough~~
 * and bare http(s) URLs as links) into Pango markup for a GtkLabel with
 * use-markup:
 *   - *emphasis* <i>, **strong** <b>, ~~struck~~ <s>, `code` <tt>;
 *     headings bold; code blocks <tt> with their lines;
 *   - [links](…) and bare URLs as <a href="…"> only for http and https with
 *     a host; any other link (javascript:, data:, relative) is its text;
 *     images are their alt text;
 *   - lists as lines ("• item", "1. item", nested ones indented),
 *     paragraphs apart by an empty line;
 *   - everything else, raw HTML included, is text, escaped; a word longer
 *     than 30 characters gets zero-width spaces (in the markup only), so a
 *     label wrapping at words can break it.
 * The result is always well-formed (checked; escaped plain text otherwise)
 * and never NULL. @plain_text, when not NULL, gets the same without markup
 * (for a desktop notification or an accessible description). Safe to call
 * from any thread. */
char     *kbc_markdown_to_markup   (const char  *markdown,
                                    char       **plain_text);

/* clang-format on */

G_END_DECLS
