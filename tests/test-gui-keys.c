/* test-gui-keys.c: security keys through the real widgets against the real server
 *
 * A KbcKeysGroup in a window, signed in to a real kbc-account-server, with
 * libfido2 talking CTAPHID to the software security key. The test presses the
 * real buttons: "Add Security Key", then in KbcAddKeyDialog types a name and
 * the password, presses Add and touches the key; it renames and removes keys
 * through the real message dialogs. On the way it makes the mistakes users
 * make and meets the failures keys have: a wrong password, nobody touching
 * the key, Cancel, closing the dialog, no key at all, a PIN (wrong, then
 * right), a key already registered, and a dead server.
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
#include "kbc-soft-key.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"

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

static GtkWidget *
find_error_label (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "error"))
        return child;
      found = find_error_label (child);
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

/* Screenshots, only when asked for */

static void
save_shot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("KBC_TEST_SHOTS_DIR");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width;
  int height;

  if (dir == NULL)
    return;

  /* Let animations (the key's pulse) get going: a picture, not a check. */
  {
    gint64 until = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;

    KBC_TEST_WAIT_FOR (g_get_monotonic_time () >= until);
  }
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_mkdir_with_parents (dir, 0755);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* The fixture: a signed-in account and the group in a window */

typedef struct
{
  KbcTestServer *server;
  KbcAccount *account;
  GtkWidget *window;
  KbcKeysGroup *group;
  GPtrArray *added; /* JsonNode devices from key-added */
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *page = adw_preferences_page_new ();

  fixture->server = kbc_test_server_new ();
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
  fixture->account = kbc_account_new (kbc_test_server_get_url (fixture->server), &error);
  g_assert_no_error (error);
  kbc_account_login_async (fixture->account, EMAIL, PASSWORD, NULL, kbc_test_on_done, &result);
  g_assert_cmpint (kbc_account_login_finish (fixture->account, kbc_test_wait_for (&result), &error),
                   ==, KBC_LOGIN_SIGNED_IN);
  g_assert_no_error (error);
  g_assert_false (kbc_account_get_mfa_enabled (fixture->account));

  fixture->added = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  fixture->group = KBC_KEYS_GROUP (kbc_keys_group_new (fixture->account));
  fixture->window = gtk_window_new ();
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (fixture->group));
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), page);
  gtk_window_set_child (GTK_WINDOW (fixture->window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 720, 560);
  gtk_window_present (GTK_WINDOW (fixture->window));

  KBC_TEST_WAIT_FOR (!kbc_keys_group_get_loading (fixture->group) &&
                     gtk_widget_get_mapped (GTK_WIDGET (fixture->group)));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_pointer (&fixture->added, g_ptr_array_unref);
  g_assert_finalize_object (fixture->account);
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

static const char *
description (Fixture *fixture)
{
  return adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (fixture->group));
}

static void
on_key_added (KbcAddKeyDialog *dialog, JsonNode *device, Fixture *fixture)
{
  g_ptr_array_add (fixture->added, json_node_ref (device));
}

/* "Add Security Key" in the group's header opens the dialog. */
static KbcAddKeyDialog *
open_add_dialog (Fixture *fixture)
{
  KbcAddKeyDialog *dialog;

  g_assert_null (kbc_gui_find_toplevel (KBC_TYPE_ADD_KEY_DIALOG));
  click (kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "add_button"));
  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (KBC_TYPE_ADD_KEY_DIALOG)) != NULL);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) ==
                 GTK_WINDOW (fixture->window));
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_NAME);
  g_signal_connect (dialog, "key-added", G_CALLBACK (on_key_added), fixture);

  return dialog;
}

/* Types @name and @password into the form and presses Add. */
static void
press_add (KbcAddKeyDialog *dialog, const char *name, const char *password)
{
  GtkWidget *add = kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "add_button");

  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "name_row"),
                         name);
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "password_row"),
                         password);
  click (add);
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_TOUCH);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                       kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "stack")),
                   ==, "touch");
}

