/* test-server-password.c: the dummy hash a missing account is checked against
 *
 * kbc_password_verify() checks a missing account's password against a dummy
 * encoded argon2id string, so that it costs the same time as a wrong
 * password. The dummy is made without hashing (the server used to spend a
 * hash on it at start-up): these cases check that argon2 takes it as a
 * real one, with the same parameters, hashes against it, and that nothing
 * matches it. In process, against the server's code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <argon2.h>
#include <string.h>

#include "kbc-server-password.h"

/* "$argon2id$v=19$m=65536,t=3,p=1$": all but the salt and the hash. */
static char *
parameters (const char *encoded)
{
  const char *salt;

  g_assert_true (g_str_has_prefix (encoded, "$argon2id$"));
  salt = strchr (encoded + strlen ("$argon2id$v=19$"), '$');
  g_assert_nonnull (salt);
  return g_strndup (encoded, salt - encoded + 1);
}

/* The dummy has a real hash's parameters: the same work to verify. */
static void
test_dummy_parameters (void)
{
  const char *dummy = kbc_password_get_dummy_hash ();
  g_autofree char *real = kbc_password_hash ("Harbor-Violet-Compass-41");
  g_autofree char *dummy_parameters = parameters (dummy);
  g_autofree char *real_parameters = parameters (real);

  g_assert_cmpstr (dummy_parameters, ==, real_parameters);
  g_assert_cmpuint (strlen (dummy), ==, strlen (real));
  /* Made once per process. */
  g_assert_true (kbc_password_get_dummy_hash () == dummy);
}

/* argon2 decodes it and hashes against it: a mismatch, not a decoding
 * error (which would return at once, telling a missing account apart). */
static void
test_dummy_verifies (void)
{
  const char *dummy = kbc_password_get_dummy_hash ();

  g_assert_cmpint (argon2id_verify (dummy, "", 0), ==, ARGON2_VERIFY_MISMATCH);
  g_assert_cmpint (argon2id_verify (dummy, "Harbor-Violet-Compass-41", 24), ==,
                   ARGON2_VERIFY_MISMATCH);
}

/* A missing account never signs in, whatever the password. */
static void
test_missing_account (void)
{
  g_autofree char *real = kbc_password_hash ("Harbor-Violet-Compass-41");

  g_assert_false (kbc_password_verify (NULL, ""));
  g_assert_false (kbc_password_verify (NULL, "Harbor-Violet-Compass-41"));
  g_assert_true (kbc_password_verify (real, "Harbor-Violet-Compass-41"));
  g_assert_false (kbc_password_verify (real, "Harbor-Violet-Compass-42"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/server-password/dummy-parameters", test_dummy_parameters);
  g_test_add_func ("/kbc/server-password/dummy-verifies", test_dummy_verifies);
  g_test_add_func ("/kbc/server-password/missing-account", test_missing_account);

  return g_test_run ();
}
