/* kbc-test-gui.c: driving the real KbcApplication and its window in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-test-gui.h"

#include "kbc-stack.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "kbc-keyring.h"
#include "kbc-sign-in-page.h"

GSettings *
kbc_gui_get_settings (void)
{
  static GSettings *settings;

  if (settings == NULL)
    settings = g_settings_new (APP_ID);

  return settings;
}

void
kbc_gui_reset_settings (void)
{
  GSettings *settings = kbc_gui_get_settings ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static KbcWindow *
get_window (KbcApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (KBC_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

typedef struct
{
  KbcGuiAppFunc on_window;
  KbcGuiAppFunc func;
  gpointer data;
  KbcApplication *app;
  gpointer window;
  gboolean ran;
} AppRun;

static gboolean
run_test_cb (gpointer user_data)
{
  AppRun *run = user_data;
  KbcApplication *app = run->app;
  KbcWindow *window = get_window (app);

  g_assert_nonnull (window);
  /* GTK 4.8 warns when a text cursor blink fires after its entry lost focus
   * (a race in GtkText, not in the app); tests do not need blinking. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  run->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), &run->window);

  run->func (app, window, run->data);
  run->ran = TRUE;

  /* The last window going releases the application: g_application_run() returns. */
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));

  return G_SOURCE_REMOVE;
}

static void
activated_cb (GApplication *app, AppRun *run)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, run_test_cb, run, NULL);
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window, AppRun *run)
{
  if (KBC_IS_WINDOW (window))
    run->on_window (KBC_APPLICATION (app), KBC_WINDOW (window), run->data);
}

void
kbc_gui_app_run (KbcGuiAppFunc func, gpointer data)
{
  kbc_gui_app_run_full (NULL, func, data);
}

void
kbc_gui_app_run_full (KbcGuiAppFunc on_window, KbcGuiAppFunc func, gpointer data)
{
  KbcApplication *app = kbc_application_new ();
  AppRun run = { on_window, func, data, app, NULL, FALSE };
  gpointer app_ptr = app;
  int status;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  /* No desktop notifications: the session bus of the tests has no server
   * for them (test-gui-notifications brings its own and turns them on). */
  g_settings_set_boolean (kbc_gui_get_settings (), "desktop-notifications", FALSE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), &run);
  if (on_window != NULL)
    g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), &run);

  status = g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.ran);

  g_object_add_weak_pointer (G_OBJECT (app), &app_ptr);
  g_object_unref (app);
  kbc_test_wait_until (is_null, &run.window, "the window to be finalized");
  kbc_test_wait_until (is_null, &app_ptr, "the application to be finalized");
}

typedef struct
{
  KbcWindow *window;
  const char *view;
} ViewWait;

static gboolean
view_is (gpointer data)
{
  ViewWait *wait = data;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (wait->window));

  if (g_strcmp0 (kbc_window_get_view (wait->window), wait->view) != 0)
    return FALSE;
  /* "main" shows the cached profile while a saved session is verified:
   * the account is there once the session is signed in. */
  if (g_strcmp0 (wait->view, "main") == 0 && KBC_IS_APPLICATION (app))
    return kbc_session_get_state (kbc_application_get_session (KBC_APPLICATION (app))) ==
           KBC_SESSION_STATE_SIGNED_IN;
  return TRUE;
}

void
kbc_gui_wait_view (KbcWindow *window, const char *view)
{
  ViewWait wait = { window, view };
  g_autofree char *what = g_strdup_printf ("the view “%s”", view);

  kbc_test_wait_until (view_is, &wait, what);
}

