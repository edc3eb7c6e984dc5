"""The audit log's sentences for API keys, and their names (apps.audit.describe, registered from
ApiKeysConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import named, register_description, register_reference, simple

from .selectors import api_key_list


def register() -> None:
    register_reference("apikeys.apikey", named("apikeys.ApiKey", api_key_list, "apikeys:list"))
    register_description("api_key.created", simple(_("{actor} created the API key {target}")))
    register_description("api_key.revoked", simple(_("{actor} revoked the API key {target}")))
