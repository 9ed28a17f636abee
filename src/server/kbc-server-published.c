/* kbc-server-published.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-published.h"

#include <string.h>

/* Section A of API.md, with exactly its methods. */
static const KbcPublishedRoute published_routes[] = {
  { "GET", "/manage/tokens/verify" },

  { "GET", "/manage/current-user/projects-invitations" },
  { "GET", "/manage/current-user/projects-invitations/{id}" },
  { "PUT", "/manage/current-user/projects-invitations/{id}" },
  { "DELETE", "/manage/current-user/projects-invitations/{id}" },
  { "GET", "/manage/current-user/organizations-invitations" },
  { "GET", "/manage/current-user/organizations-invitations/{id}" },
  { "PUT", "/manage/current-user/organizations-invitations/{id}" },
  { "GET", "/manage/current-user/maintainers-invitations" },
  { "GET", "/manage/current-user/maintainers-invitations/{id}" },
  { "PUT", "/manage/current-user/maintainers-invitations/{id}" },
  { "GET", "/manage/current-user/projects-join-requests" },
  { "GET", "/manage/current-user/projects-join-requests/{id}" },
  { "DELETE", "/manage/current-user/projects-join-requests/{id}" },

  { "GET", "/manage/current-user/promo-codes" },
  { "POST", "/manage/current-user/promo-codes" },

  { "GET", "/manage/organizations/{id}" },
  { "GET", "/manage/organizations/{id}/projects" },
  { "GET", "/manage/maintainers" },
  { "GET", "/manage/maintainers/{id}" },
  { "GET", "/manage/maintainers/{id}/organizations" },
  { "GET", "/manage/projects/{id}" },
};

const KbcPublishedRoute *
kbc_server_published_routes (gsize *n_routes)
{
  *n_routes = G_N_ELEMENTS (published_routes);
  return published_routes;
}

static gboolean
is_placeholder (const char *segment, gsize len)
{
  return len >= 2 && segment[0] == '{' && segment[len - 1] == '}';
}

static gboolean
same_pattern (const char *a, const char *b)
{
  for (;;)
    {
      gsize a_len = strcspn (a, "/");
      gsize b_len = strcspn (b, "/");

      if (!(is_placeholder (a, a_len) && is_placeholder (b, b_len)) &&
          (a_len != b_len || strncmp (a, b, a_len) != 0))
        return FALSE;

      a += a_len;
      b += b_len;
      if (*a == '\0' || *b == '\0')
        return *a == *b;
      /* Both at a "/". */
      a++;
      b++;
    }
}

gboolean
kbc_server_route_is_published (const char *method, const char *pattern)
{
  g_return_val_if_fail (method != NULL, FALSE);
  g_return_val_if_fail (pattern != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (published_routes); i++)
    if (g_str_equal (published_routes[i].method, method) &&
        same_pattern (published_routes[i].pattern, pattern))
      return TRUE;
  return FALSE;
}