/* The menu item under @root labelled @text (its mnemonic underline aside). */
static GtkWidget *
find_menu_item (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    {
      for (GtkWidget *item = root; item != NULL; item = gtk_widget_get_parent (item))
        if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (item)) ==
            GTK_ACCESSIBLE_ROLE_MENU_ITEM)
          return item;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_item (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
has_message_dialog (gpointer data)
{
  return kbc_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

void
kbc_gui_sign_out (KbcWindow *window)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  KbcSession *session = kbc_application_get_session (KBC_APPLICATION (app));
  GtkWidget *button = kbc_gui_child (window, KBC_TYPE_WINDOW, "account_button");
  GtkPopover *popover;
  GtkWidget *item;

  /* The header bar's account button opens its menu, as a click or Enter does. */
  kbc_gui_wait_view (window, "main");
  kbc_test_wait_until (is_mapped, button, "the account button to show");
  g_assert_true (gtk_widget_activate (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  kbc_test_wait_until (is_mapped, popover, "the account menu to open");

  /* Its "Sign Out" item, activated as a click or Enter does: the menu
   * activates the item's action, app.sign-out. */
  item = find_menu_item (GTK_WIDGET (popover), "Sign Out");
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_is_sensitive (item));
  g_assert_true (gtk_widget_activate (item));

  /* A token the user brought is only forgotten: the app asks first, and
   * says so. */
  if (kbc_session_get_uses_access_token (session))
    {
      AdwMessageDialog *dialog;

      kbc_test_wait_until (has_message_dialog, NULL, "the sign-out confirmation");
      dialog = kbc_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Sign Out?");
      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "stays valid"));
      g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
      adw_message_dialog_response (dialog, "sign-out");
    }

  kbc_gui_wait_view (window, "sign-in");
}

static void
busy_changed_cb (KbcSignInPage *page, GParamSpec *pspec, guint *submits)
{
  if (kbc_sign_in_page_get_busy (page))
    (*submits)++;
}

static gboolean
has_submitted (gpointer data)
{
  return *(guint *) data > 0;
}

/* Clicks Sign In and waits until the page took it. */
static void
click_sign_in (KbcSignInPage *page)
{
  GtkWidget *button = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "sign_in_button");
  guint submits = 0;
  gulong handler;

  g_assert_true (gtk_widget_is_sensitive (button));
  handler = g_signal_connect (page, "notify::busy", G_CALLBACK (busy_changed_cb), &submits);
  g_assert_true (gtk_widget_activate (button));
  /* The button clicks after its press animation: wait for the submission. */
  kbc_test_wait_until (has_submitted, &submits, "the Sign In button to submit");
  g_signal_handler_disconnect (page, handler);
}

static gboolean
offers_password (gpointer data)
{
  KbcSignInPage *page = data;
  g_autofree char *method = NULL;

  g_object_get (page, "method", &method, NULL);
  return (kbc_sign_in_page_get_methods (page) & KBC_SIGN_IN_METHOD_PASSWORD) &&
         g_strcmp0 (method, "password") == 0;
}

void
kbc_gui_sign_in (KbcWindow *window, const char *url, const char *email, const char *password)
{
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  GtkWidget *email_row, *password_row;

  if (url != NULL)
    kbc_sign_in_page_set_custom_url (page, url);

  /* The form shows email and password once the server listed them. */
  kbc_test_wait_until (offers_password, page, "the server to offer password sign-in");

  email_row = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "email_row");
  password_row = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "password_row");
  g_assert_true (gtk_widget_is_visible (password_row));

  gtk_editable_set_text (GTK_EDITABLE (email_row), email);
  gtk_editable_set_text (GTK_EDITABLE (password_row), password);
  click_sign_in (page);
}

void
kbc_gui_sign_in_with_token (KbcWindow *window, const char *url, const char *token)
{
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);
  GtkWidget *token_row;
  g_autofree char *method = NULL;

  if (url != NULL)
    kbc_sign_in_page_set_custom_url (page, url);

  g_object_get (page, "method", &method, NULL);
  if (g_strcmp0 (method, "token") != 0)
    gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.method", "s", "token");

  token_row = kbc_gui_child (GTK_WIDGET (page), KBC_TYPE_SIGN_IN_PAGE, "token_row");
  g_assert_true (gtk_widget_is_visible (token_row));
  gtk_editable_set_text (GTK_EDITABLE (token_row), token);
  click_sign_in (page);
}

static gboolean
sign_in_settled (gpointer data)
{
  KbcSignInPage *page = data;

  return !kbc_sign_in_page_get_busy (page) && kbc_sign_in_page_get_message (page) != NULL;
}

const char *
kbc_gui_wait_sign_in_message (KbcWindow *window)
{
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);

  kbc_test_wait_until (sign_in_settled, page, "a message on the sign-in page");
  return kbc_sign_in_page_get_message (page);
}

