/* test-gui-keys.c: security keys through the real widgets against the real server
 *
 * A KbcKeysGroup in a window, signed in to a real kbc-account-server, with
 * libfido2 talking CTAPHID to the software security key. The test presses the
 * real buttons: "Add Security Key", types a name and the password into the
 * password dialog, then touches the key when KbcAddKeyDialog asks; it
 * renames and removes keys through the real dialogs. On the way it makes the
 * mistakes users make and meets the failures keys have: a wrong password,
 * nobody touching the key, Cancel, closing the dialog, no key at all, a PIN
 * (wrong, then right), a key already registered, and a dead server. The
 * group shows the account's KbcMfa, which every change updates in place.
 *
 * With KBC_TEST_SHOTS_DIR set, it also saves PNGs of the dialog waiting for a
 * touch and of the group, for people to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "kbc-account.h"
#include "kbc-add-key-dialog.h"
#include "kbc-error.h"
#include "kbc-key-prompt.h"
#include "kbc-keys-group.h"
#include "kbc-mfa.h"
#include "kbc-soft-key.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-tooltip.h"

#define EMAIL    "grace.hopper@example.test"
#define NAME     "Grace Hopper"
#define PASSWORD "Compiler-Harbor-Nanosecond-06"
#define WRONG_PW "Not-The-Password-1"
#define PIN      "4826"

/* Widget helpers */

/* The first descendant of @root of @type whose button label (for buttons),
 * action name (for actionables) or title (for rows) is @text, or any when
 * @text is NULL. */
static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        {
          if (text == NULL)
            return child;
          if (GTK_IS_BUTTON (child) &&
              g_strcmp0 (gtk_button_get_label (GTK_BUTTON (child)), text) == 0)
            return child;
          if (GTK_IS_ACTIONABLE (child) &&
              g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), text) == 0)
            return child;
          if (ADW_IS_PREFERENCES_ROW (child) &&
              g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), text) == 0)
            return child;
        }
      found = find_widget (child, type, text);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
label_shows (gpointer label, const char *text)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0;
}

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The fixture: a signed-in account and the group in a window */

typedef struct
{
  KbcTestServer *server;
  KbcAccount *account;
  KbcMfa *mfa;
  GtkWidget *window;
  KbcKeysGroup *group;
  guint refreshes; /* GETs of the MFA state */
} Fixture;

static void
on_loading (KbcMfa *mfa, GParamSpec *pspec, Fixture *fixture)
{
  if (kbc_resource_get_loading (KBC_RESOURCE (mfa)))
    fixture->refreshes++;
}

static gboolean
settled (Fixture *fixture)
{
  return kbc_resource_get_loaded (KBC_RESOURCE (fixture->mfa)) &&
         !kbc_resource_get_loading (KBC_RESOURCE (fixture->mfa));
}

static guint
n_keys (Fixture *fixture)
{
  return g_list_model_get_n_items (kbc_mfa_get_keys (fixture->mfa));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *page = adw_preferences_page_new ();

  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->account = kbc_test_sign_in (fixture->server, EMAIL, PASSWORD);
  fixture->mfa = kbc_account_get_mfa (fixture->account);
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));
  g_signal_connect (fixture->mfa, "notify::loading", G_CALLBACK (on_loading), fixture);

  fixture->group = KBC_KEYS_GROUP (kbc_keys_group_new (fixture->mfa));
  fixture->window = gtk_window_new ();
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (fixture->group));
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (fixture->window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 720, 560);
  gtk_window_present (GTK_WINDOW (fixture->window));

  KBC_TEST_WAIT_FOR (settled (fixture) && gtk_widget_get_mapped (GTK_WIDGET (fixture->group)));
  g_assert_cmpuint (fixture->refreshes, ==, 1);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_signal_handlers_disconnect_by_data (fixture->mfa, fixture);
  g_assert_finalize_object (fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static const char *
description (Fixture *fixture)
{
  return adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (fixture->group));
}

