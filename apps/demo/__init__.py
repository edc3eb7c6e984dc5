"""The demo seeding (`manage.py seed_demo`, run by `make demo` and `make run`): a platform admin, the two demo
organizations (acme, globex) with their branches, classes and people, and each feature's demo data.

The top layer, beside the shell: it may import every app, and no app imports it (tests/test_layering.py), so
no feature carries demo content. Each feature's demo lives in a module of its own here (organizations.py,
courses.py with covers.py); seed.py runs them in order. Everything goes through the product's services.
"""
