class CountryCodeConverter:
    """A country in a URL: its ISO code in lower case (``/es/cr/windows/``)."""

    regex = "[a-z]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value.lower()
