"""Staff accounts' security: the second factor, the login lockout and staff sessions, and same-origin checks
for public posts."""
