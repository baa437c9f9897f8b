"""Every route answers bad ids and page numbers with 404 or a page, never a server error."""

from __future__ import annotations

import re

import pytest

HUGE = "99999999999999999999"  # past 64 bits: no database row can have it


def _int_routes(app) -> list[str]:
    """Each GET route with a number in its path, the numbers replaced by HUGE."""
    paths = []
    for rule in app.url_map.iter_rules():
        converters = dict(rule._converters)  # noqa: SLF001 - werkzeug keeps them here
        if "GET" not in rule.methods or not any(
            type(c).__name__ == "IdConverter" for c in converters.values()
        ):
            continue
        path = rule.rule
        for name, converter in converters.items():
            if type(converter).__name__ == "IdConverter":
                value = HUGE
            else:
                value = "cancer-crosslinks-2023" if name == "slug" else "x"
            path = re.sub(rf"<[^>]*\b{name}>", value, path)
        paths.append(path)
    return sorted(set(paths))


def test_a_number_past_64_bits_in_any_path_is_404(app, client, login, demo):
    """The id converter is registered before any blueprint, so pages and the API both refuse
    such a number before a view or the database sees it."""
    paths = _int_routes(app)
    assert "/events/cancer-crosslinks-2023/people/" + HUGE + "/photo" in paths
    assert "/api/v1/events/cancer-crosslinks-2023/registrations/" + HUGE in paths
    admin = login("admin")
    answers = {path: admin.get(path).status_code for path in paths}
    assert {p: s for p, s in answers.items() if s != 404} == {}


@pytest.mark.parametrize("page", ["1e20", HUGE, "-3", "two", ""])
@pytest.mark.parametrize(
    "path",
    [
        "/admin/outbox",
        "/admin/audit",
        "/manage/events/cancer-crosslinks-2023/registrations",
    ],
)
def test_absurd_page_numbers_show_the_first_page(login, path, page):
    answer = login("admin").get(path, query_string={"page": page, "event": page})
    assert answer.status_code == 200