char *
kbc_gui_keyring_lookup (const char *stack_url, const char *email)
{
  g_autoptr (GError) error = NULL;
  char *token;

  token = secret_password_lookup_sync (kbc_keyring_get_schema (), NULL, &error, "stack-url",
                                       stack_url, "email", email, NULL);
  g_assert_no_error (error);

  return token;
}

typedef struct
{
  const char *stack_url;
  const char *email;
  gboolean present;
} KeyringWait;

static gboolean
keyring_is (gpointer data)
{
  KeyringWait *wait = data;
  g_autofree char *token = kbc_gui_keyring_lookup (wait->stack_url, wait->email);

  return (token != NULL) == wait->present;
}

void
kbc_gui_wait_keyring (const char *stack_url, const char *email, gboolean present)
{
  KeyringWait wait = { stack_url, email, present };

  kbc_test_wait_until (keyring_is, &wait,
                       present ? "the session in the keyring" : "the keyring entry to go");
}

static gboolean
has_size (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static void
after_paint_cb (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
kbc_gui_wait_drawn (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  kbc_test_wait_until (has_size, widget, "a widget to be mapped with a size");
  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  kbc_test_wait_until (is_true, &painted, "a widget's window to paint a frame");
  g_signal_handler_disconnect (clock, handler);
}

static gboolean
content_fits (gpointer data)
{
  GtkWidget *scrolled = kbc_gui_find_descendant (data, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  return gtk_adjustment_get_page_size (adjustment) > 0 &&
         gtk_adjustment_get_upper (adjustment) <= gtk_adjustment_get_page_size (adjustment);
}

void
kbc_gui_wait_content_fits (GtkWidget *window, const char *what)
{
  /* The adjustment is the last layout's: wait for one after the change. */
  kbc_gui_wait_drawn (window);
  kbc_test_wait_until (content_fits, window, what);
}

void
kbc_gui_unref_finalized (gpointer object)
{
  gpointer pointer = object;

  g_object_add_weak_pointer (object, &pointer);
  g_object_unref (object);
  kbc_test_wait_until (is_null, &pointer, "an object to be finalized");
}

GtkWidget *
kbc_gui_find_descendant (GtkWidget *root, GType type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = kbc_gui_find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

gboolean
kbc_gui_has_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_label (GTK_LABEL (root)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (kbc_gui_has_label (child, text))
      return TRUE;

  return FALSE;
}

gboolean
kbc_gui_api_login (const char *url, const char *email, const char *password, GError **error)
{
  g_autoptr (KbcSession) session = kbc_session_new (NULL, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) logout = NULL;
  KbcLoginResult login;

  kbc_session_sign_in_async (session, KBC_STACK_CUSTOM, url, email, password, NULL,
                             kbc_test_on_done, &result);
  login = kbc_session_sign_in_finish (
      session, kbc_test_wait_for_result (&result, "a sign-in through the API"), error);
  if (login != KBC_LOGIN_SIGNED_IN)
    return FALSE;

  /* Tidy: this second session is not needed. */
  kbc_session_sign_out_async (session, NULL, kbc_test_on_done, &logout);
  g_assert_true (kbc_session_sign_out_finish (
      session, kbc_test_wait_for_result (&logout, "a sign-out through the API"), NULL));

  return TRUE;
}

void
kbc_gui_api_revoke (const char *url, const char *token)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KbcAccount) account = NULL;
  g_autoptr (GAsyncResult) restored = NULL;
  g_autoptr (GAsyncResult) logout = NULL;

  account = kbc_account_new (url, &error);
  g_assert_no_error (error);

  kbc_account_adopt_token_async (account, token, NULL, kbc_test_on_done, &restored);
  g_assert_true (kbc_account_adopt_token_finish (
      account, kbc_test_wait_for_result (&restored, "a token check through the API"), &error));
  g_assert_no_error (error);

  kbc_account_logout_async (account, NULL, kbc_test_on_done, &logout);
  g_assert_true (kbc_account_logout_finish (
      account, kbc_test_wait_for_result (&logout, "a sign-out through the API"), &error));
  g_assert_no_error (error);
}

gboolean
kbc_gui_api_check_token (const char *url, const char *token, GError **error)
{
  g_autoptr (KbcAccount) account = NULL;
  g_autoptr (GAsyncResult) restored = NULL;

  account = kbc_account_new (url, error);
  g_assert_nonnull (account);

  kbc_account_adopt_token_async (account, token, NULL, kbc_test_on_done, &restored);
  return kbc_account_adopt_token_finish (
      account, kbc_test_wait_for_result (&restored, "a token check through the API"), error);
}

void
kbc_gui_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        kbc_gui_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

gpointer
kbc_gui_template_child (gpointer widget, GType type, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

gpointer
kbc_gui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* not owned */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

GtkWindow *
kbc_gui_find_window_titled (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* not owned */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_window_get_title (window), title) == 0 &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static KbcPasswordDialog *
find_password_dialog (const char *heading)
{
  GtkWindow *window = kbc_gui_find_window_titled (heading);

  return KBC_IS_PASSWORD_DIALOG (window) ? KBC_PASSWORD_DIALOG (window) : NULL;
}

KbcPasswordDialog *
kbc_gui_wait_password_dialog (const char *heading)
{
  KbcPasswordDialog *dialog = NULL;

  KBC_TEST_WAIT_FOR ((dialog = find_password_dialog (heading)) != NULL);
  return dialog;
}

gboolean
kbc_gui_password_dialog_submit (KbcPasswordDialog *dialog, const char *password)
{
  g_autoptr (KbcPasswordDialog) held = g_object_ref (dialog);
  GtkEditable *row = kbc_gui_template_child (dialog, KBC_TYPE_PASSWORD_DIALOG, "password_row");
  GtkWidget *button = kbc_gui_template_child (dialog, KBC_TYPE_PASSWORD_DIALOG, "confirm_button");

  gtk_editable_set_text (row, password);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "password-dialog.confirm", NULL));
  g_assert_cmpint (kbc_password_dialog_get_state (dialog), ==, KBC_PASSWORD_DIALOG_STATE_BUSY);
  KBC_TEST_WAIT_FOR (kbc_password_dialog_get_state (dialog) != KBC_PASSWORD_DIALOG_STATE_BUSY);

  if (kbc_password_dialog_get_state (dialog) == KBC_PASSWORD_DIALOG_STATE_DONE)
    {
      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
      return TRUE;
    }

  g_assert_cmpint (kbc_password_dialog_get_state (dialog), ==, KBC_PASSWORD_DIALOG_STATE_ERROR);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  return FALSE;
}

void
kbc_gui_save_shot (GtkWidget *widget, const char *name)
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

/* ---- the recorder ---- */

typedef struct
{
  char *view;
  gint64 at;
} Shown;

struct _KbcGuiRecorder
{
  GArray *shown; /* of Shown */
  char *last;
  KbcWindow *window; /* weak */
};

static void
shown_clear (gpointer data)
{
  g_free (((Shown *) data)->view);
}

KbcGuiRecorder *
kbc_gui_recorder_new (void)
{
  KbcGuiRecorder *recorder = g_new0 (KbcGuiRecorder, 1);

  recorder->shown = g_array_new (FALSE, TRUE, sizeof (Shown));
  g_array_set_clear_func (recorder->shown, shown_clear);
  return recorder;
}

static void
unwatch (KbcGuiRecorder *recorder)
{
  if (recorder->window == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (recorder->window), (gpointer *) &recorder->window);
  recorder->window = NULL;
}

void
kbc_gui_recorder_free (KbcGuiRecorder *recorder)
{
  /* The window's handlers hold @recorder: it must be gone first. */
  g_assert_null (recorder->window);
  g_array_unref (recorder->shown);
  g_free (recorder->last);
  g_free (recorder);
}

/* What the user sees now, as one string. */
static char *
describe (KbcWindow *window)
{
  const char *view = kbc_window_get_view (window);
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);

  if (g_strcmp0 (view, "busy") == 0)
    {
      AdwStatusPage *status = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "busy_page");
      GtkSpinner *spinner = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "busy_spinner");

      return g_strdup_printf ("busy: %s%s", adw_status_page_get_title (status),
                              gtk_spinner_get_spinning (spinner) ? " (spinning)" : "");
    }
  if (g_strcmp0 (view, "sign-in") == 0 && page != NULL)
    {
      GtkStack *steps = kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "step_stack");

      return g_strdup_printf ("sign-in: %s", gtk_stack_get_visible_child_name (steps));
    }
  if (g_strcmp0 (view, "main") == 0)
    {
      GtkStack *pages = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack");

      return g_strdup_printf ("main: %s", gtk_stack_get_visible_child_name (pages));
    }

  return g_strdup (view);
}

