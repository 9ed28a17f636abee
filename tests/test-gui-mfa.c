/* test-gui-mfa.c: multi-factor authentication through the real widgets against the real server
 *
 * Enables TOTP through the dialog (reading the setup key it shows, decoding
 * its QR code with zbarimg, computing the code), saves the recovery codes,
 * signs out, signs in with a fresh code and then with a recovery code, and
 * disables MFA again, with the wrong inputs a user makes on the way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kbc-account.h"
#include "kbc-code-entry.h"
#include "kbc-mfa.h"
#include "kbc-mfa-group.h"
#include "kbc-mfa-step.h"
#include "kbc-qr-paintable.h"
#include "kbc-recovery-codes-dialog.h"
#include "kbc-session.h"
#include "kbc-stack.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-totp-dialog.h"
#include "kbc-totp.h"

#define EMAIL    "mira.mfa@example.com"
#define PASSWORD "Quiet-Orchard-Ladder-73"

static const char *const wrong_code_message =
    "That code is not valid. Codes change every 30 seconds — enter the current one.";

/* The account, outside the widgets */

/* Signs in through a session that remembers nothing; the session waits for
 * its second step when the account has MFA. */
static KbcSession *
login (KbcTestServer *server, const char *password, KbcLoginResult expected)
{
  KbcSession *session = kbc_session_new (NULL, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, kbc_test_server_get_url (server), EMAIL,
                             password, NULL, kbc_test_on_done, &result);
  g_assert_cmpint (kbc_session_sign_in_finish (session, kbc_test_wait_for (&result), &error), ==,
                   expected);
  g_assert_no_error (error);

  return session;
}

static void
logout (KbcSession *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  kbc_session_sign_out_async (session, NULL, kbc_test_on_done, &result);
  kbc_session_sign_out_finish (session, kbc_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_null (kbc_session_get_account (session));
}

static KbcMfa *
mfa_of (KbcSession *session)
{
  return kbc_account_get_mfa (kbc_session_get_account (session));
}

/* Widget helpers */

static gboolean
label_shows (GtkLabel *label, const char *text)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) &&
         g_strcmp0 (gtk_label_get_text (label), text) == 0;
}

static gboolean
is_destroyed (GtkWidget **widget)
{
  return *widget == NULL;
}

/* The QR code */

/* Renders the dialog's paintable (as the screen shows it) to a PNG and reads
 * it back with zbarimg. */
static char *
decode_qr (GdkPaintable *paintable, const char *dir)
{
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autofree char *path = g_build_filename (dir, "qr.png", NULL);
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { NULL, "-q", "--raw", path, NULL };
  int size = gdk_paintable_get_intrinsic_width (paintable);
  cairo_surface_t *surface;
  cairo_t *cr;
  int status = -1;

  gdk_paintable_snapshot (paintable, snapshot, size, size);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, size, size);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  if (zbarimg == NULL)
    g_error ("zbarimg not found: install zbar-tools (build-aux/install-deps.sh)");
  argv[0] = zbarimg;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_remove (path);

  g_strchomp (out);
  return g_steal_pointer (&out);
}

/* The flows */

typedef struct
{
  KbcTestServer *server;
  char *dir;
  guint8 *secret;
  gsize secret_len;
  gint64 last_step;
  GStrv recovery_codes;
} Fixture;

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A code the server has not seen: the current step, or the one after the
 * last used step while that is still the current one. */
static char *
fresh_code (Fixture *fixture)
{
  gint64 step = MAX (kbc_totp_step_at (now ()), fixture->last_step + 1);

  fixture->last_step = step;
  return kbc_totp_code_at_step (fixture->secret, fixture->secret_len, step);
}

