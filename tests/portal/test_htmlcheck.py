"""The HTML checker the browser tests run on every page kind (tests/e2e/htmlcheck.py) catches what the Nu
validator reports for markup like ours, and passes a valid page."""

from tests.e2e.htmlcheck import problems

PAGE = """<!doctype html><html lang="es"><head><meta charset="utf-8"><title>T</title></head>
<body><main><form><label for="q">Q</label><input id="q" name="q"><button type="submit">Go</button></form>
<ul><li>a</li></ul>{}</main></body></html>"""


def test_a_valid_page_passes():
    assert problems(PAGE.format("")) == []


def test_each_fault_is_named():
    cases = {
        '<input name="">': 'name=""',
        '<p id="q">again</p>': "id “q” is used 2 times",
        '<label for="nothing">x</label>': 'for="nothing"',
        "<ul><div>x</div></ul>": "<div> is not allowed as a child of <ul>",
        '<a href="/"><button>x</button></a>': "interactive content cannot nest",
        '<span lang="Español">x</span>': "not a language tag",
        '<div aria-labelledby="missing">x</div>': "missing id",
        "<p><div>x</div></p>": "parse error",
        "<center>x</center>": "obsolete element",
        '<img src="/x.png">': "without alt",
    }
    for markup, message in cases.items():
        found = problems(PAGE.format(markup))
        assert any(message in problem for problem in found), (markup, found)


def test_a_page_without_lang_or_doctype_fails():
    found = problems("<html><head><title>T</title></head><body></body></html>")
    assert "<html> has no lang" in found
    assert any("doctype" in problem for problem in found)
