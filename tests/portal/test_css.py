"""The portal's stylesheet is Bootstrap cut down to the classes the pages use, and it is current."""

from django.test import Client

from portal import css


def test_committed_stylesheet_is_current():
    """Changing a template's classes or portal.css needs `python manage.py build_css`: a stale site.css would
    leave a new class unstyled."""
    assert css.OUTPUT.read_text(encoding="utf-8") == css.build(), "run `python manage.py build_css`"


def test_stylesheet_keeps_what_pages_use_and_drops_what_they_do_not():
    text = css.OUTPUT.read_text(encoding="utf-8")
    for used in (
        ".visually-hidden",
        ".table-responsive",
        ".btn-primary",
        ".form-control",
        ".alert-danger",
        ".skip-link",
    ):
        assert used in text
    for unused in (".accordion", ".modal", ".carousel", ".offcanvas", ".toast", ".dropdown-menu", "data-bs-theme=dark"):
        assert unused not in text
    assert len(text.encode()) < len(css.BOOTSTRAP.read_bytes()) / 4


def test_purge_keeps_a_rule_only_when_every_class_of_a_selector_is_used():
    source = ".a{color:red}.a .b,.c{color:blue}@media (min-width:1px){.b{x:1}.a{y:2}}:root{--bs-x:1;--bs-y:2}.a{z:var(--bs-x)}"
    assert css.purge(source, {"a"}) == ".a{color:red}@media (min-width:1px){.a{y:2}}:root{--bs-x:1}.a{z:var(--bs-x)}"


def test_pages_load_the_one_stylesheet(db):
    html = Client().get("/es/").content.decode()
    assert "/static/portal/site.css" in html
    assert "bootstrap.min.css" not in html
