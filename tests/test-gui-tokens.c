/* test-gui-tokens.c: the Access Tokens page through the real window against the real server
 *
 * Signs in through the real window and opens Access Tokens from the
 * sidebar. Creates a token through the real New Token dialog (a refusal
 * first: the form keeps what was typed), reads the token from the dialog,
 * uses it in a plain HTTP request, copies it (the clipboard lets go of it
 * again), deletes it through the page and sees the same request get 401.
 * Revokes another session, then signs out the other sessions, and sees
 * their tokens refused while this device stays signed in. On a stack that
 * keeps tokens in its web page, the page shows the notice instead.
 *
 * With many tokens, the list view ends its boxed list at the first and the
 * last and scrolls to the sessions.
 *
 * With KBC_TEST_SHOTS_DIR set, it also saves PNGs of the page and the dialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "kbc-new-token-dialog.h"
#include "kbc-session-row.h"
#include "kbc-test-gui.h"
#include "kbc-test-utils.h"
#include "kbc-token-row.h"
#include "kbc-tokens-page.h"
#include "kbc-tokens.h"
#include "kbc-tooltip.h"
#include "kbc-web-notice.h"

#define EMAIL    "tess.tokens@example.test"
#define NAME     "Tess Tokens"
#define PASSWORD "Quarry-Lantern-Meadow-27"

typedef struct
{
  KbcTestServer *server;
  const char *url;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  kbc_gui_reset_settings ();
  fixture->server = kbc_test_server_new ();
  fixture->url = kbc_test_server_get_url (fixture->server);
  kbc_test_server_add_user (fixture->server, EMAIL, NAME, PASSWORD);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, kbc_test_server_free);
}

/* ---- helpers ---- */

static guint
verify_status (Fixture *fixture, const char *token)
{
  g_autoptr (KbcTestResponse) response =
      kbc_test_server_request (fixture->server, "GET", "/manage/tokens/verify", token, NULL);

  return response->status;
}

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The token or session of @widget when it is a row bound to one, else NULL.
 * The tokens list is a GtkListView: a row it keeps unbound has no token. */
static KbcToken *
token_of (GtkWidget *widget)
{
  if (KBC_IS_TOKEN_ROW (widget))
    return kbc_token_row_get_token (KBC_TOKEN_ROW (widget));
  if (KBC_IS_SESSION_ROW (widget))
    return kbc_session_row_get_token (KBC_SESSION_ROW (widget));
  return NULL;
}

/* The rows of tokens in @list (a GtkListView or a GtkListBox), in order;
 * the tokens list's own rows only, not the sessions below them. */
static void
collect_rows (GtkWidget *widget, GType type, GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && token_of (child) != NULL)
        g_ptr_array_add (rows, child);
      else
        collect_rows (child, type, rows);
    }
}

static GPtrArray *
rows_of (GtkWidget *list)
{
  GPtrArray *rows = g_ptr_array_new ();

  collect_rows (list, GTK_IS_LIST_VIEW (list) ? KBC_TYPE_TOKEN_ROW : KBC_TYPE_SESSION_ROW, rows);
  return rows;
}

static guint
n_rows (GtkWidget *list)
{
  g_autoptr (GPtrArray) rows = rows_of (list);

  return rows->len;
}

static GtkWidget *
list_of (KbcTokensPage *page, const char *name)
{
  return kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, name);
}

/* The row of the token with @id in @list, or NULL. */
static GtkWidget *
row_of (GtkWidget *list, gint64 id)
{
  g_autoptr (GPtrArray) rows = rows_of (list);

  for (guint i = 0; i < rows->len; i++)
    if (kbc_token_get_id (token_of (rows->pdata[i])) == id)
      return rows->pdata[i];
  return NULL;
}

/* Accepts the confirmation that is open, headed @heading. */
static void
confirm (const char *heading, const char *body_part)
{
  AdwMessageDialog *dialog;

  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), body_part));
  /* Cancel is the default: Enter does no harm. */
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "confirm"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  /* What a click on the button does: the response, then the dialog goes. */
  adw_message_dialog_response (dialog, "confirm");
  gtk_window_destroy (GTK_WINDOW (dialog));
  KBC_TEST_WAIT_FOR (kbc_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL);
}

static gboolean
is_loaded (KbcTokens *tokens)
{
  return kbc_resource_get_loaded (KBC_RESOURCE (tokens)) &&
         !kbc_resource_get_loading (KBC_RESOURCE (tokens));
}

