"""The portal's small library of web helpers: form and field checks, idempotent posts, locks, pagination,
spreadsheets, throttles. It imports no app of the portal; every app may import it."""
