"""The audit log's sentence for the organization's settings (apps.audit.describe, registered from
TenantsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import Facts, Sentence, fields, register_description


def _settings_updated(facts: Facts) -> Sentence:
    changed = fields(facts)
    if changed is None:
        return Sentence(_("{actor} changed the organization's settings"))
    return Sentence(_("{actor} changed the organization's {fields}"), fields=changed)


def register() -> None:
    register_description("organization.settings_updated", _settings_updated)