/* Reads the list again, as the page does when it is shown. */
static void
reload (KbcTokensPage *page, KbcTokens *tokens)
{
  KBC_TEST_WAIT_FOR (is_loaded (tokens));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "tokens.reload", NULL));
  KBC_TEST_WAIT_FOR (is_loaded (tokens));
}

/* Opens Access Tokens from the sidebar, as a click does. */
static KbcTokensPage *
open_page (KbcWindow *window)
{
  GtkListBox *sidebar = kbc_gui_template_child (window, KBC_TYPE_WINDOW, "sidebar");
  GtkWidget *page = kbc_window_get_page (window, "tokens");
  GtkListBoxRow *row;

  g_assert_true (KBC_IS_TOKENS_PAGE (page));
  for (guint i = 0; (row = gtk_list_box_get_row_at_index (sidebar, i)) != NULL; i++)
    if (g_str_equal (gtk_widget_get_name (GTK_WIDGET (row)), "tokens"))
      break;
  g_assert_nonnull (row);
  gtk_list_box_select_row (sidebar, row);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  kbc_gui_wait_drawn (page);

  return KBC_TOKENS_PAGE (page);
}

typedef struct
{
  GAsyncResult *result;
} ClipboardRead;

/* The clipboard's text, or NULL when it holds none. */
static char *
clipboard_text (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr (GAsyncResult) result = NULL;

  gdk_clipboard_read_text_async (clipboard, NULL, kbc_test_on_done, &result);
  return gdk_clipboard_read_text_finish (clipboard, kbc_test_wait_for (&result), NULL);
}

static gboolean
clipboard_is_empty (gpointer widget)
{
  g_autofree char *text = clipboard_text (widget);

  return text == NULL || *text == '\0';
}

/* ---- the flows ---- */

/* New Token: a refusal keeps the form; then the token, once, and Copy. */
static char *
create_token (Fixture *fixture, KbcTokensPage *page, KbcWindow *window)
{
  g_autofree char *too_long = g_strnfill (256, 'n');
  KbcNewTokenDialog *dialog;
  GtkWidget *name_row, *validity_row, *create_button, *focus, *token_label;
  g_autofree char *secret = NULL;

  click (kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "new_button"));
  KBC_TEST_WAIT_FOR ((dialog = kbc_gui_find_toplevel (KBC_TYPE_NEW_TOKEN_DIALOG)) != NULL);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  kbc_gui_wait_drawn (GTK_WIDGET (dialog));

  name_row = kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "name_row");
  validity_row = kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "validity_row");
  create_button = kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "create_button");

  /* Focus starts in the name; Create waits for one. */
  focus = gtk_window_get_focus (GTK_WINDOW (dialog));
  g_assert_nonnull (focus);
  g_assert_true (focus == name_row || gtk_widget_is_ancestor (focus, name_row));
  g_assert_false (gtk_widget_is_sensitive (create_button));

  /* The choices: a custom number of hours, and the presets; no "never". */
  adw_combo_row_set_selected (ADW_COMBO_ROW (validity_row), 6);
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "hours_row")));
  gtk_spin_button_set_value (
      kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "hours_spin"), 5);
  g_assert_cmpint (kbc_new_token_dialog_get_expires_in (dialog), ==, 5 * 3600);
  adw_combo_row_set_selected (ADW_COMBO_ROW (validity_row), 5);
  g_assert_cmpint (kbc_new_token_dialog_get_expires_in (dialog), ==, 365 * 24 * 3600);
  g_assert_cmpuint (
      g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (validity_row))), ==, 7);
  adw_combo_row_set_selected (ADW_COMBO_ROW (validity_row), 0);
  g_assert_cmpint (kbc_new_token_dialog_get_expires_in (dialog), ==, 3600);

  kbc_gui_wait_content_fits (GTK_WIDGET (dialog), "the form to fit the dialog");
  kbc_gui_save_shot (GTK_WIDGET (dialog), "new-token-form.png");

  /* The server refuses a name that long: the reason shows, the form stays. */
  gtk_editable_set_text (GTK_EDITABLE (name_row), too_long);
  click (create_button);
  KBC_TEST_WAIT_FOR (kbc_new_token_dialog_get_error_message (dialog) != NULL);
  g_assert_cmpint (kbc_new_token_dialog_get_state (dialog), ==, KBC_NEW_TOKEN_DIALOG_STATE_FORM);
  g_assert_cmpstr (kbc_new_token_dialog_get_error_message (dialog), ==,
                   "The name is too long. Use at most 255 characters.");
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "error_label")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, too_long);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (validity_row)), ==, 0);
  /* Each step, and the error, grows the dialog to its content: nothing (Done
   * least of all) is cut off at the bottom. */
  kbc_gui_wait_content_fits (GTK_WIDGET (dialog), "the form with its error to fit the dialog");

  /* A good name: the token, once. */
  gtk_editable_set_text (GTK_EDITABLE (name_row), "CI deploys");
  click (create_button);
  KBC_TEST_WAIT_FOR (kbc_new_token_dialog_get_state (dialog) == KBC_NEW_TOKEN_DIALOG_STATE_CREATED);
  g_assert_null (kbc_new_token_dialog_get_error_message (dialog));
  token_label = kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "token_label");
  g_assert_true (gtk_widget_has_css_class (token_label, "monospace"));
  secret = g_strdup (gtk_label_get_text (GTK_LABEL (token_label)));
  g_assert_true (g_regex_match_simple ("^[0-9]+-[A-Za-z0-9]{40}$", secret, 0, 0));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (dialog), "cannot be retrieved later"));
  kbc_gui_wait_content_fits (GTK_WIDGET (dialog), "the token and Done to fit the dialog");
  kbc_gui_save_shot (GTK_WIDGET (dialog), "new-token.png");

  /* Copy: a toast, and the clipboard lets go of it again (after a second
   * here; a minute in the app). */
  kbc_new_token_dialog_set_clipboard_seconds (dialog, 1);
  click (kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "copy_button"));
  {
    g_autofree char *copied = clipboard_text (GTK_WIDGET (dialog));
    g_assert_cmpstr (copied, ==, secret);
  }
  kbc_test_wait_until (clipboard_is_empty, dialog, "the clipboard to let go of the token");

  click (kbc_gui_template_child (dialog, KBC_TYPE_NEW_TOKEN_DIALOG, "done_button"));
  KBC_TEST_WAIT_FOR (kbc_gui_find_toplevel (KBC_TYPE_NEW_TOKEN_DIALOG) == NULL);

  return g_steal_pointer (&secret);
}

