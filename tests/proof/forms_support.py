"""Forms as a browser sees them: every <form> of a page with its method, target and field names."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

SKIPPED_FIELDS = {"csrfmiddlewaretoken", "idempotency_key"}
# Upstream calls that only read (a POST in Ocean's API is not always a write).
READ_POSTS = {"POST auth/authenticate2", "POST individus/list", "POST analyse/preformattedPrivacy"}


@dataclass
class Form:
    method: str
    action: str
    fields: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self._current = page_url, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = "POST" if (attrs.get("method") or "").lower() == "post" or "hx-post" in attrs else "GET"
            action = attrs.get("hx-post") or attrs.get("hx-get") or attrs.get("action") or self.page_url
            self._current = Form(method=method, action=action)
            self.forms.append(self._current)
        elif tag == "a" and "?" in (attrs.get("href") or ""):
            # Links carry query parameters too (pagination, sorting, filters, exports): fuzz them as a GET form.
            href = urlsplit(unescape(attrs["href"]))
            names = [name for name, _ in parse_qsl(href.query, keep_blank_values=True)]
            if href.path.startswith("/") and names:
                self.forms.append(Form(method="GET", action=href.path, fields=list(dict.fromkeys(names))))
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = attrs.get("name")
            if name and name not in SKIPPED_FIELDS and name not in self._current.fields:
                self._current.fields.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def page_forms(html: str, page_url: str) -> list[Form]:
    collector = _Collector(page_url)
    collector.feed(html)
    return [form for form in collector.forms if form.fields and form.action.startswith("/")]


def form_key(form: Form) -> tuple:
    """Forms that differ only by an id in their target are the same form (one user row or another)."""
    return form.method, "".join("#" if c.isdigit() else c for c in form.action), tuple(sorted(form.fields))


def upstream_writes(stats: dict) -> dict[str, int]:
    """Requests the simulator received that change something (by "METHOD endpoint")."""
    return {endpoint: count for endpoint, count in stats["by_endpoint"].items()
            if endpoint.split(" ", 1)[0] in ("POST", "PUT", "DELETE") and endpoint not in READ_POSTS}


def shows_an_error(response) -> bool:
    """A message the user can read: a field error, an error message, or a 4xx with a text."""
    if 400 <= response.status_code < 500:
        return bool(response.content.strip())
    html = response.content.decode("utf-8", "replace")
    return 'role="alert"' in html or "message-error" in html or 'class="error' in html or "errorlist" in html