static const char *
form_error (KbcAddKeyDialog *dialog)
{
  GtkWidget *label = kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "error_label");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
wait_back_at_form (KbcAddKeyDialog *dialog, const char *name)
{
  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_NAME);
  /* Nothing typed is lost. */
  g_assert_cmpstr (
      gtk_editable_get_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "name_row")),
      ==, name);
}

/* Waits for the success page and checks its text. */
static void
wait_added (Fixture *fixture, KbcAddKeyDialog *dialog, const char *name)
{
  g_autofree char *expected = g_strdup_printf ("The new u2f device \"%s\" was added.", name);
  guint added = fixture->added->len;
  GtkWidget *dialog_widget = GTK_WIDGET (dialog);

  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_DONE);
  g_assert_true (label_shows (
      kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "message_label"), expected));
  save_shot (GTK_WIDGET (dialog), "add-key-dialog-done.png");
  g_assert_cmpuint (fixture->added->len, ==, added + 1);
  g_assert_cmpstr (json_object_get_string_member (
                       json_node_get_object (g_ptr_array_index (fixture->added, added)), "name"),
                   ==, name);

  /* Done closes it. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog_widget);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "done_button"));
  KBC_TEST_WAIT_FOR (dialog_widget == NULL);
}

/* ---- the tests ---- */

/* Two keys through the dialog, touched by hand; then rename, and remove with
 * a wrong password and the right one, until MFA is off again. */