/* A well-formed code the server cannot accept: far outside the window. */
static char *
stale_code (Fixture *fixture)
{
  gint64 step = kbc_totp_step_at (now ()) - 20;
  g_autofree char *code = kbc_totp_code_at_step (fixture->secret, fixture->secret_len, step);

  /* Steer clear of a one-in-a-million clash with a code of the window. */
  for (int delta = -1; delta <= 2; delta++)
    {
      g_autofree char *near = kbc_totp_code_at_step (fixture->secret, fixture->secret_len,
                                                     kbc_totp_step_at (now ()) + delta);
      if (g_str_equal (near, code))
        return g_strdup (code[0] == '0' ? "111111" : "000000");
    }

  return g_steal_pointer (&code);
}

/* TRUE when all of @widget is inside its window, and none of it under a
 * toast of @overlay (toasts show over the overlay's child). */
static gboolean
in_sight (GtkWidget *widget, GtkWidget *overlay)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  graphene_rect_t bounds, overlay_bounds;

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_compute_bounds (widget, root, &bounds) ||
      !gtk_widget_compute_bounds (overlay, root, &overlay_bounds))
    return FALSE;

  return bounds.origin.x >= 0 && bounds.origin.y >= 0 &&
         bounds.origin.x + bounds.size.width <= gtk_widget_get_width (root) &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (root) &&
         !graphene_rect_intersection (&bounds, &overlay_bounds, NULL);
}

/* Outside the page that scrolls and the toasts' overlay, so that no size
 * and no toast hides it; and in sight now, and at the smallest size when
 * the window got it. */
static void
assert_in_sight_at_sizes (GtkWindow *dialog, GtkWidget *button, GtkWidget *overlay)
{
  int width, height;

  g_assert_null (gtk_widget_get_ancestor (button, GTK_TYPE_SCROLLED_WINDOW));
  g_assert_false (gtk_widget_is_ancestor (button, overlay));
  kbc_gui_wait_drawn (GTK_WIDGET (dialog));
  g_assert_true (in_sight (button, overlay));

  gtk_window_get_default_size (dialog, &width, &height);
  gtk_window_set_default_size (dialog, 360, 294);
  kbc_gui_wait_drawn (GTK_WIDGET (dialog));
  if (gtk_widget_get_height (GTK_WIDGET (dialog)) < height)
    g_assert_true (in_sight (button, overlay));
  gtk_window_set_default_size (dialog, width, height);
  kbc_gui_wait_drawn (GTK_WIDGET (dialog));
  g_assert_true (in_sight (button, overlay));
}

