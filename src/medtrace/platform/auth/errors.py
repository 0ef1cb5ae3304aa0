"""Typed errors of identity and access."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class Unauthenticated(DomainError):
    code = "MT-AUTH-UNAUTHENTICATED"
    status = 401
    title = N_("Sign-in required.")
    help = "No valid credentials came with the request (Bearer token or session cookie)."


class Forbidden(DomainError):
    code = "MT-AUTH-FORBIDDEN"
    status = 403
    title = N_("You do not have permission to do this.")
    help = "The credentials are valid but lack the permission the route declares."


class InvalidCredentials(DomainError):
    code = "MT-AUTH-INVALID-CREDENTIALS"
    status = 401
    title = N_("Wrong user name or password.")
    help = "User name, password, client id or secret did not match (which one is not said)."


class AccountLocked(DomainError):
    code = "MT-AUTH-LOCKED"
    status = 423
    title = N_("The account is locked after too many failed sign-ins.")
    help = "Wait until the lockout ends (see `locked_until`) or ask an administrator."


class AccountInactive(DomainError):
    code = "MT-AUTH-INACTIVE"
    status = 401
    title = N_("The account is deactivated.")
    help = "An administrator deactivated the account or API client."


class PasswordExpired(DomainError):
    code = "MT-AUTH-PASSWORD-EXPIRED"
    status = 403
    title = N_("The password has expired and must be changed.")
    help = "Change the password on the web page; tokens are refused until then."


class PasswordPolicyViolated(DomainError):
    code = "MT-AUTH-PASSWORD-POLICY"
    status = 422
    title = N_("The password does not meet the password policy.")
    help = "Too short, too few character classes, contains the user name, or used recently."


class TokenInvalid(DomainError):
    code = "MT-AUTH-TOKEN-INVALID"
    status = 401
    title = N_("The token is invalid or has expired.")
    help = "Request a new access token (refresh token or credentials)."


class SessionExpired(DomainError):
    code = "MT-AUTH-SESSION-EXPIRED"
    status = 401
    title = N_("Your session ended after a period of inactivity.")
    help = "Sign in again. The idle timeout is a policy setting (default 15 minutes)."


class CsrfFailed(DomainError):
    code = "MT-AUTH-CSRF"
    status = 403
    title = N_("The form has expired. Reload the page and try again.")
    help = "A form was posted without the CSRF token of the session (or from another site)."


class RateLimited(DomainError):
    code = "MT-AUTH-RATE-LIMITED"
    status = 429
    title = N_("Too many attempts. Try again later.")
    help = ("Too many failed sign-ins from this address or for this client in a short time: "
            "wait `retry_after` seconds (also in `Retry-After`); each further failure doubles "
            "the wait, up to 5 minutes.")


class UserExists(DomainError):
    code = "MT-AUTH-USER-EXISTS"
    status = 409
    title = N_("A user or client with this name already exists.")
    help = "User names and client ids are unique (case-insensitive)."


class UnknownRole(DomainError):
    code = "MT-AUTH-UNKNOWN-ROLE"
    status = 422
    title = N_("Unknown role or permission.")
    help = "A role code or permission code given does not exist."


class UnsupportedGrant(DomainError):
    code = "MT-AUTH-UNSUPPORTED-GRANT"
    status = 400
    title = N_("Unsupported grant type.")
    help = "The token endpoint takes grant_type password, client_credentials or refresh_token."


class BuiltinRoleImmutable(DomainError):
    code = "MT-AUTH-ROLE-BUILTIN"
    status = 409
    title = N_("The built-in administrator role cannot be changed.")
    help = ("The role `admin` always grants every permission; create another role for a "
            "narrower set.")


class LastAdministrator(DomainError):
    code = "MT-AUTH-LAST-ADMIN"
    status = 409
    title = N_("This would leave no active administrator.")
    help = ("At least one active user must hold a role that grants every permission; give "
            "another user the admin role first. Recovery: `medtrace user create NAME --admin`.")
