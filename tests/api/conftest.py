from tests.api.helpers import owner, talent
from tests.support.api import client, smtp

__all__ = ["client", "owner", "smtp", "talent"]
