from tests.support.api import client, smtp

__all__ = ["client", "smtp"]
