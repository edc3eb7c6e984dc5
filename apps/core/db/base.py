"""The database backend: django-tenants' PostgreSQL backend, with one saving (issue 11).

django-tenants forgets the session's search_path each time a tenant is selected, so every request issued
`SET search_path` again, a round trip, even when the connection (kept across requests, CONN_MAX_AGE) had
just been set to that same schema by the request before. Here selecting a tenant keeps what is set when it is
exactly the search_path the session last had set (`_session_paths`), also when another schema was selected
in between without a query (the routing middleware selects the public schema first, then the host's). That
record is cleared whenever the session could have lost the setting, where django-tenants clears its own: on
close, on rollback and on a rollback to a savepoint (PostgreSQL's SET is transactional), and when a SET
fails. Any other schema, or none recorded, sets it as before.
(tests/tenants/test_routing.py: the SET is skipped for the same organization and issued for another, and
again after a rolled-back transaction.)

It also takes `prepared_max` in OPTIONS (config/settings/base.py, DB_PREPARED_MAX): how many statements
psycopg keeps prepared on a connection, which libpq does not know as a connection parameter, so it is set on
the connection once made.
"""

from django_tenants.postgresql_backend import base as tenants_base


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    _session_paths = None  # what `SET search_path` last set on this session, while known to hold

    def set_tenant(self, tenant, include_public=True):
        super().set_tenant(tenant, include_public)
        known = self._session_paths
        if known is not None and self.schema_name and self._get_cursor_search_paths() == known:
            self.search_path_set_schemas = known

    def _handle_search_path(self, cursor=None):
        super()._handle_search_path(cursor)
        if not self._setting_search_path:
            self._session_paths = self.search_path_set_schemas

    def close(self):
        self._session_paths = None
        super().close()

    def rollback(self):
        self._session_paths = None
        super().rollback()

    def savepoint_rollback(self, sid):
        try:
            super().savepoint_rollback(sid)
        finally:
            self._session_paths = None

    def get_connection_params(self):
        params = super().get_connection_params()
        params.pop("prepared_max", None)  # not a libpq parameter: set on the connection once it is made
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        prepared_max = self.settings_dict["OPTIONS"].get("prepared_max")
        if prepared_max is not None:
            connection.prepared_max = prepared_max
        return connection
