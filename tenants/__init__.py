"""The platform: organizations, their domains, plans, subscriptions and settings (public schema); routing by
host, provisioning from the template schema, lifecycle and retirement, usage counters (a registry apps add
to), the console (console/), the platform and organization API (api/) and the organization's settings page
(pages/)."""
