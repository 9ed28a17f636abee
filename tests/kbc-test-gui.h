/* kbc-test-gui.h: driving the real KbcApplication and its window in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-application.h"
#include "kbc-password-dialog.h"
#include "kbc-test-utils.h"
#include "kbc-window.h"

G_BEGIN_DECLS

/* clang-format off */

/* A template child, as a widget. */
#define kbc_gui_child(widget, type, name) \
  GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

/* Waiting is kbc-test-utils.h's: KBC_TEST_WAIT_FOR(), kbc_test_wait_until()
 * and kbc_test_wait_for(), one deadline for all. */

/* Forgets every setting of the app (the memory backend lives as long as the process). */
void            kbc_gui_reset_settings   (void);
GSettings      *kbc_gui_get_settings     (void);

typedef void (*KbcGuiAppFunc) (KbcApplication *app,
                               KbcWindow      *window,
                               gpointer        data);

/* Runs a real KbcApplication (non-unique, so parallel tests and successive
 * instances do not meet on the bus) with g_application_run(), desktop
 * notifications off; once its window is up, calls @func, then closes the
 * window and checks that the window and the application are finalized. */
void            kbc_gui_app_run          (KbcGuiAppFunc    func,
                                          gpointer         data);
/* The same, calling @on_window with the KbcWindow as soon as it is added to
 * the application: before it follows the session, so that a test sees
 * every view it shows. */
void            kbc_gui_app_run_full     (KbcGuiAppFunc    on_window,
                                          KbcGuiAppFunc    func,
                                          gpointer         data);
/* Waits until the window shows @view; "main" also waits for the session to
 * be signed in (while a saved session is verified, "main" shows the cached
 * profile). */
void            kbc_gui_wait_view        (KbcWindow       *window,
                                          const char      *view);

/* Records every view a window shows, one string each ("start",
 * "busy: Signing Out… (spinning)", "sign-in: password", "main: account"),
 * each time it changes, and a stack's cross-fade as a view of its own
 * ("cross-fade": two views drawn over each other). */
typedef struct _KbcGuiRecorder KbcGuiRecorder;

KbcGuiRecorder *kbc_gui_recorder_new     (void);
void            kbc_gui_recorder_free    (KbcGuiRecorder  *recorder);
/* Forgets what was recorded and follows @window from now on, starting
 * with what it shows now (call it from kbc_gui_app_run_full()'s
 * on_window to see every view). */
void            kbc_gui_recorder_watch   (KbcGuiRecorder  *recorder,
                                          KbcWindow       *window);
/* Fails the test unless the views recorded are @expected: the views joined
 * by " → ", where a view in brackets, "[main: account-cached]", may have
 * been shown there or not. */
void            kbc_gui_recorder_assert  (KbcGuiRecorder  *recorder,
                                          const char      *expected);
/* When @view was first recorded (g_get_monotonic_time()), or -1. */
gint64          kbc_gui_recorder_get_shown_at (KbcGuiRecorder *recorder,
                                               const char     *view);

/* The sign-in form: fills the real widgets and activates the real button. */
void            kbc_gui_sign_in          (KbcWindow       *window,
                                          const char      *url,
                                          const char      *email,
                                          const char      *password);
/* The same with a personal access token (the token field; the form
 * switches to it where the server offers both). */
void            kbc_gui_sign_in_with_token (KbcWindow     *window,
                                            const char    *url,
                                            const char    *token);
/* Signs out through the real account menu: activates the header bar's
 * account button, then the "Sign Out" item of the menu it opens (the
 * app.sign-out action); waits for the sign-in page. */
void            kbc_gui_sign_out         (KbcWindow       *window);
/* Waits until the sign-in page is idle again and shows a message. */
const char     *kbc_gui_wait_sign_in_message (KbcWindow   *window);

/* The keyring entry of the app, read with libsecret directly. */
char           *kbc_gui_keyring_lookup   (const char      *stack_url,
                                          const char      *email);
void            kbc_gui_wait_keyring     (const char      *stack_url,
                                          const char      *email,
                                          gboolean         present);

/* Waits until @widget is mapped with a size and its window has painted a
 * frame since. */
void            kbc_gui_wait_drawn       (GtkWidget       *widget);

/* Waits until @window is drawn with all its content in sight: the page
 * that scrolls in it (the first GtkScrolledWindow) has nothing to scroll.
 * For dialogs that grow with their content (kbc_dialog_fit_content()). */
void            kbc_gui_wait_content_fits (GtkWidget      *window,
                                           const char     *what);

/* Drops the last reference to @object and waits until it is finalized. */
void            kbc_gui_unref_finalized  (gpointer         object);

GtkWidget      *kbc_gui_find_descendant  (GtkWidget       *root,
                                          GType            type);
/* A template child of @widget (of the template of @type); fails the test
 * when there is none. */
gpointer        kbc_gui_template_child   (gpointer         widget,
                                          GType            type,
                                          const char      *name);
/* The first visible toplevel window of @type, or whose title is @title. */
gpointer        kbc_gui_find_toplevel    (GType            type);
GtkWindow      *kbc_gui_find_window_titled (const char    *title);
/* The KbcPasswordDialog headed @heading, once it is open. */
KbcPasswordDialog *kbc_gui_wait_password_dialog (const char *heading);
/* Types @password into @dialog and confirms, as a user does; TRUE when the
 * request went through (the dialog is done and closed), FALSE when the
 * dialog shows why not (kbc_password_dialog_get_error_message()). */
gboolean        kbc_gui_password_dialog_submit (KbcPasswordDialog *dialog,
                                             const char      *password);
/* TRUE when a label under @root contains @text. */
gboolean        kbc_gui_has_label        (GtkWidget       *root,
                                          const char      *text);

/* The API, without the window: sign-in as a second client, and revoking a token. */
gboolean        kbc_gui_api_login        (const char      *url,
                                          const char      *email,
                                          const char      *password,
                                          GError         **error);
void            kbc_gui_api_revoke       (const char      *url,
                                          const char      *token);
/* TRUE when @token still opens a session. */
gboolean        kbc_gui_api_check_token  (const char      *url,
                                          const char      *token,
                                          GError         **error);

void            kbc_gui_remove_tree      (const char      *path);

/* With KBC_TEST_SHOTS_DIR set, saves a PNG of @widget there as @name (after
 * half a second, for animations to get going); otherwise does nothing. */
void            kbc_gui_save_shot        (GtkWidget       *widget,
                                          const char      *name);

/* clang-format on */

G_END_DECLS
