from tests.hub.factories import alert, article, guide


def test_pages_render(client, cr, window_cr):
    guide(cr)
    article(cr)
    alert(cr)
    for url in [
        "/es/cr/",
        "/es/cr/guides/residencia/",
        "/es/cr/articles/riesgos/",
        "/es/cr/faq/",
        "/es/cr/search/?q=documentos",
        "/es/cr/windows/",
        "/sitemap.xml",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
