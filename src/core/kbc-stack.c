/* kbc-stack.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-stack.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static const KbcStackInfo stacks[] = {
  { "us", N_ ("US"), "https://connection.keboola.com" },
  { "eu", N_ ("EU"), "https://connection.eu-central-1.keboola.com" },
  { "azure", N_ ("Azure North Europe"), "https://connection.north-europe.azure.keboola.com" },
  { KBC_STACK_CUSTOM, N_ ("Custom Server"), NULL },
  { KBC_STACK_LOCAL, N_ ("This Computer"), NULL },
};

const KbcStackInfo *
kbc_stack_get_all (guint *n_stacks)
{
  *n_stacks = G_N_ELEMENTS (stacks);
  return stacks;
}

guint
kbc_stack_get_index (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (stacks); i++)
    if (g_strcmp0 (stacks[i].id, id) == 0)
      return i;

  return G_N_ELEMENTS (stacks) - 1;
}

const KbcStackInfo *
kbc_stack_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (stacks); i++)
    if (g_strcmp0 (stacks[i].id, id) == 0)
      return &stacks[i];

  return NULL;
}

const char *
kbc_stack_get_keyring_key (const char *id, const char *url)
{
  if (g_strcmp0 (id, KBC_STACK_LOCAL) == 0)
    return KBC_STACK_LOCAL;

  return url;
}

const char *
kbc_stack_find_by_url (const char *url)
{
  g_autofree char *bare = NULL;
  gsize len;

  g_return_val_if_fail (url != NULL, KBC_STACK_CUSTOM);

  bare = g_ascii_strdown (url, -1);
  len = strlen (bare);
  while (len > 0 && bare[len - 1] == '/')
    bare[--len] = '\0';

  for (guint i = 0; i < G_N_ELEMENTS (stacks); i++)
    if (stacks[i].url != NULL && g_str_equal (stacks[i].url, bare))
      return stacks[i].id;

  return KBC_STACK_CUSTOM;
}
