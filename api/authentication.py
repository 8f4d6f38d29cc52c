"""How the API knows its caller: a personal token (`Authorization: Bearer cpt_…`) or the portal's session."""

from rest_framework import authentication, exceptions

from .tokens import api_token_user

KEYWORD = "Bearer"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A personal token of the account page; an unknown, revoked or expired token answers 401."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("En-tête Authorization invalide : « Bearer <jeton> » attendu.")
        try:
            token = header[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed("Jeton invalide.") from error
        user = api_token_user(token)
        if user is None:
            raise exceptions.AuthenticationFailed("Jeton inconnu, révoqué ou expiré.")
        return user, None

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'
