"""Development only (config/settings/local.py): the product's own 404 page under DEBUG.

With DEBUG on, Django answers every Http404 with its technical page, which lists every URL pattern of the
site. That is not what anyone trying the product should see, so this middleware, innermost in the chain,
answers a missing page with the page production shows (apps.core.views.page_not_found): for addresses no
pattern matches, and for Http404 raised by views. Everything else DEBUG gives (tracebacks on errors,
static files) stays. Set DJANGO_DEBUG_404=1 to get Django's technical 404 back while working on URLs."""

from django.http import Http404
from django.urls import Resolver404, get_urlconf, resolve

from .views import page_not_found


class ProductNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The resolver's own miss happens before any process_exception hook, so look it up first. The
        # CommonMiddleware (further out) still turns a 404 into a redirect when the address with a slash exists.
        try:
            resolve(request.path_info, getattr(request, "urlconf", None) or get_urlconf())
        except Resolver404 as exc:
            return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
