/* kbc-resource.h: one resource of an account, kept in step with the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kbc-client.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_RESOURCE (kbc_resource_get_type ())
G_DECLARE_DERIVABLE_TYPE (KbcResource, kbc_resource, KBC, RESOURCE, GObject)

/* A resource (the MFA settings, the tokens, the notifications…) is read with
 * one GET and changed by calls of its subclass that update it in place when
 * the server answers, so that whoever shows it only binds to its properties
 * and models and never reloads anything.
 *
 * Properties (read-only, with notify):
 *   client (construct-only), loading, loaded (the server's data arrived at
 *   least once), error (GError, the last refresh's failure, NULL after a
 *   success), offered (FALSE once the GET failed with KBC_API_ERROR_NOT_OFFERED, a
 *   404 or 405: this server has no such resource; not an error).
 *
 * A failed refresh keeps the last good data. */
struct _KbcResourceClass
{
  GObjectClass parent_class;

  /* The path of the GET, e.g. "/manage/current-user/mfa". */
  const char *path;
  /* Poll with If-None-Match: a 304 keeps the data as it is. */
  gboolean    poll;

  /* Turns the answer into what apply() adopts (e.g. a GPtrArray of items).
   * Runs in a worker thread, so it must not touch the object's state. */
  gpointer (*parse)       (KbcResource  *self,
                           JsonNode     *node,
                           GError      **error);
  /* Adopts the result of parse(), on the main thread. */
  void     (*apply)       (KbcResource  *self,
                           gpointer      parsed);
  /* Frees what parse() returned. */
  GDestroyNotify free_parsed;
  /* Optional: the path of this instance, for a class whose objects read
   * different paths (the three kinds of invitations); path otherwise. */
  const char *(*get_path)  (KbcResource  *self);

  /* Optional, for long polled lists: while nothing has been loaded yet,
   * apply_head() gets the first @head_size elements of a long answer as
   * soon as it is read, before the whole of it is parsed (main thread);
   * loaded stays FALSE until apply(). drop_head() takes back what it
   * showed when the whole answer turns out unusable, or the refresh fails. */
  guint       head_size;
  void     (*apply_head)    (KbcResource  *self,
                             JsonArray    *head);
  void     (*drop_head)     (KbcResource  *self);

  gpointer padding[4];
};

KbcClient    *kbc_resource_get_client     (KbcResource          *self);
gboolean      kbc_resource_get_loading    (KbcResource          *self);
gboolean      kbc_resource_get_loaded     (KbcResource          *self);
const GError *kbc_resource_get_error      (KbcResource          *self);
gboolean      kbc_resource_get_offered    (KbcResource          *self);
const char   *kbc_resource_get_path       (KbcResource          *self);

/* Reads the resource again. Calls made while a refresh is under way share
 * it. A refresh that started before a change of this object's own (see
 * kbc_resource_changed()) is repeated rather than applied, so it never
 * brings back what the change replaced. */
void          kbc_resource_refresh_async  (KbcResource          *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean      kbc_resource_refresh_finish (KbcResource          *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* The same, for callers that only watch the properties. */
void          kbc_resource_refresh        (KbcResource          *self);
/* Refreshes unless the data has arrived already or is on its way. */
void          kbc_resource_ensure_loaded  (KbcResource          *self);

/* Stops a refresh under way for good (the account is going away). */
void          kbc_resource_cancel         (KbcResource          *self);

/* For subclasses. */

/* A change of the subclass reached the server: a refresh under way must not
 * apply an older answer. */
void          kbc_resource_changed        (KbcResource          *self);

/* clang-format on */

G_END_DECLS
