"""SQL LIKE / ILIKE lookups for the API's `filter[field][like]=pattern` operators."""

from django.db.models import CharField, Lookup, TextField


class _PatternLookup(Lookup):
    operator = "LIKE"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs}::text {self.operator} {rhs}", [*lhs_params, *rhs_params]


class Like(_PatternLookup):
    lookup_name = "like"
    operator = "LIKE"


class ILike(_PatternLookup):
    lookup_name = "ilike"
    operator = "ILIKE"


for field in (CharField, TextField):
    field.register_lookup(Like)
    field.register_lookup(ILike)
