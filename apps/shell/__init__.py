"""The shell: the organization's home page at "/" (the signed-out landing, the signed-in dashboard).

The top layer (tests/test_layering.py): it may import any app, and none imports it. It owns no data and
knows no feature: the dashboard shows the cards the apps registered (apps.core.dashboard), the navigation
around it the entries they registered (apps.core.navigation).
"""
