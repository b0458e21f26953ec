"""A registered collector whose ``main`` takes the wrong arguments."""


def main(credentials, query):
    raise AssertionError("never run: the core checks the signature first")