static void
test_add_rename_remove (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) blue = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) old = kbc_soft_key_new (KBC_SOFT_KEY_U2F_ONLY);
  KbcAddKeyDialog *dialog;
  AdwMessageDialog *prompt;
  GtkWidget *prompt_widget;
  GtkWidget *row;
  GtkWidget *entry;
  GtkWidget *error_label;
  GtkWidget *expander =
      kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "expander_row");
  guint touches;

  g_assert_cmpuint (kbc_keys_group_get_n_keys (fixture->group), ==, 0);
  g_assert_cmpstr (description (fixture), ==, "No security keys yet");
  g_assert_false (gtk_widget_get_visible (expander));

  /* The first key: the dialog waits until the key is touched. */
  kbc_soft_key_unplug (old);
  kbc_soft_key_set_touch (blue, KBC_SOFT_KEY_TOUCH_MANUAL, 0);
  touches = kbc_soft_key_get_n_touch_requests (blue);
  dialog = open_add_dialog (fixture);
  /* Add needs a name and the password. */
  g_assert_false (gtk_widget_is_sensitive (
      kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "add_button")));
  save_shot (GTK_WIDGET (dialog), "add-key-dialog-name.png");
  press_add (dialog, "Blue key", PASSWORD);
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
  save_shot (GTK_WIDGET (dialog), "add-key-dialog-touch.png");
  kbc_soft_key_touch (blue);
  wait_added (fixture, dialog, "Blue key");

  KBC_TEST_WAIT_FOR (kbc_keys_group_get_n_keys (fixture->group) == 1 &&
                     !kbc_keys_group_get_loading (fixture->group));
  g_assert_cmpstr (description (fixture), ==, "You have configured 1 device");
  g_assert_true (gtk_widget_get_visible (expander));
  g_assert_true (kbc_account_get_mfa_enabled (fixture->account));
  row = find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key");
  g_assert_nonnull (row);
  g_assert_true (
      g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), " · Last used Never"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Added "));

  /* A second, U2F-only key. */
  kbc_soft_key_unplug (blue);
  kbc_soft_key_plug (old);
  dialog = open_add_dialog (fixture);
  press_add (dialog, "Old key", PASSWORD);
  wait_added (fixture, dialog, "Old key");
  KBC_TEST_WAIT_FOR (kbc_keys_group_get_n_keys (fixture->group) == 2 &&
                     !kbc_keys_group_get_loading (fixture->group));
  g_assert_cmpstr (description (fixture), ==, "You have configured 2 devices");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  KBC_TEST_WAIT_FOR (gtk_revealer_get_child_revealed (
      GTK_REVEALER (find_widget (expander, GTK_TYPE_REVEALER, NULL))));
  save_shot (fixture->window, "keys-group.png");

  /* Rename "Blue key" with the row's own button. */
  row = find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key");
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
  KBC_TEST_WAIT_FOR (find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key (desk)") != NULL &&
                     !kbc_keys_group_get_loading (fixture->group));
  g_assert_null (find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key"));
  g_assert_cmpuint (kbc_keys_group_get_n_keys (fixture->group), ==, 2);

  /* Remove it: a wrong password keeps the prompt open with the reason and
   * removes nothing. */
  row = find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key (desk)");
  click (find_widget (row, GTK_TYPE_BUTTON, "keys.remove"));
  KBC_TEST_WAIT_FOR (
      (prompt = (AdwMessageDialog *) kbc_gui_find_window_titled ("Remove Security Key?")) != NULL);
  prompt_widget = GTK_WIDGET (prompt);
  g_object_add_weak_pointer (G_OBJECT (prompt), (gpointer *) &prompt_widget);
  entry =
      find_widget (adw_message_dialog_get_extra_child (prompt), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  error_label = find_error_label (adw_message_dialog_get_extra_child (prompt));
  g_assert_nonnull (error_label);
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_false (adw_message_dialog_get_response_enabled (prompt, "remove"));
  gtk_editable_set_text (GTK_EDITABLE (entry), WRONG_PW);
  click (find_widget (prompt_widget, GTK_TYPE_BUTTON, "_Remove"));
  KBC_TEST_WAIT_FOR (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==,
                   "The current password is not correct.");
  save_shot (prompt_widget, "remove-key-prompt.png");
  g_assert_nonnull (prompt_widget);
  g_assert_true (gtk_widget_get_visible (prompt_widget));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  kbc_keys_group_reload (fixture->group);
  KBC_TEST_WAIT_FOR (!kbc_keys_group_get_loading (fixture->group));
  g_assert_cmpuint (kbc_keys_group_get_n_keys (fixture->group), ==, 2);

  /* The right one removes it. */
  gtk_editable_set_text (GTK_EDITABLE (entry), PASSWORD);
  click (find_widget (prompt_widget, GTK_TYPE_BUTTON, "_Remove"));
  KBC_TEST_WAIT_FOR (prompt_widget == NULL);
  KBC_TEST_WAIT_FOR (kbc_keys_group_get_n_keys (fixture->group) == 1 &&
                     !kbc_keys_group_get_loading (fixture->group));
  g_assert_cmpstr (description (fixture), ==, "You have configured 1 device");
  g_assert_null (find_widget (expander, ADW_TYPE_ACTION_ROW, "Blue key (desk)"));
  g_assert_true (kbc_account_get_mfa_enabled (fixture->account));

  /* Cancel leaves the last one alone. */
  row = find_widget (expander, ADW_TYPE_ACTION_ROW, "Old key");
  click (find_widget (row, GTK_TYPE_BUTTON, "keys.remove"));
  KBC_TEST_WAIT_FOR (
      (prompt = (AdwMessageDialog *) kbc_gui_find_window_titled ("Remove Security Key?")) != NULL);
  prompt_widget = GTK_WIDGET (prompt);
  g_object_add_weak_pointer (G_OBJECT (prompt), (gpointer *) &prompt_widget);
  click (find_widget (prompt_widget, GTK_TYPE_BUTTON, "_Cancel"));
  KBC_TEST_WAIT_FOR (prompt_widget == NULL);
  g_assert_cmpuint (kbc_keys_group_get_n_keys (fixture->group), ==, 1);

  /* Removing the last key turns MFA off. */
  click (find_widget (row, GTK_TYPE_BUTTON, "keys.remove"));
  KBC_TEST_WAIT_FOR (
      (prompt = (AdwMessageDialog *) kbc_gui_find_window_titled ("Remove Security Key?")) != NULL);
  prompt_widget = GTK_WIDGET (prompt);
  g_object_add_weak_pointer (G_OBJECT (prompt), (gpointer *) &prompt_widget);
  entry =
      find_widget (adw_message_dialog_get_extra_child (prompt), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), PASSWORD);
  click (find_widget (prompt_widget, GTK_TYPE_BUTTON, "_Remove"));
  KBC_TEST_WAIT_FOR (prompt_widget == NULL);
  KBC_TEST_WAIT_FOR (kbc_keys_group_get_n_keys (fixture->group) == 0 &&
                     !kbc_keys_group_get_loading (fixture->group));
  g_assert_cmpstr (description (fixture), ==, "No security keys yet");
  g_assert_false (gtk_widget_get_visible (expander));
  KBC_TEST_WAIT_FOR (!kbc_account_get_mfa_enabled (fixture->account));
}