static void
tokens_and_sessions (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcSession *session = kbc_application_get_session (app);
  KbcAccount *account;
  KbcTokens *tokens;
  KbcTokensPage *page;
  GtkWidget *tokens_list, *sessions_list;
  GtkWidget *row, *button;
  g_autofree char *secret = NULL;
  g_autofree char *other = NULL;
  g_autofree char *third = NULL;
  g_autofree char *fourth = NULL;
  g_autofree char *own = NULL;
  gint64 id;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  account = kbc_session_get_account (session);
  own = g_strdup (kbc_account_get_token (account));
  tokens = kbc_account_get_tokens (account);

  /* Another device signs in before the page is opened. */
  other = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);

  page = open_page (window);
  KBC_TEST_WAIT_FOR (is_loaded (tokens));
  tokens_list = list_of (page, "tokens_list");
  sessions_list = list_of (page, "sessions_list");
  g_assert_cmpuint (n_rows (tokens_list), ==, 0);
  g_assert_cmpuint (n_rows (sessions_list), ==, 2);
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (page), "not Storage API tokens"));
  g_assert_true (gtk_widget_get_visible (list_of (page, "tokens_empty_list")));
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (page), "No personal tokens"));
  kbc_gui_save_shot (GTK_WIDGET (window), "tokens-empty.png");

  /* This device: first, marked, not revocable here. */
  row = row_of (sessions_list, g_ascii_strtoll (own, NULL, 10));
  g_assert_nonnull (row);
  g_assert_true (row ==
                 GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (sessions_list), 0)));
  g_assert_true (gtk_widget_get_visible (
      kbc_gui_template_child (row, KBC_TYPE_SESSION_ROW, "this_device_label")));
  g_assert_false (
      gtk_widget_get_visible (kbc_gui_template_child (row, KBC_TYPE_SESSION_ROW, "revoke_button")));
  g_assert_true (kbc_gui_has_label (row, "KBC Account/"));
  g_assert_true (kbc_gui_has_label (row, "from 127.0.0.1"));

  /* Create, use, delete. */
  secret = create_token (fixture, page, window);
  g_assert_cmpuint (verify_status (fixture, secret), ==, 200);
  id = g_ascii_strtoll (secret, NULL, 10);
  row = row_of (tokens_list, id);
  g_assert_nonnull (row);
  g_assert_true (kbc_gui_has_label (row, "CI deploys"));
  /* An hour left: it stands out. */
  g_assert_true (gtk_widget_has_css_class (
      kbc_gui_template_child (row, KBC_TYPE_TOKEN_ROW, "expiry_label"), "warning"));
  g_assert_true (kbc_gui_has_label (row, "Expires in 1 hour ("));
  reload (page, tokens);
  g_assert_true (kbc_gui_has_label (row_of (tokens_list, id), "Last used"));
  kbc_gui_save_shot (GTK_WIDGET (window), "tokens.png");

  button = kbc_gui_template_child (row_of (tokens_list, id), KBC_TYPE_TOKEN_ROW, "delete_button");
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (button)), ==,
                   GTK_ACCESSIBLE_ROLE_BUTTON);
  g_assert_true (gtk_widget_get_has_tooltip (button));
  {
    g_autofree char *tooltip = kbc_tooltip_dup_text (button);

    g_assert_cmpstr (tooltip, ==, "Delete Token");
  }
  click (button);
  confirm ("Delete Token?", "CI deploys");
  KBC_TEST_WAIT_FOR (row_of (tokens_list, id) == NULL);
  g_assert_cmpuint (verify_status (fixture, secret), ==, 401);

  /* Revoke the other device's session. */
  row = row_of (sessions_list, g_ascii_strtoll (other, NULL, 10));
  g_assert_nonnull (row);
  g_assert_true (kbc_gui_has_label (row, "Unknown app"));
  click (kbc_gui_template_child (row, KBC_TYPE_SESSION_ROW, "revoke_button"));
  confirm ("Revoke Session?", "signed out");
  KBC_TEST_WAIT_FOR (row_of (sessions_list, g_ascii_strtoll (other, NULL, 10)) == NULL);
  g_assert_cmpuint (verify_status (fixture, other), ==, 401);
  g_assert_cmpuint (verify_status (fixture, own), ==, 200);

  /* Sign Out Other Sessions: only with others to sign out. */
  button = kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "sign_out_others_button");
  g_assert_false (gtk_widget_is_sensitive (button));
  third = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  fourth = kbc_test_server_login (fixture->server, EMAIL, PASSWORD);
  reload (page, tokens);
  g_assert_cmpuint (n_rows (sessions_list), ==, 3);
  click (button);
  confirm ("Sign Out Other Sessions?", "This device stays signed in");
  KBC_TEST_WAIT_FOR (n_rows (sessions_list) == 1);
  g_assert_cmpuint (verify_status (fixture, third), ==, 401);
  g_assert_cmpuint (verify_status (fixture, fourth), ==, 401);
  g_assert_cmpuint (verify_status (fixture, own), ==, 200);
  g_assert_nonnull (row_of (sessions_list, g_ascii_strtoll (own, NULL, 10)));
  KBC_TEST_WAIT_FOR (!gtk_widget_is_sensitive (button));
  g_assert_cmpstr (kbc_window_get_view (window), ==, "main");

  kbc_gui_sign_out (window);
}