static void
enable_totp (Fixture *fixture, KbcMfa *mfa)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *page = adw_preferences_page_new ();
  KbcMfaGroup *group = KBC_MFA_GROUP (kbc_mfa_group_new (mfa));
  AdwMessageDialog *chooser;
  KbcPasswordDialog *password;
  KbcTotpDialog *dialog;
  KbcRecoveryCodesDialog *recovery;
  GtkWidget *dialog_widget;
  GtkWidget *recovery_widget;
  GtkWidget *done_button, *unsaved;
  g_autofree char *saved_path = NULL;
  g_autofree char *saved = NULL;
  g_autoptr (GFile) saved_file = NULL;
  GtkLabel *code_error;
  KbcCodeEntry *code_entry;
  GdkPaintable *paintable;
  g_autofree char *setup_key = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *expected_uri = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *code = NULL;
  g_autoptr (GError) error = NULL;
  const char *const *codes;

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 600);
  gtk_window_present (GTK_WINDOW (window));

  KBC_TEST_WAIT_FOR (kbc_resource_get_loaded (KBC_RESOURCE (mfa)) &&
                     !kbc_resource_get_loading (KBC_RESOURCE (mfa)) &&
                     gtk_widget_get_mapped (GTK_WIDGET (group)));
  g_assert_false (kbc_mfa_get_enabled (mfa));

  /* Enable MFA → Enable TOTP. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "mfa.enable", NULL));
  KBC_TEST_WAIT_FOR ((chooser = kbc_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (chooser, "u2f"));
  adw_message_dialog_response (chooser, "totp");
  gtk_window_close (GTK_WINDOW (chooser));

  /* The password first, in the password dialog; a wrong one is refused in
   * place with the one wording, and the field is emptied. */
  password = kbc_gui_wait_password_dialog ("Set Up Authenticator App");
  g_assert_false (kbc_gui_password_dialog_submit (password, "not-the-password"));
  g_assert_cmpstr (kbc_password_dialog_get_error_message (password), ==,
                   "The current password is not correct.");
  g_assert_cmpstr (gtk_editable_get_text (
                       kbc_gui_template_child (password, KBC_TYPE_PASSWORD_DIALOG, "password_row")),
                   ==, "");
  g_assert_true (
      label_shows (kbc_gui_template_child (password, KBC_TYPE_PASSWORD_DIALOG, "error_label"),
                   "The current password is not correct."));

  /* The right one opens the QR code and the setup key. */
  g_assert_true (kbc_gui_password_dialog_submit (password, PASSWORD));
  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (KBC_TYPE_TOTP_DIALOG)) != NULL);
  dialog_widget = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog_widget);
  g_assert_cmpint (kbc_totp_dialog_get_state (dialog), ==, KBC_TOTP_DIALOG_STATE_SCAN);

  setup_key = g_strdup (
      gtk_label_get_text (kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "secret_label")));
  /* Grouped by four for reading: "ABCD EFGH …". */
  g_assert_cmpint (setup_key[4], ==, ' ');
  fixture->secret = kbc_totp_base32_decode (setup_key, &fixture->secret_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->secret_len, ==, KBC_TOTP_SECRET_SIZE);

  /* The QR code holds exactly the Key URI of the shown key. */
  paintable = gtk_picture_get_paintable (
      kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "qr_picture"));
  g_assert_true (KBC_IS_QR_PAINTABLE (paintable));
  decoded = decode_qr (paintable, fixture->dir);
  {
    g_autoptr (GString) compact = g_string_new (NULL);

    for (const char *p = setup_key; *p != '\0'; p++)
      if (*p != ' ')
        g_string_append_c (compact, *p);
    expected_uri = g_strdup_printf ("otpauth://totp/Keboola:%s?secret=%s&issuer=Keboola"
                                    "&algorithm=SHA1&digits=6&period=30",
                                    EMAIL, compact->str);
  }
  g_assert_cmpstr (decoded, ==, expected_uri);

  /* A stale code is refused with the explanation. */
  code_entry = kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "code_entry");
  code_error = kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "code_error");
  stale = stale_code (fixture);
  gtk_editable_set_text (GTK_EDITABLE (code_entry), stale);
  /* The sixth digit activates by itself. */
  g_assert_cmpint (kbc_totp_dialog_get_state (dialog), ==, KBC_TOTP_DIALOG_STATE_ACTIVATING);
  KBC_TEST_WAIT_FOR (kbc_totp_dialog_get_state (dialog) == KBC_TOTP_DIALOG_STATE_SCAN);
  g_assert_true (label_shows (code_error, wrong_code_message));
  g_assert_true (kbc_code_entry_get_error (code_entry));
  g_assert_null (kbc_code_entry_get_code (code_entry));
  /* The error does not push Activate out of sight, at any size. */
  assert_in_sight_at_sizes (
      GTK_WINDOW (dialog), kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "activate_button"),
      kbc_gui_template_child (dialog, KBC_TYPE_TOTP_DIALOG, "toast_overlay"));
  kbc_gui_save_shot (GTK_WIDGET (dialog), "totp-wrong-code.png");

  /* Letters are not digits: typing them changes nothing. */
  gtk_editable_set_text (GTK_EDITABLE (code_entry), "12ab");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (code_entry)), ==, "12");
  gtk_editable_set_text (GTK_EDITABLE (code_entry), "");

  /* The current code activates; the recovery codes follow. */
  code = fresh_code (fixture);
  gtk_editable_set_text (GTK_EDITABLE (code_entry), code);
  KBC_TEST_WAIT_FOR (dialog_widget == NULL);
  KBC_TEST_WAIT_FOR ((recovery = kbc_gui_find_toplevel (KBC_TYPE_RECOVERY_CODES_DIALOG)) != NULL);
  recovery_widget = GTK_WIDGET (recovery);
  g_object_add_weak_pointer (G_OBJECT (recovery), (gpointer *) &recovery_widget);

  codes = kbc_recovery_codes_dialog_get_codes (recovery);
  g_assert_cmpuint (g_strv_length ((GStrv) codes), ==, 10);
  fixture->recovery_codes = g_strdupv ((GStrv) codes);

  /* It stays until the user confirms the codes are saved. */
  unsaved = kbc_gui_template_child (recovery, KBC_TYPE_RECOVERY_CODES_DIALOG, "unsaved_label");
  g_assert_false (gtk_widget_get_visible (unsaved));
  kbc_gui_wait_content_fits (recovery_widget, "the codes, Copy and Save to fit the dialog");
  gtk_window_close (GTK_WINDOW (recovery));
  g_assert_nonnull (recovery_widget);
  g_assert_true (gtk_widget_get_visible (recovery_widget));
  g_assert_false (gtk_window_get_deletable (GTK_WINDOW (recovery)));
  /* It says why, in line above the check (a toast would lie over Save to
   * File), and the focus is on the check. */
  g_assert_true (gtk_widget_get_visible (unsaved));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (unsaved)), ==,
                   "Save the codes, then confirm that you saved them");
  g_assert_true (gtk_widget_has_focus (
      kbc_gui_template_child (recovery, KBC_TYPE_RECOVERY_CODES_DIALOG, "confirm_check")));
  assert_in_sight_at_sizes (
      GTK_WINDOW (recovery), unsaved,
      kbc_gui_template_child (recovery, KBC_TYPE_RECOVERY_CODES_DIALOG, "toast_overlay"));
  kbc_gui_wait_content_fits (recovery_widget, "the codes, Copy and Save to fit with the reminder");
  kbc_gui_save_shot (recovery_widget, "recovery-codes-unsaved.png");
  /* Copy's toast never covers Done; saving to a file counts as saved. */
  done_button = kbc_gui_template_child (recovery, KBC_TYPE_RECOVERY_CODES_DIALOG, "done_button");
  g_assert_true (gtk_widget_activate_action (recovery_widget, "recovery.copy", NULL));
  assert_in_sight_at_sizes (
      GTK_WINDOW (recovery), done_button,
      kbc_gui_template_child (recovery, KBC_TYPE_RECOVERY_CODES_DIALOG, "toast_overlay"));
  g_assert_false (kbc_recovery_codes_dialog_get_confirmed (recovery));
  saved_path = g_build_filename (g_get_tmp_dir (), "kbc-test-recovery-codes-XXXXXX", NULL);
  g_close (g_mkstemp (saved_path), NULL);
  saved_file = g_file_new_for_path (saved_path);
  kbc_recovery_codes_dialog_save_to_file (recovery, saved_file);
  KBC_TEST_WAIT_FOR (kbc_recovery_codes_dialog_get_confirmed (recovery));
  g_assert_false (gtk_widget_get_visible (unsaved));
  g_assert_true (g_file_get_contents (saved_path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, codes[0]));
  g_assert_true (
      in_sight (done_button, kbc_gui_template_child (recovery, KBC_TYPE_RECOVERY_CODES_DIALOG,
                                                     "toast_overlay")));
  kbc_gui_save_shot (recovery_widget, "recovery-codes-saved.png");
  g_unlink (saved_path);
  g_assert_true (gtk_widget_activate_action (recovery_widget, "recovery.done", NULL));
  KBC_TEST_WAIT_FOR (is_destroyed (&recovery_widget));

  /* The model says MFA is on, in place: no second GET, and the group shows it. */
  g_assert_true (kbc_mfa_get_enabled (mfa));
  g_assert_true (kbc_mfa_get_totp_enabled (mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (mfa), ==, 10);
  g_assert_false (kbc_resource_get_loading (KBC_RESOURCE (mfa)));
  g_assert_true (
      gtk_widget_get_visible (kbc_gui_template_child (group, KBC_TYPE_MFA_GROUP, "recovery_row")));
  g_assert_false (
      gtk_widget_get_visible (kbc_gui_template_child (group, KBC_TYPE_MFA_GROUP, "enable_button")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static KbcMfaStep *
show_mfa_step (KbcSession *session, GtkWidget **window_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *step = kbc_mfa_step_new ();

  kbc_mfa_step_set_session (KBC_MFA_STEP (step), session);
  gtk_window_set_child (GTK_WINDOW (window), step);
  gtk_window_present (GTK_WINDOW (window));
  KBC_TEST_WAIT_FOR (gtk_widget_get_mapped (step));

  *window_out = window;
  return KBC_MFA_STEP (step);
}

static void
on_signed_in (KbcMfaStep *step, gboolean *signed_in)
{
  *signed_in = TRUE;
}

static void
sign_in_with_totp (Fixture *fixture)
{
  g_autoptr (KbcSession) session = login (fixture->server, PASSWORD, KBC_LOGIN_MFA_REQUIRED);
  g_autofree char *stale = NULL;
  g_autofree char *code = NULL;
  GtkWidget *window = NULL;
  KbcMfaStep *step;
  GtkLabel *error_label;
  KbcCodeEntry *code_entry;
  gboolean signed_in = FALSE;

  g_assert_null (kbc_session_get_account (session));

  step = show_mfa_step (session, &window);
  g_signal_connect (step, "signed-in", G_CALLBACK (on_signed_in), &signed_in);
  error_label = kbc_gui_template_child (step, KBC_TYPE_MFA_STEP, "error_label");
  code_entry = kbc_gui_template_child (step, KBC_TYPE_MFA_STEP, "code_entry");

  /* A wrong code: refused, and the step stays usable. */
  stale = stale_code (fixture);
  gtk_editable_set_text (GTK_EDITABLE (code_entry), stale);
  g_assert_true (kbc_mfa_step_get_busy (step));
  KBC_TEST_WAIT_FOR (!kbc_mfa_step_get_busy (step));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (error_label), wrong_code_message));
  g_assert_false (signed_in);

  /* A fresh code from the app signs in. */
  code = fresh_code (fixture);
  gtk_editable_set_text (GTK_EDITABLE (code_entry), code);
  KBC_TEST_WAIT_FOR (signed_in);
  g_assert_cmpint (kbc_session_get_state (session), ==, KBC_SESSION_STATE_SIGNED_IN);
  g_assert_true (kbc_mfa_get_enabled (mfa_of (session)));

  gtk_window_destroy (GTK_WINDOW (window));
  logout (session);
}

static KbcSession *
sign_in_with_recovery_code (Fixture *fixture, const char *recovery_code, gboolean expect_success)
{
  g_autoptr (KbcSession) session = login (fixture->server, PASSWORD, KBC_LOGIN_MFA_REQUIRED);
  GtkWidget *window = NULL;
  KbcMfaStep *step;
  GtkLabel *error_label;
  gboolean signed_in = FALSE;

  step = show_mfa_step (session, &window);
  g_signal_connect (step, "signed-in", G_CALLBACK (on_signed_in), &signed_in);
  error_label = kbc_gui_template_child (step, KBC_TYPE_MFA_STEP, "error_label");

  /* "Use a recovery code instead" */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (step), "mfa-step.use-method", "s", "recovery"));
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (kbc_gui_template_child (step, KBC_TYPE_MFA_STEP, "stack")),
      ==, "recovery");
  /* Typed the way people copy from paper, with spaces around. */
  {
    g_autofree char *typed = g_strdup_printf (" %s ", recovery_code);
    gtk_editable_set_text (kbc_gui_template_child (step, KBC_TYPE_MFA_STEP, "recovery_entry"),
                           typed);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (step), "mfa-step.verify", NULL));
  KBC_TEST_WAIT_FOR (!kbc_mfa_step_get_busy (step));

  if (expect_success)
    {
      g_assert_true (signed_in);
      g_assert_nonnull (kbc_session_get_account (session));
    }
  else
    {
      g_assert_false (signed_in);
      g_assert_true (
          g_str_has_prefix (gtk_label_get_text (error_label),
                            "That recovery code is not valid or has already been used."));
    }

  gtk_window_destroy (GTK_WINDOW (window));
  return g_steal_pointer (&session);
}

