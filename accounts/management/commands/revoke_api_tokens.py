from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_tokens_revoke


class Command(BaseCommand):
    help = "Revoke every API token of a user."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user called {options['username']!r}.")
        count = api_tokens_revoke(user=user)
        self.stdout.write(f"Revoked {count} token(s) of {user.username}.")