/* "Add Security Key" in the group's header: the name and the password. */
static KbcPasswordDialog *
open_add (Fixture *fixture, const char *name)
{
  KbcPasswordDialog *dialog;
  GtkWidget *name_row;

  g_assert_null (kbc_gui_find_toplevel (KBC_TYPE_ADD_KEY_DIALOG));
  click (kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "add_button"));
  dialog = kbc_gui_wait_password_dialog ("Add Security Key");
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) ==
                 GTK_WINDOW (fixture->window));

  /* Continue needs a name. */
  name_row = find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Key Name");
  g_assert_nonnull (name_row);
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_PASSWORD_DIALOG, "password_row"),
                         PASSWORD);
  g_assert_false (gtk_widget_is_sensitive (
      kbc_gui_template_child (dialog, KBC_TYPE_PASSWORD_DIALOG, "confirm_button")));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "   ");
  g_assert_false (gtk_widget_is_sensitive (
      kbc_gui_template_child (dialog, KBC_TYPE_PASSWORD_DIALOG, "confirm_button")));
  gtk_editable_set_text (GTK_EDITABLE (name_row), name);

  return dialog;
}

/* The add-key dialog that opens when the password was right, asking for
 * the key. */
static KbcAddKeyDialog *
wait_touch_dialog (Fixture *fixture)
{
  KbcAddKeyDialog *dialog;

  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (KBC_TYPE_ADD_KEY_DIALOG)) != NULL);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) ==
                 GTK_WINDOW (fixture->window));
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                       kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "stack")),
                   ==, "touch");
  return dialog;
}

/* Name and password, then the key: the add-key dialog, waiting for it. */
static KbcAddKeyDialog *
start_add (Fixture *fixture, const char *name)
{
  g_assert_true (kbc_gui_password_dialog_submit (open_add (fixture, name), PASSWORD));
  return wait_touch_dialog (fixture);
}

static const char *
failure (KbcAddKeyDialog *dialog)
{
  GtkWidget *label = kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "error_label");

  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_FAILED);
  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
wait_failed (KbcAddKeyDialog *dialog)
{
  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_FAILED);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                       kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "stack")),
                   ==, "failed");
}

/* Try Again: the key is asked again, for the registration the server keeps. */
static void
try_again (KbcAddKeyDialog *dialog)
{
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "retry_button"));
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_TOUCH);
}

static void
close_dialog (gpointer window)
{
  GtkWidget *widget = window;

  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &widget);
  g_assert_true (gtk_widget_activate_action (widget, "window.close", NULL));
  KBC_TEST_WAIT_FOR (widget == NULL);
}

/* Waits for the success page and checks its text; the key is in the model
 * at once, without a GET. */
static void
wait_added (Fixture *fixture, KbcAddKeyDialog *dialog, const char *name)
{
  g_autofree char *expected = g_strdup_printf ("The new u2f device \"%s\" was added.", name);
  guint refreshes = fixture->refreshes;
  GtkWidget *dialog_widget = GTK_WIDGET (dialog);
  gboolean listed = FALSE;

  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_DONE);
  g_assert_true (label_shows (
      kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "message_label"), expected));
  kbc_gui_save_shot (GTK_WIDGET (dialog), "add-key-dialog-done.png");
  for (guint i = 0; i < n_keys (fixture); i++)
    {
      g_autoptr (KbcSecurityKey) key = g_list_model_get_item (kbc_mfa_get_keys (fixture->mfa), i);

      listed |= g_str_equal (kbc_security_key_get_name (key), name);
    }
  g_assert_true (listed);
  g_assert_cmpuint (fixture->refreshes, ==, refreshes);

  /* Done closes it. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog_widget);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "done_button"));
  KBC_TEST_WAIT_FOR (dialog_widget == NULL);
}

/* The remove button of the row of @name: the password dialog. */
static KbcPasswordDialog *
open_remove (Fixture *fixture, const char *name)
{
  GtkWidget *expander =
      kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "expander_row");
  GtkWidget *row = find_widget (expander, ADW_TYPE_ACTION_ROW, name);
  KbcPasswordDialog *dialog;

  g_assert_nonnull (row);
  click (find_widget (row, GTK_TYPE_BUTTON, "keys.remove"));
  dialog = kbc_gui_wait_password_dialog ("Remove Security Key?");
  g_assert_true (gtk_widget_has_css_class (
      kbc_gui_template_child (dialog, KBC_TYPE_PASSWORD_DIALOG, "confirm_button"),
      "destructive-action"));
  return dialog;
}

/* ---- the tests ---- */

/* Two keys through the dialogs, touched by hand; then rename, and remove with
 * a wrong password and the right one, until MFA is off again. */
