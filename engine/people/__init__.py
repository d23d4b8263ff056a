"""People: the LPSE directory, accounts and sign-in."""
