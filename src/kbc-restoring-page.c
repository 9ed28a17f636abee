/* kbc-restoring-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-restoring-page.h"

#include "kbc-profile-group.h"
#include "kbc-startup-mark.h"

struct _KbcRestoringPage
{
  AdwPreferencesPage parent_instance;

  /* Template children */
  AdwPreferencesGroup *checking_group;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (KbcRestoringPage, kbc_restoring_page, ADW_TYPE_PREFERENCES_PAGE)

static void
kbc_restoring_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KBC_TYPE_RESTORING_PAGE);

  G_OBJECT_CLASS (kbc_restoring_page_parent_class)->dispose (object);
}

static void
kbc_restoring_page_class_init (KbcRestoringPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_restoring_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-restoring-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcRestoringPage, checking_group);
  gtk_widget_class_bind_template_child (widget_class, KbcRestoringPage, spinner);
}

static void
kbc_restoring_page_init (KbcRestoringPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_restoring_page_new (KbcSession *session)
{
  KbcRestoringPage *self;
  const char *name = NULL, *email = NULL, *url = NULL;

  g_return_val_if_fail (KBC_IS_SESSION (session), NULL);
  g_return_val_if_fail (kbc_session_get_cached_profile (session, &name, &email, &url), NULL);

  self = g_object_new (KBC_TYPE_RESTORING_PAGE, NULL);

  /* The same profile group as the Account page's, in the same place, so
   * that the page does not move when the real one takes its place. */
  adw_preferences_page_add (
      ADW_PREFERENCES_PAGE (self),
      ADW_PREFERENCES_GROUP (kbc_profile_group_new_cached (url, name, email)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->checking_group);
  kbc_startup_mark_next_frame (GTK_WIDGET (self), "cached-profile");

  return GTK_WIDGET (self);
}