/* What goes wrong on the way to a key, each shown in the dialog, which keeps
 * the name and lets the user try again. */
static void
test_add_failures (Fixture *fixture, gconstpointer data)
{
  g_autoptr (KbcSoftKey) key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  g_autoptr (KbcSoftKey) pin_key = kbc_soft_key_new (KBC_SOFT_KEY_FIDO2);
  KbcFido *fido = kbc_account_get_fido (fixture->account);
  KbcAddKeyDialog *dialog;
  GtkWidget *dialog_widget;
  GtkWidget *password_row;
  GtkWidget *pin_error;
  GtkWidget *countdown;
  GtkWidget *error_row;
  guint touches;

  kbc_soft_key_unplug (pin_key);
  dialog = open_add_dialog (fixture);
  password_row = kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "password_row");
  countdown = kbc_gui_template_child (
      kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "key_prompt"), KBC_TYPE_KEY_PROMPT,
      "countdown_label");

  /* A wrong password: shown on the password field, which is emptied. */
  press_add (dialog, "Work key", WRONG_PW);
  wait_back_at_form (dialog, "Work key");
  g_assert_true (
      label_shows (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "password_error"),
                   "The current password is not correct."));
  g_assert_true (gtk_widget_has_css_class (password_row, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password_row)), ==, "");
  g_assert_null (form_error (dialog));
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);

  /* Nobody touches the key: it times out (the app waits 2 s here). */
  kbc_fido_set_timeout (fido, 2000);
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  press_add (dialog, "Work key", PASSWORD);
  g_assert_false (gtk_widget_has_css_class (password_row, "error"));
  g_assert_true (label_shows (countdown, "2 seconds left"));
  wait_back_at_form (dialog, "Work key");
  g_assert_cmpstr (form_error (dialog), ==, "The security key was not touched in time.");
  save_shot (GTK_WIDGET (dialog), "add-key-dialog-error.png");
  kbc_fido_set_timeout (fido, KBC_FIDO_DEFAULT_TIMEOUT_MS);

  /* Cancel stops the waiting key. */
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  touches = kbc_soft_key_get_n_touch_requests (key);
  press_add (dialog, "Work key", PASSWORD);
  KBC_TEST_WAIT_FOR (kbc_soft_key_get_n_touch_requests (key) > touches);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "cancel_button"));
  g_assert_cmpint (kbc_add_key_dialog_get_state (dialog), ==, KBC_ADD_KEY_DIALOG_STATE_CANCELLING);
  wait_back_at_form (dialog, "Work key");
  g_assert_cmpstr (form_error (dialog), ==, "Cancelled. The security key was not added.");
  g_assert_cmpuint (kbc_soft_key_get_n_credentials (key), ==, 0);

  /* No key plugged in. */
  kbc_soft_key_unplug (key);
  press_add (dialog, "Work key", PASSWORD);
  wait_back_at_form (dialog, "Work key");
  g_assert_cmpstr (form_error (dialog), ==,
                   "No security key found. Plug in your key and try again.");

  /* A key with a PIN: asked for, a wrong one, then the right one. */
  kbc_soft_key_set_pin (pin_key, PIN, 8);
  kbc_soft_key_plug (pin_key);
  press_add (dialog, "Work key", PASSWORD);
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
  save_shot (GTK_WIDGET (dialog), "add-key-dialog-pin.png");
  g_assert_true (gtk_widget_has_css_class (pin_error, "error"));
  g_assert_cmpint (kbc_soft_key_get_pin_retries (pin_key), ==, 7);
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "pin_row"), PIN);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "continue_button"));
  wait_added (fixture, dialog, "Work key");
  g_assert_cmpuint (kbc_soft_key_count_credentials_for (pin_key, "localhost"), ==, 1);
  KBC_TEST_WAIT_FOR (kbc_keys_group_get_n_keys (fixture->group) == 1 &&
                     !kbc_keys_group_get_loading (fixture->group));

  /* The same key again: already registered. */
  dialog = open_add_dialog (fixture);
  press_add (dialog, "Work key again", PASSWORD);
  KBC_TEST_WAIT_FOR (kbc_add_key_dialog_get_state (dialog) == KBC_ADD_KEY_DIALOG_STATE_PIN);
  gtk_editable_set_text (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "pin_row"), PIN);
  click (kbc_gui_template_child (dialog, KBC_TYPE_ADD_KEY_DIALOG, "continue_button"));
  wait_back_at_form (dialog, "Work key again");
  g_assert_nonnull (form_error (dialog));
  g_assert_nonnull (strstr (form_error (dialog), "already registered"));
  g_assert_cmpuint (kbc_keys_group_get_n_keys (fixture->group), ==, 1);

  /* Closing the dialog while the key waits stops the key. */
  kbc_soft_key_unplug (pin_key);
  kbc_soft_key_plug (key);
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_NEVER, 0);
  touches = kbc_soft_key_get_n_touch_requests (key);
  press_add (dialog, "Spare key", PASSWORD);
  KBC_TEST_WAIT_FOR (kbc_soft_key_get_n_touch_requests (key) > touches);
  dialog_widget = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog_widget);
  g_assert_true (gtk_widget_activate_action (dialog_widget, "window.close", NULL));
  KBC_TEST_WAIT_FOR (dialog_widget == NULL);

  /* … so that the next dialog gets the key at once. */
  kbc_soft_key_set_touch (key, KBC_SOFT_KEY_TOUCH_AUTO, 0);
  dialog = open_add_dialog (fixture);
  press_add (dialog, "Spare key", PASSWORD);
  wait_added (fixture, dialog, "Spare key");
  KBC_TEST_WAIT_FOR (kbc_keys_group_get_n_keys (fixture->group) == 2 &&
                     !kbc_keys_group_get_loading (fixture->group));
  g_assert_cmpstr (description (fixture), ==, "You have configured 2 devices");

  /* A dead server: the dialog says so and keeps the name; the group offers
   * Retry, which works once the server is back. */
  kbc_test_server_stop (fixture->server);
  kbc_soft_key_unplug (key);
  dialog = open_add_dialog (fixture);
  press_add (dialog, "Third key", PASSWORD);
  wait_back_at_form (dialog, "Third key");
  g_assert_nonnull (form_error (dialog));
  g_test_message ("dead server: %s", form_error (dialog));
  dialog_widget = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog_widget);
  g_assert_true (gtk_widget_activate_action (dialog_widget, "window.close", NULL));
  KBC_TEST_WAIT_FOR (dialog_widget == NULL);

  error_row = kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "error_row");
  kbc_keys_group_reload (fixture->group);
  KBC_TEST_WAIT_FOR (!kbc_keys_group_get_loading (fixture->group));
  g_assert_true (gtk_widget_get_visible (error_row));
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (fixture->group, KBC_TYPE_KEYS_GROUP, "expander_row")));

  kbc_test_server_restart (fixture->server);
  click (find_widget (error_row, GTK_TYPE_BUTTON, "_Retry"));
  KBC_TEST_WAIT_FOR (!gtk_widget_get_visible (error_row) &&
                     !kbc_keys_group_get_loading (fixture->group));
  g_assert_cmpuint (kbc_keys_group_get_n_keys (fixture->group), ==, 2);
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