static void
record_view (KbcGuiRecorder *recorder, char *view)
{
  Shown shown = { view, g_get_monotonic_time () };

  g_test_message ("shown: %s", view);
  g_array_append_val (recorder->shown, shown);
}

static void
record (KbcGuiRecorder *recorder)
{
  g_autofree char *now = NULL;

  if (recorder->window == NULL)
    return;

  now = describe (recorder->window);
  if (g_strcmp0 (now, recorder->last) == 0)
    return;

  record_view (recorder, g_strdup (now));
  g_free (recorder->last);
  recorder->last = g_steal_pointer (&now);
}

static void
transition_cb (GtkStack *stack, GParamSpec *pspec, KbcGuiRecorder *recorder)
{
  if (gtk_stack_get_transition_running (stack))
    record_view (recorder, g_strdup ("cross-fade"));
}

static void
sign_in_page_added_cb (AdwBin *bin, GParamSpec *pspec, KbcGuiRecorder *recorder)
{
  GtkWidget *page = adw_bin_get_child (bin);

  if (page == NULL)
    return;

  g_signal_connect_swapped (kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "step_stack"),
                            "notify::visible-child-name", G_CALLBACK (record), recorder);
  record (recorder);
}

void
kbc_gui_recorder_watch (KbcGuiRecorder *recorder, KbcWindow *window)
{
  GtkWidget *views = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "view_stack");
  KbcSignInPage *page = kbc_window_get_sign_in_page (window);

  unwatch (recorder);
  g_array_set_size (recorder->shown, 0);
  g_clear_pointer (&recorder->last, g_free);
  recorder->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &recorder->window);

  g_signal_connect_swapped (views, "notify::visible-child-name", G_CALLBACK (record), recorder);
  g_signal_connect (views, "notify::transition-running", G_CALLBACK (transition_cb), recorder);
  g_signal_connect_swapped (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "page_stack"),
                            "notify::visible-child-name", G_CALLBACK (record), recorder);
  if (page != NULL)
    g_signal_connect_swapped (kbc_gui_template_child (page, KBC_TYPE_SIGN_IN_PAGE, "step_stack"),
                              "notify::visible-child-name", G_CALLBACK (record), recorder);
  else
    g_signal_connect (kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sign_in_bin"),
                      "notify::child", G_CALLBACK (sign_in_page_added_cb), recorder);
  record (recorder);
}