static void
disable_mfa (Fixture *fixture, KbcMfa *mfa)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *page = adw_preferences_page_new ();
  KbcMfaGroup *group = KBC_MFA_GROUP (kbc_mfa_group_new (mfa));
  KbcPasswordDialog *prompt;
  GtkWidget *confirm;

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));

  KBC_TEST_WAIT_FOR (kbc_resource_get_loaded (KBC_RESOURCE (mfa)) &&
                     !kbc_resource_get_loading (KBC_RESOURCE (mfa)));
  g_assert_true (kbc_mfa_get_enabled (mfa));
  /* One recovery code was used to sign in. */
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (mfa), ==, 9);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "mfa.disable", NULL));
  prompt = kbc_gui_wait_password_dialog ("Disable Multi-Factor Authentication?");
  confirm = kbc_gui_template_child (prompt, KBC_TYPE_PASSWORD_DIALOG, "confirm_button");
  g_assert_true (gtk_widget_has_css_class (confirm, "destructive-action"));

  /* A wrong password keeps the prompt open with the reason. */
  g_assert_false (kbc_gui_password_dialog_submit (prompt, "not-the-password"));
  g_assert_cmpstr (kbc_password_dialog_get_error_message (prompt), ==,
                   "The current password is not correct.");
  g_assert_true (kbc_mfa_get_enabled (mfa));

  g_assert_true (kbc_gui_password_dialog_submit (prompt, PASSWORD));
  g_assert_false (kbc_mfa_get_enabled (mfa));
  g_assert_cmpint (kbc_mfa_get_recovery_codes_remaining (mfa), ==, 0);
  g_assert_true (
      gtk_widget_get_visible (kbc_gui_template_child (group, KBC_TYPE_MFA_GROUP, "enable_button")));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_enable_sign_in_disable (void)
{
  Fixture fixture = { 0 };
  g_autoptr (KbcSession) session = NULL;
  g_autoptr (KbcSession) recovered = NULL;
  g_autoptr (KbcSession) refused = NULL;
  g_autoptr (KbcSession) plain = NULL;
  g_autoptr (GError) error = NULL;

  fixture.server = kbc_test_server_new ();
  fixture.last_step = -1;
  fixture.dir = g_dir_make_tmp ("kbc-test-gui-mfa-XXXXXX", &error);
  g_assert_no_error (error);
  kbc_test_server_add_user (fixture.server, EMAIL, "Mira Mfa", PASSWORD);

  session = login (fixture.server, PASSWORD, KBC_LOGIN_SIGNED_IN);
  g_assert_false (kbc_mfa_get_enabled (mfa_of (session)));

  enable_totp (&fixture, mfa_of (session));
  logout (session);

  sign_in_with_totp (&fixture);

  recovered = sign_in_with_recovery_code (&fixture, fixture.recovery_codes[0], TRUE);
  /* Each recovery code works once. */
  refused = sign_in_with_recovery_code (&fixture, fixture.recovery_codes[0], FALSE);

  disable_mfa (&fixture, mfa_of (recovered));

  /* The password alone signs in again. */
  plain = login (fixture.server, PASSWORD, KBC_LOGIN_SIGNED_IN);
  g_assert_false (kbc_mfa_get_enabled (mfa_of (plain)));

  g_rmdir (fixture.dir);
  g_free (fixture.dir);
  explicit_bzero (fixture.secret, fixture.secret_len);
  g_free (fixture.secret);
  g_strfreev (fixture.recovery_codes);
  kbc_test_server_free (fixture.server);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/kbc/gui/mfa/enable-sign-in-disable", test_enable_sign_in_disable);

  return g_test_run ();
}
