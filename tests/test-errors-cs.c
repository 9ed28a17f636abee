/* test-errors-cs.c: every password rule the server names, in Czech: no English reaches the user
 *
 * Under cs_CZ.UTF-8 with the build's catalog, the account changes its
 * password against the real server, breaking one rule at a time. The
 * server says which rule (errors[].code) and why, in English; what the app
 * would show (the error's message and the field's) must be the app's own
 * Czech text, never the server's words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "kbc-error.h"
#include "kbc-json.h"
#include "kbc-test-utils.h"

#define EMAIL    "ludmila.novakova@example.com"
#define NAME     "Ludmila Nováková"
#define PASSWORD "Lantern-Violet-Harbour-58"

typedef struct
{
  const char *rule;     /* the code the server must name */
  const char *password; /* breaks it */
  const char *current;  /* the current password sent */
  const char *field;    /* where the app shows it */
  const char *expected; /* the Czech text */
} Case;

static const Case cases[] = {
  { "tooShort", "Krátké-1", PASSWORD, "newPassword", "Heslo musí mít alespoň 12 znaků." },
  { "containsEmail", "ludmila.novakova-Harbour-58", PASSWORD, "newPassword",
    "Heslo nesmí obsahovat vaši e-mailovou adresu." },
  { "samePassword", PASSWORD, PASSWORD, "newPassword", "Nové heslo se musí lišit od současného." },
  { "caseChangesOnly", "lANTERN-vIOLET-hARBOUR-58", PASSWORD, "newPassword",
    "Nové heslo se musí od současného lišit víc než velikostí písmen." },
  { "palindrome", "Xyzzy-Lantern-nretnaL-yzzyX", PASSWORD, "newPassword",
    "Heslo se nesmí číst stejně pozpátku." },
  { "dictionary", "Dictionary12", PASSWORD, "newPassword",
    "Heslo je založené na slovníkovém slově nebo je příliš jednoduché." },
  { "common", "password1234", PASSWORD, "newPassword",
    "Heslo patří mezi nejběžnější hesla. Zvolte méně zřejmé." },
  { "currentPasswordWrong", "Meadow-Quarry-Falcon-31", "Not-The-Password-00", "currentPassword",
    "Současné heslo není správné." },
};

/* The codes the server named, comma-separated. */
static char *
codes_of (const GError *error)
{
  JsonObject *body = kbc_api_error_get_body (error);
  JsonArray *errors = kbc_json_get_array (body, "errors");
  g_autoptr (GString) codes = g_string_new (NULL);

  for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
    {
      const char *code =
          kbc_json_get_string (kbc_json_object (json_array_get_element (errors, i)), "code");

      g_string_append_printf (codes, "%s%s", codes->len > 0 ? "," : "", code);
    }
  return g_string_free (g_steal_pointer (&codes), FALSE);
}

/* Words of the server's English that must not reach the user. */
static void
assert_no_english (const char *text)
{
  static const char *const english[] = {
    "password", "The ",       " the ", " is ",       "must",
    "should",   "characters", "email", "dictionary", "current"
  };

  for (guint i = 0; i < G_N_ELEMENTS (english); i++)
    if (strstr (text, english[i]) != NULL)
      g_error ("English (“%s”) in “%s”", english[i], text);
}

static void
test_password_rules (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new ();
  g_autoptr (KbcAccount) account = NULL;

  kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  account = kbc_test_sign_in (server, EMAIL, PASSWORD);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *codes = NULL;
      const char *field;

      kbc_account_change_password_async (account, c->current, c->password, NULL, kbc_test_on_done,
                                         &result);
      g_assert_false (
          kbc_account_change_password_finish (account, kbc_test_wait_for (&result), &error));
      g_assert_error (error, KBC_API_ERROR, KBC_API_ERROR_BAD_REQUEST);

      codes = codes_of (error);
      g_test_message ("%s: the server named %s", c->rule, codes);
      g_assert_nonnull (strstr (codes, c->rule));

      field = kbc_api_error_get_field_message (error, c->field);
      g_assert_nonnull (field);
      g_assert_nonnull (strstr (field, c->expected));
      assert_no_english (field);
      assert_no_english (error->message);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The test's point is the Czech catalog: without the locale it fails
   * (build-aux/install-deps.sh generates it). */
  if (setlocale (LC_ALL, "cs_CZ.UTF-8") == NULL)
    g_error ("The cs_CZ.UTF-8 locale is missing: run build-aux/install-deps.sh");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KBC_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "The current password is not correct."), ==,
                   "Současné heslo není správné.");

  g_test_add_func ("/kbc/errors-cs/password-rules", test_password_rules);

  return g_test_run ();
}
