/* kbc-server-profile.c: the user's own profile: PATCH /manage/current-user {"name"} (ours)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-profile.h"

#include <string.h>

/* A name is one line of text: no control or format characters. */
static gboolean
is_one_line (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
          type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        return FALSE;
    }
  return TRUE;
}

/* {"name"}: trimmed, one line, at most KBC_PROFILE_MAX_NAME bytes. Answers
 * the user {id, name, email}. */
static void
update_profile (KbcRequest *request)
{
  g_autoptr (KbcFieldErrors) errors = kbc_field_errors_new ();
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  const char *raw;

  raw = kbc_request_require_string (request, errors, "name", 4 * KBC_PROFILE_MAX_NAME);
  if (errors->len == 0)
    {
      name = g_strstrip (g_strdup (raw));
      if (*name == '\0')
        kbc_field_errors_add (errors, "name", "blank", "This value should not be blank.");
      else if (strlen (name) > KBC_PROFILE_MAX_NAME)
        kbc_field_errors_add (errors, "name", "tooLong",
                              "This value is too long. It should have 255 bytes or less.");
      else if (!is_one_line (name))
        kbc_field_errors_add (errors, "name", "invalidCharacters",
                              "This value should be a single line of text.");
    }
  if (errors->len > 0)
    {
      kbc_request_reply_invalid (request, errors);
      return;
    }

  if (!kbc_store_user_set_name (request->server->store, request->user->id, name, &error))
    {
      kbc_request_reply_internal (request, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, request->user->id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, request->user->email);
  json_builder_end_object (builder);
  kbc_request_reply_builder (request, 200, builder);
}

static const KbcRoute routes[] = {
  { "PATCH", "/manage/current-user", KBC_ROUTE_AUTH | KBC_ROUTE_JSON_BODY, update_profile },
};

void
kbc_server_profile_register (KbcServer *server)
{
  kbc_server_add_routes (server, routes, G_N_ELEMENTS (routes));
}