static char *
join_shown (KbcGuiRecorder *recorder)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < recorder->shown->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " → " : "",
                            g_array_index (recorder->shown, Shown, i).view);
  return g_string_free (text, FALSE);
}

void
kbc_gui_recorder_assert (KbcGuiRecorder *recorder, const char *expected)
{
  g_auto (GStrv) steps = g_strsplit (expected, " → ", -1);
  g_autofree char *got = join_shown (recorder);
  guint next = 0;
  gboolean match = TRUE;

  for (guint i = 0; steps[i] != NULL && match; i++)
    {
      const char *step = steps[i];
      gsize len = strlen (step);
      gboolean optional = len >= 2 && step[0] == '[' && step[len - 1] == ']';
      const char *seen =
          next < recorder->shown->len ? g_array_index (recorder->shown, Shown, next).view : NULL;

      if (optional)
        {
          if (seen != NULL && strlen (seen) == len - 2 && strncmp (seen, step + 1, len - 2) == 0)
            next++;
        }
      else if (g_strcmp0 (seen, step) == 0)
        next++;
      else
        match = FALSE;
    }

  /* Told as the two strings: what was shown, what was expected. */
  if (!match || next != recorder->shown->len)
    g_assert_cmpstr (got, ==, expected);
}

gint64
kbc_gui_recorder_get_shown_at (KbcGuiRecorder *recorder, const char *view)
{
  for (guint i = 0; i < recorder->shown->len; i++)
    if (g_strcmp0 (g_array_index (recorder->shown, Shown, i).view, view) == 0)
      return g_array_index (recorder->shown, Shown, i).at;
  return -1;
}