static void
test_add_rename_remove (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) blue = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) old = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  KbcAddKeyDialog *dialog;
  KbcPasswordDialog *password;
  AdwMessageDialog *prompt;
  GtkWidget *prompt_widget;
  GtkWidget *row;
  GtkWidget *entry;
  GtkWidget *expander =
      kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "expander_row");
  guint touches;

  g_assert_cmpuint (n_keys (fixture), ==, 0);
  g_assert_cmpstr (description (fixture), ==, "No security keys yet");
  g_assert_false (gtk_widget_get_visible (expander));
  /* No empty list under it (a stray line in libadwaita 1.2). */
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (expander)));
  kbc_gui_save_shot (fixture->window, "keys-group-empty.png");

  /* The first key: the dialog waits until the key is touched. */
  kbc_soft_key_unplug (old);
  kbc_soft_key_set_touch (blue, KBC_SOFT_KEY_TOUCH_MANUAL, 0);
  touches = kbc_soft_key_get_n_touch_requests (blue);
  password = open_add (fixture, "Blue key");
  kbc_gui_save_shot (GTK_WIDGET (password), "add-key-dialog-name.png");
  g_assert_true (kbc_gui_password_dialog_submit (password, PASSWORD));
  dialog = wait_touch_dialog (fixture);
  g_assert_true (
      label_shows (kbc_gui_template_child (
                       kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "key_prompt"),
                       KBC_TYPE_KEY_PROMPT, "title_label"),
                   "Touch your security key"));
  g_assert_true (
      label_shows (kbc_gui_template_child (
                       kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "key_prompt"),
                       KBC_TYPE_KEY_PROMPT, "countdown_label"),
                   "30 seconds left"));
  KBC_TEST_WAIT_FOR (kbc_soft_key_get_n_touch_requests (blue) > touches);
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  kbc_gui_save_shot (GTK_WIDGET (dialog), "add-key-dialog-touch.png");
  kbc_soft_key_touch (blue);
  wait_added (fixture, dialog, "Blue key");

  g_assert_cmpuint (n_keys (fixture), ==, 1);
  g_assert_cmpstr (description (fixture), ==, "You have configured 1 device");
  g_assert_true (gtk_widget_get_visible (expander));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (expander)));
  g_assert_true (kbc_mfa_get_enabled (fixture->mfa));
  row = find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key");
  g_assert_nonnull (row);
  g_assert_true (
      g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), " · Last used Never"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Added "));

  /* A second, U2F-only key. */
  kbc_soft_key_unplug (blue);
  kbc_soft_key_plug (old);
  dialog = start_add (fixture, "Old key");
  wait_added (fixture, dialog, "Old key");
  g_assert_cmpuint (n_keys (fixture), ==, 2);
  g_assert_cmpstr (description (fixture), ==, "You have configured 2 devices");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  KBC_TEST_WAIT_FOR (gtk_revealer_get_child_revealed (
      GTK_REVEALER (find_widget (expander, GTK_TYPE_REVEALER, NULL))));
  kbc_gui_save_shot (fixture->window, "keys-group.png");

  /* Rename "Blue key" with the row's own button, whose tooltip says so. */
  row = find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key");
  {
    g_autofree char *tooltip =
        kbc_tooltip_dup_text (find_widget (row, GTK_TYPE_BUTTON, "keys.rename"));

    g_assert_cmpstr (tooltip, ==, "Rename");
  }
  click (find_widget (row, GTK_TYPE_BUTTON, "keys.rename"));
  KBC_TEST_WAIT_FOR (
      (prompt = (AdwMessageDialog *) kbc_gui_find_window_titled ("Rename Security Key")) != NULL);
  prompt_widget = GTK_WIDGET (prompt);
  g_object_add_weak_pointer (G_OBJECT (prompt), (gpointer *) &prompt_widget);
  entry = find_widget (adw_message_dialog_get_extra_child (prompt), ADW_TYPE_ENTRY_ROW, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Blue key");
  /* A blank name cannot be sent. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (prompt, "rename"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Blue key (desk)");
  g_assert_true (adw_message_dialog_get_response_enabled (prompt, "rename"));
  click (find_widget (prompt_widget, GTK_TYPE_BUTTON, "_Rename"));
  KBC_TEST_WAIT_FOR (prompt_widget == NULL);
  /* The row follows its key, renamed in place. */
  g_assert_true (find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key (desk)") == row);
  g_assert_null (find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key"));
  g_assert_cmpuint (n_keys (fixture), ==, 2);

  /* Remove it: a wrong password keeps the prompt open with the reason and
   * removes nothing. */
  password = open_remove (fixture, "Blue key (desk)");
  g_assert_false (gtk_widget_is_sensitive (
      kbc_gui_template_child (password, KBC_TYPE_PASSWORD_DIALOG, "confirm_button")));
  g_assert_false (kbc_gui_password_dialog_submit (password, WRONG_PW));
  g_assert_cmpstr (kbc_password_dialog_get_error_message (password), ==,
                   "The current password is not correct.");
  kbc_gui_save_shot (GTK_WIDGET (password), "remove-key-prompt.png");
  g_assert_cmpstr (gtk_editable_get_text (
                       kbc_gui_template_child (password, KBC_TYPE_PASSWORD_DIALOG, "password_row")),
                   ==, "");
  g_assert_cmpuint (n_keys (fixture), ==, 2);

  /* The right one removes it. */
  g_assert_true (kbc_gui_password_dialog_submit (password, PASSWORD));
  g_assert_cmpuint (n_keys (fixture), ==, 1);
  g_assert_cmpstr (description (fixture), ==, "You have configured 1 device");
  g_assert_null (find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key (desk)"));
  g_assert_true (kbc_mfa_get_enabled (fixture->mfa));

  /* Cancel leaves the last one alone. */
  password = open_remove (fixture, "Old key");
  close_dialog (password);
  g_assert_cmpuint (n_keys (fixture), ==, 1);

  /* Removing the last key turns MFA off. */
  password = open_remove (fixture, "Old key");
  g_assert_true (kbc_gui_password_dialog_submit (password, PASSWORD));
  g_assert_cmpuint (n_keys (fixture), ==, 0);
  g_assert_cmpstr (description (fixture), ==, "No security keys yet");
  g_assert_false (gtk_widget_get_visible (expander));
  g_assert_false (kbc_mfa_get_enabled (fixture->mfa));

  /* Everything above changed the model in place: one GET, at the start. */
  g_assert_cmpuint (fixture->refreshes, ==, 1);
}

/* What goes wrong on the way to a key, each shown where it happens: the
 * password dialog keeps the name, the key dialog offers to try again. */
static void
test_add_failures (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) pin_key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  KbcFido *fido = kbc_account_get_fido (fixture->account);
  KbcPasswordDialog *password;
  KbcAddKeyDialog *dialog;
  GtkWidget *pin_error;
  GtkWidget *countdown;
  GtkWidget *error_row;
  guint touches;

  kbc_soft_key_unplug (pin_key);

  /* A wrong password: shown in the password dialog, which empties the
   * password and keeps the name. */
  password = open_add (fixture, "Work key");
  g_assert_false (kbc_gui_password_dialog_submit (password, WRONG_PW));
  g_assert_cmpstr (kbc_password_dialog_get_error_message (password), ==,
                   "The current password is not correct.");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                       find_widget (GTK_WIDGET (password), ADW_TYPE_ENTRY_ROW, "Key Name"))),
                   ==, "Work key");
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);
  g_assert_null (kbc_gui_find_toplevel (KBC_TYPE_ADD_KEY_DIALOG));

  /* Nobody touches the key: it times out (the app waits 2 s here). */
  kbc_fido_set_timeout (fido, 2000);
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  g_assert_true (kbc_gui_password_dialog_submit (password, PASSWORD));
  dialog = wait_touch_dialog (fixture);
  countdown = kbc_gui_template_child (
      kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "key_prompt"), KBC_TYPE_KEY_PROMPT,
      "countdown_label");
  g_assert_true (label_shows (countdown, "2 seconds left"));
  wait_failed (dialog);
  g_assert_cmpstr (failure (dialog), ==, "The security key was not touched in time.");
  kbc_gui_save_shot (GTK_WIDGET (dialog), "add-key-dialog-error.png");
  kbc_fido_set_timeout (fido, KBC_FIDO_DEFAULT_TIMEOUT_MS);

  /* Cancel stops the waiting key. */
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  touches = kbc_soft_key_get_n_touch_requests (key);
  try_again (dialog);
  KBC_TEST_WAIT_FOR (kbc_soft_key_get_n_touch_requests (key) > touches);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "cancel_button"));
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_CANCELLING);
  wait_failed (dialog);
  g_assert_cmpstr (failure (dialog), ==, "Cancelled. The security key was not added.");
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);

  /* No key plugged in. */
  kbc_soft_key_unplug (key);
  try_again (dialog);
  wait_failed (dialog);
  g_assert_cmpstr (failure (dialog), ==, "No security key found. Plug in your key and try again.");

  /* A key with a PIN: asked for, a wrong one, then the right one. */
  kbc_soft_key_set_pin (pin_key, PIN, 8);
  kbc_soft_key_plug (pin_key);
  try_again (dialog);
  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_PIN);
  pin_error = kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "pin_error");
  g_assert_false (gtk_widget_is_sensitive (
      kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "continue_button")));
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "pin_row"),
                         "0000");
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "continue_button"));
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_PIN);
  g_assert_true (label_shows (pin_error, "Wrong PIN. 7 tries left."));
  kbc_gui_save_shot (GTK_WIDGET (dialog), "add-key-dialog-pin.png");
  g_assert_true (gtk_widget_has_css_class (pin_error, "error"));
  g_assert_cmpint (kbc_soft_key_get_pin_retries (pin_key), ==, 7);
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "pin_row"), PIN);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "continue_button"));
  wait_added (fixture, dialog, "Work key");
  g_assert_cmpuint (kbc_soft_key_count_credentials_for (pin_key, "localhost"), ==, 1);
  g_assert_cmpuint (n_keys (fixture), ==, 1);

  /* The same key again: already registered. */
  dialog = start_add (fixture, "Work key again");
  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_PIN);
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "pin_row"), PIN);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "continue_button"));
  wait_failed (dialog);
  g_assert_nonnull (failure (dialog));
  g_assert_nonnull (strstr (failure (dialog), "already registered"));
  g_assert_cmpuint (n_keys (fixture), ==, 1);
  close_dialog (dialog);

  /* Closing the dialog while the key waits stops the key… */
  kbc_soft_key_unplug (pin_key);
  kbc_soft_key_plug (key);
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  touches = kbc_soft_key_get_n_touch_requests (key);
  dialog = start_add (fixture, "Spare key");
  KBC_TEST_WAIT_FOR (kbc_soft_key_get_n_touch_requests (key) > touches);
  close_dialog (dialog);

  /* … so that the next dialog gets the key at once. */
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_AUTO, 0);
  dialog = start_add (fixture, "Spare key");
  wait_added (fixture, dialog, "Spare key");
  g_assert_cmpuint (n_keys (fixture), ==, 2);
  g_assert_cmpstr (description (fixture), ==, "You have configured 2 devices");

  /* A dead server: the password dialog says so and keeps the name; the
   * group keeps the keys it knows, offers Retry, and is whole again once
   * the server is back. */
  kbc_test_server_stop (fixture->server);
  password = open_add (fixture, "Third key");
  g_assert_false (kbc_gui_password_dialog_submit (password, PASSWORD));
  g_assert_nonnull (kbc_password_dialog_get_error_message (password));
  g_test_message ("dead server: %s", kbc_password_dialog_get_error_message (password));
  close_dialog (password);

  error_row = kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "error_row");
  g_assert_false (gtk_widget_get_visible (error_row));
  kbc_resource_refresh (KBC_RESOURCE (fixture->mfa));
  KBC_TEST_WAIT_FOR (!kbc_resource_get_loading (KBC_RESOURCE (fixture->mfa)));
  g_assert_true (gtk_widget_get_visible (error_row));
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "expander_row")));
  g_assert_cmpuint (n_keys (fixture), ==, 2);

  kbc_test_server_restart (fixture->server);
  click (find_widget (error_row, GTK_TYPE_BUTTON, "_Retry"));
  KBC_TEST_WAIT_FOR (!gtk_widget_get_visible (error_row) && settled (fixture));
  g_assert_cmpuint (n_keys (fixture), ==, 2);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  kbc_soft_key_install_provider ();

  /* What KbcApplication gets from its resource base path: the icons (the
   * security key) and the style sheet (its pulse). */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    RESOURCE_PREFIX "/icons");
  gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

#define ADD(path, func) \
  g_test_add ("/kbc/gui/keys/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("add-rename-remove", test_add_rename_remove);
  ADD ("add-failures", test_add_failures);

#undef ADD

  return g_test_run ();
}