static void
test_tokens_and_sessions (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (tokens_and_sessions, fixture);
}

/* At 360 px, the narrowest the window gets, the page still fits. */
static void
narrow (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcTokens *tokens;
  KbcTokensPage *page;
  g_autofree char *personal = kbc_test_server_admin (
      fixture->server, NULL, "token", "add", "--email", EMAIL, "--description",
      "A rather long name for a token that deploys the nightly export of everything", NULL);
  int minimum = 0;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  tokens = kbc_account_get_tokens (kbc_session_get_account (kbc_application_get_session (app)));

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  page = open_page (window);
  KBC_TEST_WAIT_FOR (is_loaded (tokens));
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL,
                      NULL);
  g_assert_cmpint (minimum, <=, 360);
  kbc_gui_save_shot (GTK_WIDGET (window), "tokens-narrow.png");

  kbc_gui_sign_out (window);
}

static void
test_narrow (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (narrow, fixture);
}

/* Many tokens: the list view gets all of them (in steps), the first and
 * the last end the boxed list, and the page scrolls to the sessions. */
#define MANY 40

static guint
n_with_class (GtkWidget *list, const char *css_class)
{
  g_autoptr (GPtrArray) rows = rows_of (list);
  guint n = 0;

  for (guint i = 0; i < rows->len; i++)
    n += gtk_widget_has_css_class (rows->pdata[i], css_class) ? 1 : 0;
  return n;
}

