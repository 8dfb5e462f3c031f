"""Personal-data protection: field keys and encrypted fields, key rotation, retention, and the disclosure log's
door. It imports the library (``helpers``) only; every app that keeps personal data imports it."""
