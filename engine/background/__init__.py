"""Background work: the worker loop and the mail outbox."""
