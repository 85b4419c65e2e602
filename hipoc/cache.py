"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django builds a new redis-py client for every cache operation, and building one (its table of response
callbacks) costs more than the round trip to Redis; every throttled API request makes four such operations.
redis-py clients are thread-safe and share the pool's connections, so one per pool is enough.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