static gboolean
row_shown (GtkWidget *list, KbcToken *token)
{
  GtkWidget *row = row_of (list, kbc_token_get_id (token));

  return row != NULL && gtk_widget_get_mapped (row);
}

/* Moves @adjustment to its end, as a scrollbar dragged down does; the list
 * view knows its height better once it has measured the rows there. */
static gboolean
at_end (GtkAdjustment *adjustment)
{
  double end = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (gtk_adjustment_get_value (adjustment) < end)
    gtk_adjustment_set_value (adjustment, end);
  return TRUE;
}

static void
many (KbcApplication *app, KbcWindow *window, gpointer data)
{
  Fixture *fixture = data;
  KbcTokens *tokens;
  KbcTokensPage *page;
  GtkWidget *list, *row;
  GListModel *items;
  GtkAdjustment *adjustment;
  g_autoptr (KbcToken) first = NULL;
  g_autoptr (KbcToken) last = NULL;

  for (guint i = 0; i < MANY; i++)
    {
      g_autofree char *name = g_strdup_printf ("Nightly export %u", i);

      g_free (kbc_test_server_admin (fixture->server, NULL, "token", "add", "--email", EMAIL,
                                     "--description", name, NULL));
    }

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in (window, fixture->url, EMAIL, PASSWORD);
  kbc_gui_wait_view (window, "main");
  tokens = kbc_account_get_tokens (kbc_session_get_account (kbc_application_get_session (app)));

  page = open_page (window);
  KBC_TEST_WAIT_FOR (is_loaded (tokens));
  list = list_of (page, "tokens_list");
  g_assert_true (GTK_IS_LIST_VIEW (list));
  /* The header, every token, the footer. */
  items = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
  KBC_TEST_WAIT_FOR (g_list_model_get_n_items (items) == MANY + 2);
  first = g_list_model_get_item (items, 1);
  last = g_list_model_get_item (items, MANY);
  g_assert_true (KBC_IS_TOKEN (first));
  g_assert_true (KBC_IS_TOKEN (last));

  KBC_TEST_WAIT_FOR (row_shown (list, first));
  g_assert_true (gtk_widget_has_css_class (row_of (list, kbc_token_get_id (first)), "first"));
  g_assert_cmpuint (n_with_class (list, "first"), ==, 1);
  g_assert_true (kbc_gui_has_label (GTK_WIDGET (page), "not Storage API tokens"));
  g_assert_false (gtk_widget_get_visible (list_of (page, "tokens_empty_list")));

  /* The keyboard: Tab goes from New Token to each token's Delete in turn. */
  gtk_widget_grab_focus (list_of (page, "new_button"));
  for (guint i = 1; i <= 3; i++)
    {
      g_autoptr (KbcToken) token = g_list_model_get_item (items, i);
      GtkWidget *focus;

      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
      focus = gtk_window_get_focus (GTK_WINDOW (window));
      g_assert_true (focus == kbc_gui_template_child (row_of (list, kbc_token_get_id (token)),
                                                      KBC_TYPE_TOKEN_ROW, "delete_button"));
    }

  /* And back with Shift+Tab, through the Delete buttons to New Token in the
   * header: no stop on a list item in between. */
  for (guint i = 2; i >= 1; i--)
    {
      g_autoptr (KbcToken) token = g_list_model_get_item (items, i);

      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_BACKWARD));
      g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) ==
                     kbc_gui_template_child (row_of (list, kbc_token_get_id (token)),
                                             KBC_TYPE_TOKEN_ROW, "delete_button"));
    }
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_BACKWARD));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) == list_of (page, "new_button"));

  /* To the end: the last token ends the list, the sessions follow. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  KBC_TEST_WAIT_FOR (gtk_adjustment_get_upper (adjustment) >
                     2 * gtk_adjustment_get_page_size (adjustment));
  KBC_TEST_WAIT_FOR (at_end (adjustment) && row_shown (list, last) &&
                     gtk_widget_get_mapped (list_of (page, "sessions_list")));
  row = row_of (list, kbc_token_get_id (last));
  g_assert_true (gtk_widget_has_css_class (row, "last"));
  g_assert_cmpuint (n_with_class (list, "last"), ==, 1);
  kbc_gui_save_shot (GTK_WIDGET (window), "tokens-many-end.png");

  /* Tab from the last Delete goes into the sessions below, to a control of
   * theirs, not to the footer's list item. */
  gtk_widget_grab_focus (kbc_gui_template_child (row, KBC_TYPE_TOKEN_ROW, "delete_button"));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));

    g_assert_nonnull (focus);
    g_assert_cmpstr (G_OBJECT_TYPE_NAME (focus), !=, "GtkListItemWidget");
    g_assert_true (gtk_widget_is_ancestor (focus, list_of (page, "sessions_list")) ||
                   focus == list_of (page, "sign_out_others_button"));
  }

  kbc_gui_sign_out (window);
}

static void
test_many (Fixture *fixture, gconstpointer data)
{
  kbc_gui_app_run (many, fixture);
}

/* A stack that keeps tokens in its web page. */
static gboolean
notice_shown (gpointer data)
{
  KbcWebNotice *notice = kbc_gui_template_child (data, KBC_TYPE_TOKENS_PAGE, "web_notice");

  return gtk_widget_get_mapped (GTK_WIDGET (notice));
}

typedef struct
{
  KbcTestServer *server;
  char *token;
} WebOnly;

static void
web_only (KbcApplication *app, KbcWindow *window, gpointer data)
{
  WebOnly *web_only = data;
  KbcSession *session = kbc_application_get_session (app);
  const char *url = kbc_test_server_get_url (web_only->server);
  KbcTokensPage *page;
  KbcWebNotice *notice;
  KbcTokens *tokens;

  kbc_gui_wait_view (window, "sign-in");
  kbc_gui_sign_in_with_token (window, url, web_only->token);
  kbc_gui_wait_view (window, "main");
  tokens = kbc_account_get_tokens (kbc_session_get_account (session));

  page = open_page (window);
  kbc_test_wait_until (notice_shown, page, "the web-only notice");
  notice = kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "web_notice");
  g_assert_cmpstr (kbc_web_notice_get_description (notice), ==,
                   "This stack keeps personal access tokens and sessions in its web Account "
                   "Settings.");
  g_assert_cmpstr (kbc_web_notice_get_uri (notice), ==, url);
  kbc_gui_wait_drawn (GTK_WIDGET (window));
  kbc_gui_save_shot (GTK_WIDGET (window), "tokens-web-notice.png");
  /* Its whole height: the list view gives the row its natural height. */
  {
    GtkWidget *row = gtk_widget_get_parent (list_of (page, "footer"));
    int natural = 0;

    gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (row), NULL, &natural,
                        NULL, NULL);
    g_assert_cmpint (gtk_widget_get_height (row), >=, natural);
  }
  g_assert_false (
      gtk_widget_get_visible (kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "tokens_group")));
  g_assert_false (gtk_widget_get_visible (
      kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "sessions_group")));
  g_assert_null (kbc_resource_get_error (KBC_RESOURCE (tokens)));
  /* Nothing that would fail here is offered. */
  g_assert_false (
      gtk_widget_is_sensitive (kbc_gui_template_child (page, KBC_TYPE_TOKENS_PAGE, "new_button")));
  gtk_widget_activate_action (GTK_WIDGET (page), "tokens.create", NULL);
  g_assert_null (kbc_gui_find_toplevel (KBC_TYPE_NEW_TOKEN_DIALOG));
  g_assert_true (kbc_account_get_signed_in (kbc_session_get_account (session)));

  kbc_gui_sign_out (window);
}

static void
test_web_only (void)
{
  g_autoptr (KbcTestServer) server = kbc_test_server_new_with_args ("--published-only", NULL);
  g_autofree char *token = NULL;
  WebOnly data = { server, NULL };

  kbc_gui_reset_settings ();
  kbc_test_server_add_user (server, EMAIL, NAME, PASSWORD);
  token = kbc_test_server_admin (server, NULL, "token", "add", "--email", EMAIL, "--description",
                                 "Stack", NULL);
  data.token = token;
  kbc_gui_app_run (web_only, &data);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/kbc/gui/tokens/tokens-and-sessions", Fixture, NULL, fixture_set_up,
              test_tokens_and_sessions, fixture_tear_down);
  g_test_add ("/kbc/gui/tokens/narrow", Fixture, NULL, fixture_set_up, test_narrow,
              fixture_tear_down);
  g_test_add ("/kbc/gui/tokens/many", Fixture, NULL, fixture_set_up, test_many, fixture_tear_down);
  g_test_add_func ("/kbc/gui/tokens/web-only", test_web_only);

  return g_test_run ();
}
